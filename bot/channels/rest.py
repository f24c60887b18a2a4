"""The residents' REST channel: Rasa's REST channel with guards around it.

It keeps the URL `/webhooks/rest/webhook` and adds what a public chat needs:
a request the widget would never send is refused before Rasa reads it, and
only the metadata keys the widget sends are kept (bot/channels/guards.py);
empty and oversized messages get a polite answer without reaching the model,
personal data in the text and the metadata is masked before Rasa parses or
stores anything (bot/privacy/masking.py), and a turn that produced no reply at
all (for example because the action server is down) still gets a polite
Swedish message instead of silence.

Each message carries the conversation's language in `metadata["language"]`
("sv" or "en", bot/nlp/language.py: the resident's choice in the widget, else
the message's own language when it is clear, else the language of the
sender's previous message), and each reply says which language it is written
in (`"lang"`), so the widget can mark it for screen readers.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.events import UserUttered
from sanic import Blueprint, Sanic
from sanic.exceptions import SanicException
from sanic.request import Request

from bot.channels.guards import allowed_metadata, refuse_malformed
from bot.channels.questions import Parse, understood
from bot.content.system_messages import MAX_MESSAGE_CHARS, system_reply
from bot.nlp.language import next_language, warm_up
from bot.privacy.masking import PLACEHOLDER_RE, mask_text, mask_value

logger = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]
LANGUAGE_KEY = "language"  # in each user message's metadata (actions/base.py reads it)


class ResidentRestInput(RestInput):
    """REST channel for the residents' widget."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        warm_up()
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
        # Before anything else sees them: the NLU pipeline, the actions, the logs
        # and the tracker store only ever get the masked text and metadata.
        metadata = mask_value(message.metadata) if message.metadata else {}
        chosen = (metadata.get("widget") or {}).get("lang")
        previous = await _previous_language(message.sender_id)
        if not text or len(text) > MAX_MESSAGE_CHARS:  # answered in the conversation's language
            key = "empty_message" if not text else "too_long"
            await _send_system(message.output_channel, message.sender_id, key, next_language(previous, "", chosen))
            return
        message.text = mask_text(text)
        language = next_language(previous, message.text, chosen)
        message.metadata = {**metadata, LANGUAGE_KEY: language}
        collector = message.output_channel
        try:
            parse = _nlu_parser()
            if parse is None:
                await on_new_message(message)
            else:
                masked = bool(PLACEHOLDER_RE.search(message.text))
                for question in await understood(message, parse, masked):
                    await on_new_message(question)
        finally:
            if isinstance(collector, CollectingOutputChannel):
                if collector.messages == []:
                    logger.error("No reply for sender %s; sent the fallback", message.sender_id)
                    await _send_system(collector, message.sender_id, "technical_error", language)
                for reply in collector.messages:
                    reply.setdefault("lang", language)

    return handle


async def _send_system(channel: OutputChannel, sender_id: str, key: str, language: str) -> None:
    """One of the channel's own replies, in the conversation's language and marked with it."""
    await channel.send_text_message(sender_id, await system_reply(key, language))
    if isinstance(channel, CollectingOutputChannel):
        channel.messages[-1]["lang"] = language


def _agent() -> Any:
    """The running Rasa server's agent (None outside a Rasa server, e.g. in unit tests)."""
    try:
        agent = getattr(Sanic.get_app().ctx, "agent", None)
    except SanicException:
        return None
    return agent if agent is not None and agent.is_ready() else None


def _nlu_parser() -> Parse | None:
    """The agent's NLU, to read what a message asks before the processor handles it."""
    agent = _agent()
    return agent.parse_message if agent is not None else None


async def _previous_language(sender_id: str) -> str | None:
    """The language of the sender's last message in the tracker store (None: a new conversation)."""
    agent = _agent()
    if agent is None or agent.tracker_store is None:
        return None
    # Rasa wraps the configured store in its FailSafeTrackerStore; ours can be read
    # without taking the conversation out of its cache (bot/rasa/tracker_store.py).
    store = getattr(agent.tracker_store, "_tracker_store", agent.tracker_store)
    read = getattr(store, "peek", store.retrieve)
    try:
        tracker = await read(sender_id)
    except Exception:  # noqa: BLE001 - the store's own error is logged by Rasa; the message still gets answered
        logger.warning("Tracker of sender %s not readable; its language starts anew", sender_id, exc_info=True)
        return None
    return last_language(tracker.events if tracker is not None else [])


def last_language(events: Any) -> str | None:
    """The `language` of the last user message among a tracker's events."""
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            return (event.metadata or {}).get(LANGUAGE_KEY)
    return None
