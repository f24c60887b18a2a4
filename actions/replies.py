"""The conversation's glue (greeting, thanks, goodbye, "I am a bot", the
rephrase prompt) in the staff's wording: each reply is a bot text.

They state no facts, so when the content store cannot be read they send the
default wording instead of the technical-error message.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import language_of, repository
from bot.content.repository import ContentRepository
from bot.content.system_messages import system_text

# The topics offered as buttons with the greeting, the capabilities and the rephrase prompt.
TOPIC_BUTTONS = (
    ("button_why", "/ask_why"),
    ("button_focus_areas", "/ask_focus_areas"),
    ("button_partners", "/ask_partners"),
    ("button_benefits_residents", "/ask_benefits_residents"),
)


def topic_buttons(repo: ContentRepository) -> list[dict[str, str]]:
    return [{"title": system_text(key, repo, repo.language), "payload": payload} for key, payload in TOPIC_BUTTONS]


def send_text(dispatcher: CollectingDispatcher, repo: ContentRepository, key: str,
              with_topics: bool = False) -> None:
    """Send one bot text, with the topic buttons when asked for."""
    dispatcher.utter_message(text=system_text(key, repo, repo.language),
                             buttons=topic_buttons(repo) if with_topics else None)


class TextReply(Action, ABC):
    """Sends the bot text `key` as action `action_say_<key>`."""

    with_topics = False

    @property
    @abstractmethod
    def key(self) -> str:
        """The bot text this action sends."""

    def name(self) -> str:
        return f"action_say_{self.key}"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        send_text(dispatcher, repository().in_language(language_of(tracker)), self.key, self.with_topics)
        return []


class ActionSayGreet(TextReply):
    key = "greet"
    with_topics = True


class ActionSayCapabilities(TextReply):
    key = "capabilities"
    with_topics = True


class ActionSayGoodbye(TextReply):
    key = "goodbye"


class ActionSayThank(TextReply):
    key = "thank"


class ActionSayIAmABot(TextReply):
    key = "iamabot"


class ActionSayFeedbackThanks(TextReply):
    key = "feedback_thanks"
