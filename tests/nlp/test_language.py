"""The language of a message and of the conversation (bot/nlp/language.py)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.nlp.language import detect, next_language

CASES = yaml.safe_load(Path(__file__).with_name("language_cases.yml").read_text(encoding="utf-8"))["cases"]
MIN_ACCURACY = 0.98


@pytest.mark.parametrize("text", ["hej", "ok", "thanks", "Herning", "tack", "Hej!", "thank you"])
def test_a_short_message_or_a_courtesy_word_is_unclear(text):
    assert detect(text) is None


@pytest.mark.parametrize("text", ["vilka vanorter har ni", "varfor jobbar kommunen internationellt",
                                  "nar uppdaterades sidan"])
def test_swedish_without_a_with_rings_or_dots_is_swedish(text):
    assert detect(text) == "sv"


@pytest.mark.parametrize("text", ["What partners does Vänersborg have?", "does trollhättan have twin towns too",
                                  "what does vänersborgs kommun do internationally"])
def test_english_with_swedish_names_is_english(text):
    assert detect(text) == "en"


def test_a_foreign_name_in_a_swedish_question_leaves_it_swedish():
    assert detect("vad gör ni med Herning") == "sv"


def test_the_personal_data_placeholders_carry_no_language():
    assert detect("[PERSONNUMMER] [TELEFON]") is None
    assert next_language("en", "my phone number is [TELEFON]", None) == "en"
    assert next_language("sv", "mejla svaret till [E-POST]", None) == "sv"


def test_a_clear_message_in_the_other_language_switches_the_conversation():
    assert next_language("sv", "why does the municipality work internationally", None) == "en"
    assert next_language("en", "vem har antagit policyn", None) == "sv"


@pytest.mark.parametrize("text", ["ok", "Herning", "thanks", "hej", "/ask_partners", "3"])
def test_a_name_or_a_one_word_message_keeps_the_language(text):
    assert next_language("en", text, None) == "en"
    assert next_language("sv", text, None) == "sv"


def test_a_new_conversation_is_swedish_until_a_message_says_otherwise():
    assert next_language(None, "what are your focus areas", None) == "en"
    for text in ("Herning", "hej", "ok", "/greet", "[TELEFON]"):
        assert next_language(None, text, None) == "sv", text


@pytest.mark.parametrize("text, language", [
    ("hello", "en"), ("hi there", "en"), ("help", "en"), ("thanks!", "en"),
    ("tack", "sv"), ("hejsan", "sv"),
    ("policy?", "sv"), ("partners", "sv"),  # words Swedish shares: the default holds
])
def test_a_new_conversations_first_short_message_may_set_its_language(text, language):
    assert next_language(None, text, None) == language
    assert next_language("sv" if language == "en" else "en", text, None) != language  # too short to switch


def test_the_residents_choice_wins():
    assert next_language("sv", "vilka vänorter har ni", "en") == "en"
    assert next_language("en", "what are your twin towns", "sv") == "sv"


def test_only_sv_and_en_count_as_a_choice():
    assert next_language("en", "ok", "de") == "en"
    assert next_language(None, "ok", "") == "sv"


def test_language_identification_on_the_measurement_messages():
    """Each message after a Swedish and after an English turn: its language, or the previous one ("keep")."""
    assert len(CASES) >= 150
    wrong = [(previous, case) for case in CASES for previous in ("sv", "en")
             if next_language(previous, case["text"], None) != (previous if case["lang"] == "keep" else case["lang"])]
    accuracy = 1 - len(wrong) / (2 * len(CASES))
    assert accuracy >= MIN_ACCURACY, f"{accuracy:.1%}: {wrong}"


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "<b>vilka vänorter</b>",
                                  "'; DROP TABLE events; --"])
def test_markup_or_code_does_not_switch_a_swedish_conversation(text):
    assert next_language("sv", text, None) == "sv"
