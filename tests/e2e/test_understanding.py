"""What residents really type, over the REST channel against the real stack:
unknown places, follow-ups on lists, personal data inside a question, two
questions in one message."""
import sqlite3
import uuid

import pytest

pytestmark = pytest.mark.slow


def new_sender() -> str:
    return f"e2e-u-{uuid.uuid4().hex[:8]}"


@pytest.mark.parametrize("question, place", [
    ("Finns det ett samarbete mellan Vänersborg och Göteborg?", "Göteborg"),
    ("samarbetar kommunen med tyskland", "Tyskland"),
    ("har ni någon vänort i Spanien", "Spanien"),
])
def test_a_place_the_store_does_not_know_gets_an_honest_answer(live_stack, question, place):
    text = live_stack.text(new_sender(), question)
    assert f"ingen information om något samarbete med {place}" in text
    assert "Herning" in text and "Ravenna" in text and "Chobe District Council" in text


def test_a_place_in_a_question_about_something_else_is_not_a_partner_question(live_stack):
    text = live_stack.text(new_sender(), "vilken buss går till Trollhättan på morgonen")
    assert "samarbete med" not in text
    assert "Jag kan bara svara på frågor om" in text or "formulera frågan" in text


def test_follow_ups_on_the_focus_area_list(live_stack):
    sender = new_sender()
    assert "Livslångt lärande" in live_stack.text(sender, "vilka är fokusområdena i policyn")
    second = live_stack.text(sender, "berätta om det andra")
    assert "Sysselsättning och hållbar tillväxt" in second and "Livslångt lärande" not in second
    assert "Frivilligorganisationernas humanitära arbete" in live_stack.text(sender, "och det sista?")
    assert "Det finns 6 fokusområden" in live_stack.text(sender, "nummer nio då")


def test_follow_ups_on_the_partner_list(live_stack):
    sender = new_sender()
    assert "Ravenna" in live_stack.text(sender, "vilka samarbetspartner har kommunen")
    assert "Ravenna i Italien" in live_stack.text(sender, "den italienska")


def test_personal_data_inside_a_question_is_answered_without_repeating_it(live_stack):
    sender = new_sender()
    replies = live_stack.chat(sender, "hej jag heter Lisa, skicka svaret till lisa.b@example.com. vilka fokusområden finns?")
    text = "\n".join(r.get("text", "") for r in replies)
    assert "Livslångt lärande" in text
    assert "lisa.b@example.com" not in text
    assert replies[-1]["text"].startswith("Tänk på att inte skriva personuppgifter")
    with sqlite3.connect(live_stack.settings.tracker_db) as db:
        stored = [t for (t,) in db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", (sender,))]
    assert stored and all("lisa.b@example.com" not in row for row in stored)


def test_two_questions_in_one_message_are_both_answered(live_stack):
    text = live_stack.text(new_sender(), "varför jobbar kommunen internationellt och vilka partner har ni?")
    assert "globaliserad värld" in text
    assert "Herning" in text and "Chobe District Council" in text
