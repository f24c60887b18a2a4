"""The real servers, talked to over the REST channel as the widget does."""
import sqlite3
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.content.system_messages import EMPTY_MESSAGE, TECHNICAL_ERROR, TOO_LONG

pytestmark = pytest.mark.slow


def new_sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:8]}"


def test_a_question_gets_a_sourced_answer_from_the_store(live_stack):
    text = live_stack.text(new_sender(), "Vem har antagit den internationella policyn?")
    assert "kommunfullmäktige" in text
    # the answer ends with its one-line source (a "Menade du …?" suggestion may follow it)
    assert "\nKälla: Internationellt arbete, 8 maj 2023" in text


def test_twin_town_question_names_herning(live_stack):
    assert "Herning" in live_stack.text(new_sender(), "Vilka vänorter har ni?")


@pytest.mark.parametrize("turns", [
    [("Berätta om Ravenna", "Ravenna i Italien"), ("Vilket land ligger den i?", "Ravenna ligger i Italien")],
    [("Berätta om Herning", "Herning i Danmark"), ("och Ravenna då?", "Ravenna i Italien")],
], ids=["which-country", "and-another-partner"])
def test_follow_ups_on_a_partner(live_stack, turns):
    sender = new_sender()
    for message, expected in turns:
        assert expected in live_stack.text(sender, message), message


def test_unknown_partner_is_not_invented(live_stack):
    text = live_stack.text(new_sender(), "Samarbetar ni med Tammerfors?")
    assert "ingen information om något samarbete med" in text


def test_focus_areas_are_listed(live_stack):
    text = live_stack.text(new_sender(), "vilka fokusområden har ni")
    assert "Livslångt lärande" in text and "Resurssnåla kretslopp" in text


def test_a_double_submit_gets_both_answers_in_order(live_stack):
    """Two messages of one resident at once (a double click, two tabs) may reach
    different Rasa workers; they are still handled one after the other."""
    sender = new_sender()
    questions = ["Berätta om Ravenna", "vilka fokusområden har ni"]
    assert live_stack.settings.rasa_workers == 2
    with ThreadPoolExecutor(len(questions)) as pool:
        ravenna, focus_areas = pool.map(lambda question: live_stack.text(sender, question), questions)
    assert "Ravenna i Italien" in ravenna
    assert "Livslångt lärande" in focus_areas

    with sqlite3.connect(live_stack.settings.tracker_db) as tracker_db:
        kinds = [kind for (kind,) in tracker_db.execute(
            "SELECT type_name FROM events WHERE sender_id = ? AND type_name IN ('user', 'bot') "
            "ORDER BY id", (sender,))]
    turns = [kind for i, kind in enumerate(kinds) if i == 0 or kinds[i - 1] != kind]
    assert turns == ["user", "bot", "user", "bot"], kinds


def test_low_confidence_offers_topic_buttons(live_stack):
    replies = live_stack.chat(new_sender(), "/nlu_fallback")
    assert "formulera frågan" in replies[0]["text"]
    assert {b["payload"] for b in replies[0]["buttons"]} >= {"/ask_focus_areas", "/ask_partners"}


@pytest.mark.parametrize(
    "message, expected",
    [
        ("", EMPTY_MESSAGE),
        ("   ", EMPTY_MESSAGE),
        ("a" * 10_000, TOO_LONG),
    ],
    ids=["empty", "blank", "10000-chars"],
)
def test_empty_and_huge_messages_get_a_polite_answer(live_stack, message, expected):
    assert live_stack.text(new_sender(), message) == expected


@pytest.mark.parametrize(
    "message",
    [
        "😀😀🎉🙈",
        "<script>alert('x')</script>",
        "<img src=x onerror=alert(1)>",
        "'; DROP TABLE partner; --",
        "Robert'); DELETE FROM topic WHERE ('1'='1",
    ],
    ids=["emoji", "script-tag", "img-onerror", "sql-drop", "sql-delete"],
)
def test_hostile_or_odd_input_gets_a_sane_swedish_reply(live_stack, message):
    replies = live_stack.chat(new_sender(), message)
    assert replies, "the bot went silent"
    text = " ".join(r.get("text", "") for r in replies)
    assert "Traceback" not in text and "Exception" not in text
    assert text != TECHNICAL_ERROR
    # the store survived: facts are still answered
    assert "Herning" in live_stack.text(new_sender(), "berätta om herning")


def test_action_server_down_still_gets_a_polite_reply(live_stack):
    live_stack.stack.stop(only="actions")
    try:
        assert live_stack.text(new_sender(), "Varför arbetar kommunen internationellt?") == TECHNICAL_ERROR
    finally:
        live_stack.stack.restart("actions")
    assert "globaliserad värld" in live_stack.text(new_sender(), "Varför arbetar kommunen internationellt?")
