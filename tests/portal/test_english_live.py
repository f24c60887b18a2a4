"""End to end in English: staff edit an English text in the live portal, and the live
action server answers the very next English turn with it; an item without English
is answered in Swedish with the English note.

The turn goes straight to the action server with the language the REST channel
resolves (`metadata["language"]`, see the contract in README "English"), so this
test covers the store, the portal and the actions whatever the channel detects.
"""
from __future__ import annotations

import uuid

import pytest
import requests

from bot.content.types import TEXTS, TOPICS
from tests.portal.test_admin_live import (  # noqa: F401  (the live portal's fixtures)
    editor, edited, portal, store_as_found, unique,
)

pytestmark = pytest.mark.slow


def english_turn(live_stack, action: str, text: str, intent: str) -> list[dict]:
    """The live action server's replies to one English message."""
    tracker = {
        "sender_id": unique("e2e-en"), "slots": {}, "events": [], "paused": False, "followup_action": None,
        "active_loop": {}, "latest_action_name": "action_listen",
        "latest_message": {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": [],
                           "intent_ranking": [], "metadata": {"language": "en"}},
    }
    reply = requests.post(live_stack.settings.action_endpoint, timeout=30,
                          json={"next_action": action, "sender_id": tracker["sender_id"], "tracker": tracker,
                                "domain": {}, "version": "3.6.21"})
    reply.raise_for_status()
    return reply.json()["responses"]


def test_an_edited_english_text_is_in_the_next_english_reply(live_stack, portal, editor):
    topic = next(t for t in editor.list(TOPICS) if t.values["key"] == "policy")
    marker = f"The policy was reviewed ({uuid.uuid4().hex[:6]})."
    with edited(portal, editor, TOPICS, topic, body_en=f"{topic.values['body_en']} {marker}"):
        [reply] = english_turn(live_stack, "action_answer_topic", "who adopted the international policy?",
                               "ask_policy")
        assert reply["text"].startswith("The basis for the work is the international policy, which has been "
                                        "adopted by the municipal council.")
        assert marker in reply["text"]
        assert reply["text"].splitlines()[-1].startswith("Source: Vänersborg Municipality, ")


def test_an_edited_english_bot_text_is_the_next_english_greeting(live_stack, portal, editor):
    greet = next(t for t in editor.list(TEXTS) if t.values["key"] == "greet")
    wording = f"Hi there ({uuid.uuid4().hex[:6]})! Ask me about the international work."
    with edited(portal, editor, TEXTS, greet, text_en=wording):
        replies = english_turn(live_stack, "action_say_greet", "hello", "greet")
        assert replies[0]["text"] == wording
        assert [b["title"] for b in replies[0]["buttons"]][1:3] == ["Focus areas", "Partners"]


def test_an_answer_without_english_comes_in_swedish_with_the_english_note(live_stack, portal, editor):
    topic = next(t for t in editor.list(TOPICS) if t.values["key"] == "activities")
    with edited(portal, editor, TOPICS, topic, body_en=""):
        [reply] = english_turn(live_stack, "action_answer_topic", "what exchanges do you take part in?",
                               "ask_activities")
        assert reply["text"].startswith("Vänersborgs kommun deltar i flertalet utbyten")
        assert "(This answer is only available in Swedish.)" in reply["text"]
        assert "Utbyten, konferenser och projekt</a>" in portal.get("/admin/english")
