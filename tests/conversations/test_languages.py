"""Review by language: each resident message's language from the tracker store
(`metadata["language"]`, Swedish when absent), the language filter, the statistics
split by language and the export of English corrections to data/nlu/en/."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from bot.conversations.filters import ConversationFilter
from bot.conversations.languages import LANGUAGE_ERROR
from bot.conversations.service import ConversationService
from tests.conversations.conftest import BILINGUAL, at, copy_of, service_on, tracker_template_of

@pytest.fixture(scope="module")
def bilingual_template(tmp_path_factory) -> Path:
    return tracker_template_of(tmp_path_factory, BILINGUAL)


@pytest.fixture
def bilingual(bilingual_template, content_url, tmp_path) -> ConversationService:
    nlu = tmp_path / "nlu"
    nlu.mkdir()
    return service_on(copy_of(bilingual_template, tmp_path), content_url, nlu, nlu / "reviewed.yml")


def senders(conversations) -> set[str]:
    return {c.sender_id for c in conversations}


def test_each_message_has_the_language_stored_with_it_and_older_ones_are_swedish(bilingual):
    mix = bilingual.conversation("mix")
    assert [(line.kind, line.language) for line in mix.lines if line.kind in ("user", "bot")] == [
        ("user", "sv"), ("bot", "sv"), ("user", "en"), ("bot", "en")]
    assert mix.languages == ["sv", "en"]
    assert bilingual.conversation("olle").languages == ["sv"]
    feedback = bilingual.conversation("emma").feedback[0]
    assert (feedback.feedback, feedback.language) == ("positive", "en")


def test_the_list_filters_by_language_and_reports_an_unknown_one(bilingual):
    english = ConversationFilter.from_query({"lang": "en"})
    assert senders(bilingual.find(english)) == {"emma", "fred", "mix"}
    assert senders(bilingual.find(ConversationFilter.from_query({"lang": "sv"}))) == {"anna", "olle", "mix"}
    assert english.params() == {"lang": "en"} and english.query_string(page="2") == "lang=en&page=2"
    assert not english.without("language").active

    wrong = ConversationFilter.from_query({"lang": "de", "hit": "fallback"})
    assert dict(wrong.errors) == {"lang": LANGUAGE_ERROR}
    assert senders(bilingual.find(wrong)) == {"fred"}  # the other filters still apply


def test_the_statistics_split_conversations_fallback_rate_and_feedback_by_language(bilingual):
    stats = bilingual.statistics(dt.date(2026, 11, 10), dt.date(2026, 11, 12))
    assert stats.conversations == 5
    en, sv = stats.by_language["en"], stats.by_language["sv"]
    assert (en.conversations, en.typed, en.fallback, en.out_of_scope) == (3, 4, 1, 1)
    assert en.fallback_rate == 0.25
    assert (en.positive, en.negative, en.positive_share) == (1, 1, 0.5)
    assert (sv.conversations, sv.typed, sv.fallback, sv.fallback_rate) == (3, 3, 0, 0.0)
    assert (sv.positive, sv.negative) == (0, 1)
    assert stats.typed == en.typed + sv.typed and stats.negative == en.negative + sv.negative


def test_the_inbox_shows_and_filters_each_message_in_its_language(bilingual):
    items = {item.text: item.language for item in bilingual.inbox()}
    assert items["can i get a building permit"] == "en"
    assert items["Vilka vänorter har ni?"] == "sv"  # the thumbs down
    assert {item.text for item in bilingual.inbox(language="en")} == {
        "can i get a building permit", "Where do I pay the dog tax?", "thanks, and what about Ravenna?"}
    assert all(item.language == "sv" for item in bilingual.inbox(language="sv"))


def typed(service, sender, index=0):
    return service.conversation(sender).typed[index]


def test_english_corrections_go_to_the_english_training_data_even_after_a_purge(bilingual):
    intents = ["ask_partner", "ask_partners", "greet"]
    bilingual.decide("mix", typed(bilingual, "mix", 1).event_id, "intent", "root", intent="ask_partner",
                     intents=intents)
    bilingual.decide("fred", typed(bilingual, "fred").event_id, "out_of_scope", "root")
    bilingual.decide("olle", typed(bilingual, "olle").event_id, "intent", "root", intent="greet", intents=intents)
    assert {d.text: d.language for d in bilingual.decisions().values()} == {
        "thanks, and what about Ravenna?": "en", "can i get a building permit": "en", "hej": "sv"}

    written = bilingual.write_nlu()
    english_file = bilingual.nlu_path.parent / "en" / "reviewed.yml"
    assert bilingual.nlu_file("en") == english_file
    assert sorted(written) == ["en", "sv"]
    english = yaml.safe_load(english_file.read_text(encoding="utf-8"))
    assert {block["intent"]: block["examples"] for block in english["nlu"]} == {
        "ask_partner": "- thanks, and what about Ravenna?\n", "out_of_scope": "- can i get a building permit\n"}
    swedish = bilingual.nlu_path.read_text(encoding="utf-8")
    assert "- hej" in swedish and "Ravenna" not in swedish and "building" not in swedish

    # The conversations are purged; the corrections keep their language.
    bilingual.purge(1, "root", now=at("2027-06-01 00:00"))
    assert bilingual.conversations() == []
    bilingual.write_nlu()
    assert yaml.safe_load(english_file.read_text(encoding="utf-8")) == english
    assert "building" not in bilingual.nlu_path.read_text(encoding="utf-8")


def test_an_example_the_training_data_has_in_either_language_is_not_exported_again(bilingual):
    english_data = bilingual.nlu_dir / "en"
    english_data.mkdir()
    (english_data / "out_of_scope.yml").write_text(
        'version: "3.1"\nnlu:\n  - intent: out_of_scope\n    examples: |\n      - Where do I pay the dog tax\n',
        encoding="utf-8")
    bilingual.decide("fred", typed(bilingual, "fred", 1).event_id, "out_of_scope", "root")
    export = bilingual.nlu_export("en")
    assert export.written == [] and export.skipped == [("Where do I pay the dog tax?", "out_of_scope")]
