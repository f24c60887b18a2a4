"""Reading the tracker store: transcripts, filters, statistics, review data and exports."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from bot.conversations.errors import ReviewError
from bot.conversations.filters import ConversationFilter
from bot.conversations.retention import parse_period
from bot.conversations.reviews import parse_tags
from bot.conversations.tracker import TrackerStore
from tests.conversations.conftest import ALL, NETWORKS, at


def senders(found) -> list:
    return [c.sender_id for c in found]


def matching(service, **query) -> set:
    return set(senders(service.find(ConversationFilter.from_query({k: str(v) for k, v in query.items()}))))


def test_every_conversation_is_read_newest_first(service):
    found = service.find(ConversationFilter())
    assert set(senders(found)) == ALL
    assert senders(found)[:3] == ["long", "gustav", "erik"]
    assert senders(found)[-1] == "old"


def test_a_transcript_has_messages_with_intent_and_confidence_replies_actions_and_feedback(service):
    cecilia = service.conversation("cecilia")
    kinds = [line.kind for line in cecilia.lines]
    assert kinds == ["session", "user", "action", "bot", "feedback", "action", "bot"]
    message = cecilia.lines[1]
    assert (message.text, message.intent, round(message.confidence, 2)) == ("Vad är Erasmus+?", "ask_networks", 0.62)
    assert message.reply_action == "action_answer_topic"
    assert cecilia.lines[2].action == "action_answer_topic" and cecilia.lines[2].policy == "RulePolicy"
    feedback = cecilia.lines[4]
    assert feedback.feedback == "negative" and feedback.rated_event_id == cecilia.lines[3].event_id
    assert cecilia.rated_message(feedback) is message

    fallback = service.conversation("bertil").typed[0]
    assert fallback.intent == "nlu_fallback" and fallback.fallback
    assert (fallback.guess, round(fallback.best_confidence, 2)) == ("ask_activities", 0.41)
    assert service.conversation("nobody") is None


def test_a_button_click_is_a_message_but_not_typed(service):
    david = service.conversation("david")
    assert [m.text for m in david.messages] == ["/ask_why", "tack"]
    assert [m.text for m in david.typed] == ["tack"]


@pytest.mark.parametrize("query, expected", [
    ({}, ALL),
    ({"from": "2026-11-03", "to": "2026-11-03"}, {"bertil", "cecilia"}),
    ({"from": "2026-11-05"}, {"david", "erik", "gustav", "long"}),
    ({"to": "2026-10-31"}, {"old", "long"}),  # long's first session was in October
    ({"q": "soptunnan"}, {"bertil"}),
    ({"q": "HERNING"}, {"anna", "erik"}),  # the bot's reply to anna names Herning
    ({"q": "cecilia"}, {"cecilia"}),  # an exact sender id
    ({"intent": "ask_partners"}, {"anna"}),
    ({"intent": "nlu_fallback"}, {"bertil", "gustav"}),
    ({"intent": "out_of_scope"}, {"bertil", "frida"}),
    ({"under": "70"}, {"bertil", "cecilia", "erik", "gustav"}),
    ({"under": "60"}, {"bertil", "gustav", "erik"}),
    ({"under": "99,5"}, ALL),
    ({"hit": "fallback"}, {"bertil", "gustav"}),
    ({"hit": "out_of_scope"}, {"bertil", "frida"}),
    ({"hit": "any"}, {"bertil", "frida", "gustav"}),
    ({"feedback": "negative"}, {"cecilia"}),
    ({"feedback": "positive"}, {"anna"}),
    ({"feedback": "any"}, {"anna", "cecilia"}),
    ({"hit": "any", "from": "2026-11-04", "to": "2026-11-05"}, {"frida"}),
])
def test_each_filter_returns_exactly_the_right_conversations(service, query, expected):
    assert matching(service, **query) == expected


def test_the_confidence_filter_counts_only_typed_messages(service):
    # david's only typed message has 97 %; his button click (100 %) does not matter
    assert "david" in matching(service, under="98")
    assert "david" not in matching(service, under="96")


def test_review_status_and_tags_filter_and_are_masked(service):
    service.save_review("david", "root", status="granskad", tags="saknat svar, EU, eu", note="Ring 0701234567")
    service.save_review("erik", "root", tags="EU")
    assert matching(service, status="granskad") == {"david"}
    assert matching(service, status="ny") == ALL - {"david"}
    assert matching(service, tag="eu") == {"david", "erik"}
    review = service.review("david")
    assert review["tags"] == ["saknat svar", "EU"]
    assert review["note"] == "Ring [TELEFON]"
    assert review["reviewed_by"] == "root"
    service.save_review("david", "root", status="ny")
    assert service.review("david")["reviewed_by"] is None
    with pytest.raises(ReviewError):
        service.save_review("david", "root", status="kanske")


def test_unusable_filter_values_are_reported_not_applied():
    flt = ConversationFilter.from_query({"from": "igår", "under": "120", "hit": "allt", "to": "2026-11-01"})
    assert flt.date_from is None and flt.under is None and flt.hit == ""
    assert dict(flt.errors).keys() == {"from", "under"}
    assert flt.params() == {"to": "2026-11-01"}


def test_pages_of_the_list(service):
    first = service.page(ConversationFilter(), page=1, per_page=4)
    last = service.page(ConversationFilter(), page=3, per_page=4)
    assert (first.total, first.pages, first.first, first.last) == (9, 3, 1, 4)
    assert (last.first, last.last, senders(last.items)) == (9, 9, ["old"])
    assert service.page(ConversationFilter(), page=99, per_page=4).page == 3


def test_statistics(service):
    stats = service.statistics(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    # long's first session (October) is outside the range; its November message is inside
    assert stats.conversations == 8
    assert stats.messages == 10 and stats.typed == 9
    assert (stats.fallback, stats.out_of_scope) == (2, 2)
    assert stats.fallback_rate == pytest.approx(2 / 9)
    assert (stats.positive, stats.negative, stats.positive_share) == (1, 1, 0.5)
    assert stats.top_intents[:2] == [("nlu_fallback", 2), ("out_of_scope", 2)]
    assert dict(stats.unanswered) == {"Kan jag få bygglov för en altan?": 2, "När töms soptunnan?": 1,
                                      "Vad kostar bussen till Trollhättan?": 1}
    day = {d.day: d for d in stats.days}[dt.date(2026, 11, 3)]
    assert (day.conversations, day.messages, day.fallback, day.out_of_scope) == (2, 3, 1, 1)
    assert len(stats.days) == 30


def test_csv_and_json_exports_hold_the_filtered_set_and_are_audited(service):
    flt = ConversationFilter.from_query({"feedback": "any"})
    text, count = service.export(flt, "json", "root")
    document = json.loads(text)
    assert count == 2 and document["count"] == 2 and document["filters"] == {"feedback": "any"}
    assert {c["sender_id"] for c in document["conversations"]} == {"anna", "cecilia"}
    cecilia = next(c for c in document["conversations"] if c["sender_id"] == "cecilia")
    assert [line["kind"] for line in cecilia["lines"]][:4] == ["user", "action", "bot", "feedback"]
    assert cecilia["lines"][0]["intent"] == "ask_networks" and cecilia["lines"][3]["value"] == "negative"

    text, count = service.export(ConversationFilter.from_query({"q": "soptunnan"}), "csv", "root")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0][:5] == ["samtal", "händelse", "tid", "vem", "text"]
    assert {row[0] for row in rows[1:]} == {"bertil"}
    assert ["invånare", "När töms soptunnan?", "out_of_scope"] == [rows[3][3], rows[3][4], rows[3][5]]
    audit = service.audit_log()
    assert [(a.action, a.conversations) for a in audit] == [("export", 1), ("export", 2)]
    assert all("soptunnan" not in a.detail for a in audit)  # not even the search term


def test_csv_cells_are_never_spreadsheet_formulas(service, tracker_db):
    from tests.conversations.tracker_data import write_conversations

    write_conversations(tracker_db, {"mallory": (at("2026-11-07 10:00"), [
        ("user", "=HYPERLINK(\"http://evil\")", "out_of_scope", 0.9)])})
    text, _ = service.export(ConversationFilter.from_query({"q": "hyperlink"}), "csv", "root")
    assert "'=HYPERLINK" in text and ";=HYPERLINK" not in text


def test_a_new_message_is_seen_without_reparsing_everything(service, tracker_db):
    from tests.conversations.tracker_data import write_conversations

    assert len(service.conversations()) == 9
    cached = {c.sender_id: c for c in service.conversations()}
    write_conversations(tracker_db, {"ny": (at("2026-11-08 10:00"), [("user", "hej", "greet", 0.9)])})
    after = {c.sender_id: c for c in service.conversations()}
    assert set(after) == ALL | {"ny"}
    assert after["anna"] is cached["anna"]  # unchanged conversations are not parsed again


def test_a_missing_tracker_database_reads_as_empty_and_is_not_created(tmp_path):
    path = tmp_path / "none.db"
    store = TrackerStore(f"sqlite:///{path}")
    assert store.fingerprints() == {} and store.rows(["x"]) == [] and store.delete_sender("x") == 0
    assert not path.exists()


def test_tags_and_periods():
    assert parse_tags(" EU , eu, saknat  svar,, 0701234567") == ["EU", "saknat svar", "[TELEFON]"]
    assert parse_period("30d") == 30 and parse_period("30") == 30 and parse_period("4w") == 28
    assert parse_period("36h") == 1.5
    for bad in ("", "tre dagar", "0d", "-5d"):
        with pytest.raises(ReviewError):
            parse_period(bad)
    assert NETWORKS  # (used by the fixtures)
