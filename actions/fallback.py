"""Replies for questions the bot cannot or should not answer."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ContentAction, send_topic
from bot.content.repository import ContentRepository


class ActionOutOfScope(ContentAction):
    """Other municipal questions: say so, and point to the municipality."""

    def name(self) -> Text:
        return "action_out_of_scope"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository
    ) -> List[Dict[Text, Any]]:
        send_topic(dispatcher, repo, "out_of_scope")
        return []


class ActionRephrase(ContentAction):
    """One-step fallback: ask the resident to rephrase, offering topics."""

    def name(self) -> Text:
        return "action_rephrase"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_rephrase")
        return []

