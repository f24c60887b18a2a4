"""Masking of personal data: realistic Swedish messages, and what must survive."""
from __future__ import annotations

import pytest
from stdnum import luhn
from stdnum.se import personnummer

from bot.privacy.masking import E_POST, NUMMER, PERSONNUMMER, TELEFON, is_personnummer, mask, mask_text, mask_value

# Valid numbers (check digit computed with stdnum's Luhn; Skatteverket's test person 19121212-1212).
VALID_PNR = ["19121212-1212", "121212-1212", "121212+1212", "1212121212", "191212121212",
             "811228-9874", "19811228-9874", "8112289874", "198112289874", "811228 9874"]
# Samordningsnummer: day of birth + 60 (850372 = 12 March 1985).
VALID_SAMORDNING = ["850372-1238", "19850362-1875", "8503721238"]


def test_the_example_numbers_really_are_valid():
    """Guards the test data itself: stdnum accepts the personnummer, and the
    samordningsnummer are valid once 60 is taken off the day."""
    for number in VALID_PNR:
        assert personnummer.is_valid(number), number
    for number in VALID_SAMORDNING:
        digits = number.replace("-", "")
        assert luhn.is_valid(digits[-10:]), number
        assert not personnummer.is_valid(number)  # stdnum alone rejects day 72 …
    assert is_personnummer("850372", "-", "1238")  # … our check accepts it


@pytest.mark.parametrize("number", VALID_PNR + VALID_SAMORDNING)
def test_personnummer_and_samordningsnummer_are_masked(number):
    text = f"Hej, mitt personnummer är {number}. Kan ni hjälpa mig?"
    assert mask_text(text) == f"Hej, mitt personnummer är {PERSONNUMMER}. Kan ni hjälpa mig?"


def test_a_personnummer_with_a_wrong_check_digit_is_still_masked_as_a_number():
    assert not personnummer.is_valid("850312-1234")
    assert mask_text("Jag heter Anna, 850312-1234") == f"Jag heter Anna, {NUMMER}"
    assert mask_text("pnr 19850312-1234 tack") == f"pnr {NUMMER} tack"


def test_an_impossible_date_is_not_a_personnummer():
    assert not is_personnummer("851332", "-", "1234")  # month 13
    assert not is_personnummer("850392", "-", "1234")  # day 92 - 60 = 32


@pytest.mark.parametrize("phone", [
    "070-123 45 67", "0701234567", "070 123 45 67", "073-912 34 56", "+46 70 123 45 67",
    "+46701234567", "0046 70-123 45 67", "+46 (0)70-123 45 67", "0521-27 10 00", "0521 72 10 00",
    "(0521) 72 10 00", "08-123 456 78", "031-12 34 56", "031 - 123 45 67", "+46 8 123 456 78",
])
def test_swedish_phone_numbers_are_masked(phone):
    text = f"Ring mig på {phone} efter kl. 17."
    assert mask_text(text) == f"Ring mig på {TELEFON} efter kl. 17."


@pytest.mark.parametrize("address", [
    "anna.andersson@example.se", "per+kommun@vanersborg.se", "Lars_Öberg@skola.vanersborg.se",
    "info@xn--vnersborg-z5a.se",
])
def test_e_mail_addresses_are_masked(address):
    assert mask_text(f"Skicka svaret till {address}, tack!") == f"Skicka svaret till {E_POST}, tack!"


@pytest.mark.parametrize("number", [
    "12345678", "8327-9 123 456 789-0", "4111 1111 1111 1111", "SE45 5000 0000 0583 9825 7466",
    "5020-1234567", "123 456 789",
])
def test_long_digit_sequences_are_masked(number):
    assert mask_text(f"Mitt kontonummer är {number}.") == f"Mitt kontonummer är {NUMMER}."


@pytest.mark.parametrize("text", [
    "Policyn antogs 2023.",
    "Sidan uppdaterades 8 maj 2023.",
    "Senast uppdaterad 2023-05-08 enligt källan.",
    "Datumet 20230508 står i dokumentet.",
    "Det gäller 8/5 2023 och 08.05.2023.",
    "Programmet löper 2021-2023, alltså 2021–2023 eller 2021/2023.",
    "Åren 2022 2023 var viktiga.",
    "Vilka är de 6 fokusområdena?",
    "Kommunen har 6 fokusområden och 3 vänorter.",
    "Kommunen har 39 000 invånare.",
    "EU gav 12 000 000 kr och 1 500 000 euro till projektet.",
    "Öppet kl. 08.30–16.00, 08-16 på fredagar.",
    "Adress: Box 1, 462 85 Vänersborg.",
    "Vänersborgs kommuns organisationsnummer är 212000-1520.",
    "Kapitel 3 § 12 i kommunallagen (2017:725).",
    "Jag är 34 år och bor i Vänersborg sedan 1999.",
])
def test_false_positives_survive(text):
    assert mask_text(text) == text


def test_a_realistic_message_with_several_kinds():
    text = ("Hej! Jag heter Sara och mitt personnummer är 19121212-1212. Ni når mig på "
            "sara.svensson@example.com eller 070-123 45 67. Jag undrar om de 6 fokusområdena "
            "från 8 maj 2023 gäller 2024 också.")
    result = mask(text)
    assert result.text == (
        f"Hej! Jag heter Sara och mitt personnummer är {PERSONNUMMER}. Ni når mig på "
        f"{E_POST} eller {TELEFON}. Jag undrar om de 6 fokusområdena "
        "från 8 maj 2023 gäller 2024 också."
    )
    assert result.counts == {"personnummer": 1, "e-post": 1, "telefon": 1}


def test_masking_is_idempotent_and_leaves_plain_text_alone():
    once = mask_text("pnr 121212-1212, tel 0701234567, konto 12345678, e-post a@b.se")
    assert mask_text(once) == once
    assert mask_text("Vilka vänorter har Vänersborg?") == "Vilka vänorter har Vänersborg?"
    assert mask_text("") == ""
    assert mask("Hej").changed is False


def test_an_intent_payload_keeps_its_shape():
    payload = '/feedback{"value": "negative"}'
    assert mask_text(payload) == payload


def test_every_string_in_the_widget_metadata_is_masked_but_not_the_keys_or_numbers():
    metadata = {
        "feedback": {"value": "negative", "message_index": 12345678,
                     "bot_text": "Ring oss på 0521-72 10 00 eller skriv till info@vanersborg.se"},
        "widget": {"page": "/kontakt", "lang": "sv"},
        "history": ["mitt nr 19121212-1212", 3],
    }
    assert mask_value(metadata) == {
        "feedback": {"value": "negative", "message_index": 12345678,
                     "bot_text": f"Ring oss på {TELEFON} eller skriv till {E_POST}"},
        "widget": {"page": "/kontakt", "lang": "sv"},
        "history": [f"mitt nr {PERSONNUMMER}", 3],
    }
    assert mask_value(None) is None


def test_the_widget_privacy_note_says_what_is_masked():
    import re

    from bot.portal.public import STATIC_DIR

    source = (STATIC_DIR / "widget.js").read_text(encoding="utf-8")
    # The note is two strings (the lead that stays when folded, and the rest), in
    # Swedish first and then in English.
    notes = re.findall(r'privacy(?:Lead|More): ("(?:[^"\\]|\\.)*"(?:\s*\+\s*"(?:[^"\\]|\\.)*")*)', source)
    assert len(notes) == 4, notes
    notes = notes[:2]
    text = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', "".join(notes)))
    for word in ("personnummer", "telefonnummer", "e-post", "maskeras"):
        assert word in text, text
