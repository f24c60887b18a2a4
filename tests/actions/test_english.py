"""Actions answer in the conversation's language (metadata "language": "en"), from the store."""
from __future__ import annotations

import datetime as dt

import pytest

from actions import ActionAnswerTopic, ActionFocusAreas, ActionOutOfScope, ActionPartner, ActionPartners, ActionRephrase
from actions.base import language_of
from actions.replies import ActionSayGreet
from bot.content.editor import ContentEditor
from bot.content.types import QA, TOPICS
from bot.dates import english_date
from tests.actions.conftest import make_tracker

ENGLISH = {"metadata": {"language": "en"}}


@pytest.mark.parametrize("metadata, language", [
    ({"language": "en"}, "en"), ({"language": "sv"}, "sv"), ({"language": "de"}, "sv"), ({}, "sv"), (None, "sv"),
])
def test_the_language_is_the_channels_and_swedish_otherwise(metadata, language):
    assert language_of(make_tracker("hi", "greet", message={"metadata": metadata})) == language


def test_a_topic_is_answered_in_english_with_an_english_source_line(turn):
    reply = turn(ActionAnswerTopic(), "why do you work internationally", "ask_why", message=ENGLISH)
    assert reply.text.startswith("We live in a globalised world")
    assert reply.text.endswith("Source: International work, 8 May 2023")
    assert reply.dispatcher.messages[0]["custom"]["citation"]["text"] == "Source: International work, 8 May 2023"


def test_the_same_topic_stays_swedish_without_the_language(turn):
    reply = turn(ActionAnswerTopic(), "varför arbetar ni internationellt", "ask_why")
    assert reply.text.startswith("Vi lever i en globaliserad värld")
    assert reply.text.endswith("Källa: Internationellt arbete, 8 maj 2023")


def test_the_focus_areas_list_and_its_follow_up_are_english(turn):
    listing = turn(ActionFocusAreas(), "what are the focus areas", "ask_focus_areas", message=ENGLISH)
    assert listing.text.startswith("The international policy has 6 prioritised focus areas:\n"
                                   "1. Good living conditions through housing")
    assert "3. Lifelong learning" in listing.text
    one = turn(ActionFocusAreas(), "tell me about lifelong learning", "ask_focus_area",
               [("focus_area", "lifelong learning")], message=ENGLISH)
    assert one.text.startswith("“Lifelong learning” is focus area 3 of 6 in the municipality's international policy.")


def test_partners_are_listed_with_english_countries_and_continents(turn):
    reply = turn(ActionPartners(), "which partners do you have", "ask_partners", message=ENGLISH)
    assert reply.text.startswith("Among others, Vänersborg Municipality has contacts with:\n"
                                 "• Herning (Denmark, Europe)\n• Ravenna (Italy, Europe)")


def test_a_partner_by_country_in_english_and_its_country_follow_up(turn):
    reply = turn(ActionPartners(), "partners in africa?", "ask_partners", [("continent", "Africa")], message=ENGLISH)
    assert reply.text.startswith("Partners in Africa:\nVänersborg Municipality has contacts with Chobe District Council")
    country = turn(ActionPartner(), "which country is it in?", "ask_partner_country",
                   slots={"partner": "Ravenna"}, message=ENGLISH)
    assert country.text.startswith("Ravenna is in Italy, in Europe.")


def test_an_unknown_partner_is_answered_honestly_in_english_with_the_known_ones(turn):
    reply = turn(ActionPartner(), "do you cooperate with Hamburg", "ask_partner", [("partner", "Hamburg")],
                 message=ENGLISH)
    assert reply.text.startswith("I have no information about any cooperation with Hamburg. "
                                 "The partners I know of are:\n• Herning (Denmark, Europe)")


def test_twin_towns_are_named_in_english(turn):
    reply = turn(ActionPartners(), "which twin towns do you have", "ask_partners", message=ENGLISH)
    assert reply.text.startswith("The page on international work does not say which the municipality's "
                                 "twin towns are.")


def test_out_of_scope_and_rephrase_are_english_with_english_buttons(turn):
    out = turn(ActionOutOfScope(), "how do I renew my parking permit", "out_of_scope", message=ENGLISH)
    assert out.text.startswith("I can only answer questions about Vänersborg Municipality's international work.")
    rephrase = turn(ActionRephrase(), "blorp", "nlu_fallback", message=ENGLISH)
    assert rephrase.text.startswith("Sorry, I did not quite understand.")
    assert [b["title"] for b in rephrase.dispatcher.messages[0]["buttons"]] == [
        "Why does the municipality work internationally?", "Focus areas", "Partners", "What does it give residents?"]


def test_the_greeting_is_english(turn):
    reply = turn(ActionSayGreet(), "hello", "greet", message=ENGLISH)
    assert reply.text.startswith("Hello! I answer questions about Vänersborg Municipality's international work.")


def test_a_topic_without_english_is_sent_in_swedish_with_an_english_note(turn, sessions):
    editor = ContentEditor(sessions)
    why = next(item for item in editor.list(TOPICS) if item.values["key"] == "why")
    editor.update(TOPICS, why.id, dict(why.values, body_en=""), why.version, "anna")
    reply = turn(ActionAnswerTopic(), "why", "ask_why", message=ENGLISH)
    assert reply.text.startswith("Vi lever i en globaliserad värld")
    assert "(This answer is only available in Swedish.)" in reply.text
    assert reply.text.endswith("Source: Vänersborg Municipality, " + english_date(dt.date.today()))


def test_a_staff_answer_is_found_by_its_english_example_and_answered_in_english(turn, sessions):
    ContentEditor(sessions).create(QA, {
        "title": "Sommarjobb utomlands", "answer": "Kommunen förmedlar inga sommarjobb.",
        "examples": ["Kan jag få sommarjobb i Herning?"],
        "title_en": "Summer jobs abroad", "answer_en": "The municipality does not arrange summer jobs.",
        "examples_en": ["Can I get a summer job in Herning?"]}, "anna")
    reply = turn(ActionOutOfScope(), "Can I get a summer job in Herning?", "out_of_scope", message=ENGLISH)
    assert reply.text.startswith("The municipality does not arrange summer jobs.\nSource: Vänersborg Municipality, ")

