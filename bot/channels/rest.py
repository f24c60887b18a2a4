"""The residents' REST channel: Rasa's REST channel with guards around it.

It keeps the URL `/webhooks/rest/webhook` and adds what a public chat needs:
empty and oversized messages get a polite answer without reaching the model,
and a turn that produced no reply at all (for example because the action
server is down) still gets a polite Swedish message instead of silence.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 1000
EMPTY_MESSAGE_REPLY = "Skriv gärna en fråga om Vänersborgs kommuns internationella arbete."
TOO_LONG_REPLY = (
    f"Ditt meddelande är för långt för mig. Skriv gärna en kortare fråga, "
    f"högst {MAX_MESSAGE_CHARS} tecken."
)
NO_REPLY_FALLBACK = (
    "Jag kan tyvärr inte svara just nu på grund av ett tekniskt fel. "
    "Försök igen om en stund."
)

Handler = Callable[[UserMessage], Awaitable[Any]]


class ResidentRestInput(RestInput):
    """REST channel for the residents' widget."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        return super().blueprint(guarded(on_new_message))


def guarded(on_new_message: Handler) -> Handler:
    """Wraps Rasa's message handler with the input and output guards."""

    async def handle(message: UserMessage) -> None:
        text = (message.text or "").strip()
        if not text:
            await message.output_channel.send_text_message(message.sender_id, EMPTY_MESSAGE_REPLY)
            return
        if len(text) > MAX_MESSAGE_CHARS:
            await message.output_channel.send_text_message(message.sender_id, TOO_LONG_REPLY)
            return
        try:
            await on_new_message(message)
        finally:
            collector = message.output_channel
            if isinstance(collector, CollectingOutputChannel) and collector.messages == []:
                logger.error("No reply for sender %s; sent the fallback", message.sender_id)
                await collector.send_text_message(message.sender_id, NO_REPLY_FALLBACK)

    return handle
