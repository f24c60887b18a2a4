"""System messages to residents that must work even when the content store is down.

Their wording is a bot text that staff edit (bot/content/texts.py); when the
store cannot be read, the default from data/content/texts.yml is sent, so a
resident always gets a polite reply.
"""
from __future__ import annotations

import asyncio
import logging

from bot.content import texts
from bot.content.repository import ContentRepository

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 1000

_repository: ContentRepository | None = None


def _repo() -> ContentRepository:
    global _repository
    if _repository is None:
        _repository = ContentRepository()
    return _repository


def system_text(key: str, repo: ContentRepository | None = None, language: str = "sv", **values: object) -> str:
    """The staff's wording of a system message in `language` ("sv" or "en"), or its
    default in that language if the store fails."""
    try:
        return (repo or _repo()).in_language(language).text(key, **values)
    except Exception:  # noqa: BLE001 - whatever broke, the resident still gets an answer
        logger.warning("Bot text %r not readable from the content store; sent its default", key,
                       exc_info=True)
        return texts.default(key, language, **values)


async def system_reply(key: str, language: str = "sv") -> str:
    """`system_text` off the event loop (the store may take seconds to fail)."""
    values = {"antal": MAX_MESSAGE_CHARS} if key == "too_long" else {}
    return await asyncio.to_thread(system_text, key, None, language, **values)


# The default wording, for code that must not wait for the store: nginx's
# configuration (rendered from these), benchmarks and tests.
TECHNICAL_ERROR = texts.default("technical_error")
EMPTY_MESSAGE = texts.default("empty_message")
TOO_LONG = texts.default("too_long", antal=MAX_MESSAGE_CHARS)
# Sent by nginx (production profile) when one client sends too many messages too fast.
RATE_LIMITED = texts.default("rate_limited")

# The chat endpoint's own guards (bot/channels/rest.py, bot/rasa/server.py): a request
# the widget would never send is refused before anything is parsed or stored.
MAX_CHAT_BODY = 16 * 1024  # bytes; a message is at most 1000 characters, metadata fits easily
TOO_LARGE = (
    "Ditt meddelande är för stort för mig att ta emot. Skriv gärna en kortare fråga, "
    f"högst {MAX_MESSAGE_CHARS} tecken."
)
NOT_JSON_TYPE = "Skicka meddelandet som JSON, med rubriken Content-Type: application/json."
MALFORMED_BODY = (
    "Meddelandet kunde inte läsas. Skicka ett JSON-objekt med fälten sender (text) och message (text)."
)
BAD_SENDER = (
    "Fältet sender måste vara en text på 8–128 tecken med bara bokstäverna a–z och A–Z, "
    "siffror, bindestreck, understreck, punkt och kolon."
)
BAD_MESSAGE = "Fältet message måste vara en text."
