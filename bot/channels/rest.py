"""The residents' REST channel: Rasa's REST channel with guards around it.

It keeps the URL `/webhooks/rest/webhook` and adds what a public chat needs:
a request the widget would never send is refused before Rasa reads it, and
only the metadata keys the widget sends are kept (bot/channels/guards.py);
empty and oversized messages get a polite answer without reaching the model,
personal data in the text and the metadata is masked before Rasa parses or
stores anything (bot/privacy/masking.py), and a turn that produced no reply at
all (for example because the action server is down) still gets a polite
Swedish message instead of silence.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, Sanic
from sanic.exceptions import SanicException
from sanic.request import Request

from bot.channels.guards import allowed_metadata, refuse_malformed
from bot.channels.questions import Parse, understood
from bot.content.system_messages import MAX_MESSAGE_CHARS, system_reply
from bot.privacy.masking import PLACEHOLDER_RE, mask_text, mask_value

logger = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]


class ResidentRestInput(RestInput):
    """REST channel for the residents' widget."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        blueprint = super().blueprint(guarded(on_new_message))
        blueprint.middleware(refuse_malformed, "request")
        return blueprint

    # Masked already where Rasa's REST channel reads the request, so that even
    # its own error log lines ("rest.message.received.failure", text=…) only
    # carry masked text; guarded() masks again (masking is idempotent).
    def _extract_message(self, request: Request) -> str | None:
        text = super()._extract_message(request)
        return mask_text(text) if isinstance(text, str) else text

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        return mask_value(allowed_metadata(super().get_metadata(request)))


def guarded(on_new_message: Handler) -> Handler:
    """Wraps Rasa's message handler with the input and output guards."""

    async def handle(message: UserMessage) -> None:
        text = (message.text or "").strip()
        if not text:
            await message.output_channel.send_text_message(message.sender_id, await system_reply("empty_message"))
            return
        if len(text) > MAX_MESSAGE_CHARS:
            await message.output_channel.send_text_message(message.sender_id, await system_reply("too_long"))
            return
        # Before anything else sees it: the NLU pipeline, the actions, the logs and
        # the tracker store only ever get the masked text and metadata.
        message.text = mask_text(text)
        if message.metadata:
            message.metadata = mask_value(message.metadata)
        try:
            parse = _nlu_parser()
            if parse is None:
                await on_new_message(message)
            else:
                masked = bool(PLACEHOLDER_RE.search(message.text))
                for question in await understood(message, parse, masked):
                    await on_new_message(question)
        finally:
            collector = message.output_channel
            if isinstance(collector, CollectingOutputChannel) and collector.messages == []:
                logger.error("No reply for sender %s; sent the fallback", message.sender_id)
                await collector.send_text_message(message.sender_id, await system_reply("technical_error"))

    return handle


def _nlu_parser() -> Parse | None:
    """The running Rasa server's NLU, to read what a message asks before the
    processor handles it (None outside a Rasa server, e.g. in unit tests)."""
    try:
        agent = getattr(Sanic.get_app().ctx, "agent", None)
    except SanicException:
        return None
    return agent.parse_message if agent is not None and agent.is_ready() else None
