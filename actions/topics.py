"""Answers for the topic intents (`ask_<key>` → topic `<key>`)."""
from __future__ import annotations


from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import (
    ContentAction,
    Events,
    chat_text,
    honest_about_details,
    latest_intent,
    send_topic,
)
from actions.cited import send_cited
from bot.content.repository import ContentRepository

INTENT_PREFIX = "ask_"


def topic_key(intent: str) -> str:
    return intent[len(INTENT_PREFIX):] if intent.startswith(INTENT_PREFIX) else intent


class ActionAnswerTopic(ContentAction):
    action_name = "action_answer_topic"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, repo: ContentRepository) -> Events:
        intent = latest_intent(tracker)
        topic = repo.topic(topic_key(intent))
        if topic is None:
            send_topic(dispatcher, repo, "no_answer")
        else:
            body = honest_about_details(repo, tracker, chat_text(topic.body))
            send_cited(dispatcher, repo, body, [topic.provenance])
        return []
