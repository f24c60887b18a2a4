"""What every review page shares: the app's conversation service, the page
layout with the review helpers, and the lookup of the conversation a page is about."""
from __future__ import annotations

import functools
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.content.editor import domain_intents
from bot.conversations.service import NLU_DIR, ConversationService
from bot.conversations.tracker import TrackerStore, tracker_url
from bot.conversations.transcript import FALLBACK_INTENT, Conversation
from bot.db.engine import session_factory
from bot.portal.admin.common import error_page, render
from bot.portal.admin.review.display import helpers
from bot.portal.keys import SETTINGS_KEY
from bot.portal.security import blocking, current_user

SERVICE_KEY = web.AppKey("review_service", ConversationService)
# Where the inbox's corrections are written: set by tests; else REVIEWED_NLU_PATH, else data/nlu/reviewed.yml
NLU_PATH_KEY = web.AppKey("review_nlu_path", str)


async def conversation_service(app: web.Application) -> AsyncIterator[None]:
    """A cleanup context: the app's ConversationService, on the tracker store and
    content database of its settings, for as long as the app runs."""
    settings = app[SETTINGS_KEY]
    tracker = TrackerStore(tracker_url(settings.tracker_db))
    nlu_path = app.get(NLU_PATH_KEY) or os.environ.get("REVIEWED_NLU_PATH")
    app[SERVICE_KEY] = ConversationService(tracker, session_factory(settings.database_url),
                                           Path(os.environ.get("REVIEW_NLU_DIR") or NLU_DIR),
                                           Path(nlu_path) if nlu_path else None)
    yield
    tracker.close()


def service(request: web.Request) -> ConversationService:
    return request.app[SERVICE_KEY]


def who(request: web.Request) -> str:
    return current_user(request).username


def intents() -> list[str]:
    """The intents an admin may choose for a message (domain.yml's, without the fallback)."""
    return [intent for intent in domain_intents() if intent != FALLBACK_INTENT]


async def page(request: web.Request, template: str, context: dict[str, Any], status: int = 200) -> web.Response:
    return await render(request, template, {**helpers(), **context}, status)


ConversationHandler = Callable[[web.Request, Conversation], Awaitable[web.StreamResponse]]


def one_conversation(handler: ConversationHandler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """A handler of the conversation in `?id=` (a query parameter, since a REST
    client's sender id may hold any character); a missing one gets a 404 page."""

    @functools.wraps(handler)
    async def with_conversation(request: web.Request) -> web.StreamResponse:
        sender_id = request.query.get("id", "")
        found = await blocking(service(request).conversation, sender_id) if sender_id else None
        if found is None:
            return await error_page(
                request, "Samtalet finns inte",
                "Samtalet finns inte i loggen. Det kan ha gallrats efter lagringstiden eller raderats.", 404)
        return await handler(request, found)

    return with_conversation
