"""An English-speaking resident, over the REST channel as the widget talks to it:
English answers from the store with an English source line, follow-ups, an
unknown partner, out of scope, and each reply marked with its language."""
from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.slow

SOURCE = "Source: International work, 8 May 2023"


def new_sender() -> str:
    return f"e2e-en-{uuid.uuid4().hex[:8]}"


def test_an_english_question_gets_the_english_answer_with_its_source(live_stack):
    replies = live_stack.chat(new_sender(), "who adopted the international policy?")
    text = "\n".join(r.get("text") or "" for r in replies)
    assert "the municipal council" in text and "kommunfullmäktige" not in text
    assert f"\n{SOURCE}" in text
    assert {r.get("lang") for r in replies} == {"en"}


def test_the_conversation_stays_english_for_a_name_and_a_follow_up(live_stack):
    sender = new_sender()
    assert "Increased gender equality" in live_stack.text(sender, "what are the focus areas of the policy?")
    third = live_stack.chat(sender, "tell me more about the third one")
    assert "Lifelong learning" in "\n".join(r.get("text") or "" for r in third)
    assert {r.get("lang") for r in third} == {"en"}
    herning = live_stack.chat(sender, "Herning")  # a name alone does not switch to Swedish
    assert {r.get("lang") for r in herning} == {"en"}
    assert "Denmark" in "\n".join(r.get("text") or "" for r in herning)


def test_an_unknown_place_gets_an_honest_english_answer_and_the_known_partners(live_stack):
    text = live_stack.text(new_sender(), "do you have any cooperation with Hamburg?")
    assert "I have no information about any cooperation with Hamburg" in text
    for partner in ("Herning", "Ravenna", "Chobe"):
        assert partner in text


def test_an_unrelated_english_question_is_declined_in_english(live_stack):
    text = live_stack.text(new_sender(), "how do I apply for a parking permit?")
    assert "I can only answer questions about Vänersborg Municipality's international work" in text


def test_the_residents_choice_in_the_widget_wins(live_stack):
    sender = new_sender()
    reply = live_stack.chat(sender, "Vilka vänorter har ni?", metadata={"widget": {"lang": "en"}})
    assert {r.get("lang") for r in reply} == {"en"}
    assert "Herning" in "\n".join(r.get("text") or "" for r in reply)
    swedish = live_stack.chat(sender, "Vem har antagit den internationella policyn?")
    assert "kommunfullmäktige" in "\n".join(r.get("text") or "" for r in swedish)  # no choice sent: Swedish again
