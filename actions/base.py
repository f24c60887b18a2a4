"""What every content-backed action shares: store access and a polite failure."""
from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.content.markup import to_plain_text
from bot.content.repository import ContentRepository, ContentUnavailable
from bot.messages import TECHNICAL_ERROR

logger = logging.getLogger(__name__)

_repository: ContentRepository | None = None


def repository() -> ContentRepository:
    """The shared repository, created on first use (after DATABASE_URL is set)."""
    global _repository
    if _repository is None:
        _repository = ContentRepository()
    return _repository


def use_repository(repo: ContentRepository | None) -> None:
    """Point the actions at another store (tests) or back at the default (None)."""
    global _repository
    _repository = repo


def latest_intent(tracker: Tracker) -> str:
    """The intent that triggered this action (as classified, or as a button payload)."""
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def latest_entity(tracker: Tracker, entity: str) -> str | None:
    """The value of an entity in the resident's latest message, if any."""
    value = next(tracker.get_latest_entity_values(entity), None)
    return str(value) if value else None


def chat_text(markdown: str) -> str:
    """Staff write Markdown; the chat shows plain text with bullets and links spelled out."""
    return to_plain_text(markdown)


def with_citation(text: str, repo: ContentRepository) -> str:
    return f"{text}\n{repo.site().citation}"


def send_topic(dispatcher: CollectingDispatcher, repo: ContentRepository, key: str) -> None:
    """Send one of the store's replies that cite nothing (out of scope, no answer).

    Import validation keeps these topics in the store; their absence means
    a broken store, and the resident gets the technical-error message.
    """
    topic = repo.topic(key)
    if topic is None:
        raise ContentUnavailable(f"the required topic {key!r} is missing")
    dispatcher.utter_message(text=chat_text(topic.body))


class ContentAction(Action, ABC):
    """An action that answers from the content store and never goes silent."""

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        try:
            return self.answer(dispatcher, tracker, repository())
        except ContentUnavailable:
            logger.exception("Content store unavailable in %s", self.name())
            dispatcher.utter_message(text=TECHNICAL_ERROR)
            return []

    @abstractmethod
    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository
    ) -> list[dict[str, Any]]:
        """Send the answer and return the events to apply."""
