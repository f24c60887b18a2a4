"""A tracker store with known conversations (written by Rasa's SQLTrackerStore),
and the conversation service on it and on the per-test content store."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.conversations.languages import LANGUAGES, nlu_file
from bot.conversations.service import NLU_DIR, ConversationService
from bot.conversations.tracker import TrackerStore
from bot.dates import STOCKHOLM
from bot.db.engine import session_factory
from tests.conversations.tracker_data import write_conversations


def at(moment: str) -> float:
    """'2026-11-03 09:00' in Swedish time → Unix seconds."""
    return dt.datetime.fromisoformat(moment).replace(tzinfo=STOCKHOLM).timestamp()


HERNING = "Herning ligger i Danmark och är en av kommunens samarbetsparter."
NETWORKS = "Kommunen är med i flera nätverk, bland annat Eurocities."
REPHRASE = "Förlåt, jag förstod inte riktigt. Kan du formulera frågan på ett annat sätt?"
NOT_MY_AREA = "Jag kan bara svara på frågor om Vänersborgs kommuns internationella arbete."

# sender → (start, steps); the expectations in the tests follow from these.
CONVERSATIONS = {
    "anna": (at("2026-11-02 10:00"), [
        ("user", "Vilka vänorter har ni?", "ask_partners", 0.99), ("action", "action_partners"),
        ("bot", "De samarbetsparter jag känner till är Chobe, Herning och Ravenna."),
        ("feedback", "positive", "De samarbetsparter jag känner till är Chobe, Herning och Ravenna."),
    ]),
    "bertil": (at("2026-11-03 09:00"), [
        ("fallback", "Kan jag få bygglov för en altan?", "ask_activities", 0.41), ("action", "action_rephrase"),
        ("bot", REPHRASE),
        ("user", "När töms soptunnan?", "out_of_scope", 0.98), ("action", "action_out_of_scope"),
        ("bot", NOT_MY_AREA),
    ]),
    "cecilia": (at("2026-11-03 15:00"), [
        ("user", "Vad är Erasmus+?", "ask_networks", 0.62), ("action", "action_answer_topic"),
        ("bot", NETWORKS), ("feedback", "negative", NETWORKS),
    ]),
    "frida": (at("2026-11-04 11:00"), [
        ("user", "Vad kostar bussen till Trollhättan?", "out_of_scope", 0.91), ("action", "action_out_of_scope"),
        ("bot", NOT_MY_AREA),
    ]),
    "david": (at("2026-11-05 12:00"), [
        ("button", "/ask_why"), ("action", "action_answer_topic"), ("bot", "Vi lever i en globaliserad värld."),
        ("user", "tack", "thank", 0.97), ("action", "utter_thank"), ("bot", "Varsågod!"),
    ]),
    "erik": (at("2026-11-05 20:00"), [
        ("user", "Mitt nummer är [TELEFON], berätta om Herning", "ask_partner", 0.55), ("action", "action_partner"),
        ("bot", HERNING),
    ]),
    "gustav": (at("2026-11-06 08:00"), [  # the same text as bertil's, in another conversation
        ("fallback", "kan jag få bygglov för en altan", "ask_activities", 0.38), ("action", "action_rephrase"),
        ("bot", REPHRASE),
    ]),
    "old": (at("2026-10-01 08:00"), [
        ("user", "hej", "greet", 0.95), ("action", "utter_greet"), ("bot", "Hej!"),
    ]),
    "long": (at("2026-10-02 08:00"), [  # an old session, and a new one within the retention time
        ("user", "hej", "greet", 0.96), ("action", "utter_greet"), ("bot", "Hej!"),
        ("wait", 40 * 86400), ("session",),
        ("user", "Vilka fokusområden har ni?", "ask_focus_areas", 0.93), ("action", "action_focus_areas"),
        ("bot", "Kommunen har 6 fokusområden."),
    ]),
}
ALL = set(CONVERSATIONS)

PARTNERS_EN = "Vänersborg works with Herning, Ravenna and Chobe."
PARTNERS_SV = "De samarbetsparter jag känner till är Chobe, Herning och Ravenna."
REPHRASE_EN = "Sorry, I did not quite understand. Could you put it another way?"
ELSEWHERE_EN = "I can only answer questions about Vänersborg's international work."

# Conversations in Swedish, in English and in both (tests/*/test_*languages.py).
BILINGUAL = {
    "emma": (at("2026-11-10 10:00"), [
        ("user", "What partners does Vänersborg have?", "ask_partners", 0.95, "en"), ("action", "action_partners"),
        ("bot", PARTNERS_EN), ("feedback", "positive", PARTNERS_EN, "en"),
    ]),
    "fred": (at("2026-11-10 12:00"), [
        ("fallback", "can i get a building permit", "ask_activities", 0.40, "en"), ("action", "action_rephrase"),
        ("bot", REPHRASE_EN),
        ("user", "Where do I pay the dog tax?", "out_of_scope", 0.90, "en"), ("action", "action_out_of_scope"),
        ("bot", ELSEWHERE_EN), ("feedback", "negative", ELSEWHERE_EN, "en"),
    ]),
    "anna": (at("2026-11-11 09:00"), [
        ("user", "Vilka vänorter har ni?", "ask_partners", 0.99, "sv"), ("action", "action_partners"),
        ("bot", PARTNERS_SV), ("feedback", "negative", PARTNERS_SV, "sv"),
    ]),
    "olle": (at("2026-11-11 10:00"), [  # from before English: no language stored
        ("user", "hej", "greet", 0.95), ("action", "utter_greet"), ("bot", "Hej!"),
    ]),
    "mix": (at("2026-11-12 10:00"), [
        ("user", "Berätta om Herning", "ask_partner", 0.90, "sv"), ("action", "action_partner"),
        ("bot", "Herning ligger i Danmark."),
        ("user", "thanks, and what about Ravenna?", "ask_partner", 0.60, "en"), ("action", "action_partner"),
        ("bot", "Ravenna is in Italy."),
    ]),
}


def tracker_template_of(tmp_path_factory, conversations: dict) -> Path:
    """A tracker store holding `conversations`, written once and copied per test."""
    path = tmp_path_factory.mktemp("tracker") / "template.db"
    write_conversations(path, conversations)
    return path


def copy_of(template: Path, folder: Path) -> Path:
    """A fresh copy of a template tracker store (purge and erasure change it)."""
    path = folder / "tracker.db"
    path.write_bytes(template.read_bytes())
    return path


def service_on(tracker_db: Path, content_url: str, nlu_dir: Path, nlu_path: Path) -> ConversationService:
    return ConversationService(TrackerStore(f"sqlite:///{tracker_db}"), session_factory(content_url),
                               nlu_dir=nlu_dir, nlu_path=nlu_path)


@pytest.fixture(scope="session")
def tracker_template(tmp_path_factory) -> Path:
    return tracker_template_of(tmp_path_factory, CONVERSATIONS)


@pytest.fixture
def tracker_db(tracker_template, tmp_path) -> Path:
    return copy_of(tracker_template, tmp_path)


@pytest.fixture
def service(tracker_db, content_url, tmp_path) -> ConversationService:
    return service_on(tracker_db, content_url, NLU_DIR, tmp_path / "nlu" / "reviewed.yml")


@pytest.fixture(autouse=True)
def project_nlu_untouched():
    """No test may write data/nlu/reviewed.yml or data/nlu/en/reviewed.yml (exports go to
    temporary folders)."""
    paths = [nlu_file(NLU_DIR / "reviewed.yml", code) for code in LANGUAGES]

    def state() -> list:
        return [(path.read_bytes(), path.stat().st_mtime_ns) if path.exists() else None for path in paths]

    before = state()
    yield
    assert state() == before, "a test changed a reviewed.yml in data/nlu/"
