"""Purge and erasure: every event of the affected conversations goes, nothing else,
and the audit log says who, what and when without any content."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time

import pytest

from bot.conversations.models import ConversationReview, LearningDecision, ReviewAudit
from bot.db.engine import session_factory
from bot.paths import ROOT
from tests.conversations.conftest import ALL, at
from tests.conversations.tracker_data import write_conversations


def events_per_sender(db) -> dict:
    with sqlite3.connect(db) as connection:
        return dict(connection.execute("SELECT sender_id, count(*) FROM events GROUP BY sender_id"))


def event_ids(db, sender) -> list:
    with sqlite3.connect(db) as connection:
        return [row[0] for row in connection.execute("SELECT id FROM events WHERE sender_id = ? ORDER BY id",
                                                      (sender,))]


def audit_rows(content_url) -> list:
    with session_factory(content_url)() as session:
        return [(a.username, a.action, a.sender_id, a.conversations, a.events, a.detail)
                for a in session.query(ReviewAudit).order_by(ReviewAudit.id)]


def test_erasure_deletes_every_event_of_one_conversation_and_nothing_else(service, tracker_db, content_url):
    before = events_per_sender(tracker_db)
    service.save_review("cecilia", "root", status="granskad", note="Frågar om Erasmus")
    message = service.conversation("cecilia").typed[0]
    service.decide("cecilia", message.event_id, "intent", "root", intent="ask_networks", intents=["ask_networks"])
    other = service.conversation("bertil").typed[1]
    service.decide("bertil", other.event_id, "out_of_scope", "root")

    assert service.erase("cecilia", "root") == before["cecilia"]

    after = events_per_sender(tracker_db)
    assert "cecilia" not in after
    assert after == {sender: n for sender, n in before.items() if sender != "cecilia"}
    assert service.conversation("cecilia") is None
    assert "cecilia" not in {c.sender_id for c in service.conversations()}
    with session_factory(content_url)() as session:
        assert session.get(ConversationReview, "cecilia") is None
        assert [d.sender_id for d in session.query(LearningDecision)] == ["bertil"]
    assert audit_rows(content_url) == [("root", "radering", "cecilia", 1, before["cecilia"],
                                        "1 rättelser i inlärningslådan togs också bort")]


def test_purge_deletes_old_conversations_and_old_sessions_only(service, tracker_db, content_url):
    before = events_per_sender(tracker_db)
    long_ids = event_ids(tracker_db, "long")
    service.save_review("old", "root", note="gammal")
    service.save_review("anna", "root", note="ny")
    old_line = service.conversation("old").typed[0]
    service.decide("old", old_line.event_id, "intent", "root", intent="greet", intents=["greet"])

    result = service.purge(30, "kommandoraden (test)", now=at("2026-11-11 12:00"))

    after = events_per_sender(tracker_db)
    assert (result.conversations, result.trimmed) == (1, 1)
    assert "old" not in after
    # long keeps exactly its latest session (from its session_started event on)
    kept = event_ids(tracker_db, "long")
    assert kept == long_ids[-len(kept):] and 0 < len(kept) < len(long_ids)
    assert [line.text for line in service.conversation("long").typed] == ["Vilka fokusområden har ni?"]
    assert result.events == before["old"] + len(long_ids) - len(kept)
    # nothing else changed
    assert {s: n for s, n in after.items() if s != "long"} == {
        s: n for s, n in before.items() if s not in ("old", "long")}
    with session_factory(content_url)() as session:
        assert session.get(ConversationReview, "old") is None
        assert session.get(ConversationReview, "anna") is not None
        decision = session.query(LearningDecision).one()
        assert (decision.text, decision.sender_id, decision.event_id) == ("hej", None, None)  # kept, unlinked
    assert audit_rows(content_url) == [("kommandoraden (test)", "gallring", None, 1, result.events,
                                        "äldre än 30 dagar; 1 pågående samtal kortades")]


def test_purge_with_nothing_old_changes_nothing(service, tracker_db):
    before = events_per_sender(tracker_db)
    result = service.purge(30, "test", now=at("2026-10-01 00:00"))
    assert (result.conversations, result.trimmed, result.events) == (0, 0, 0)
    assert events_per_sender(tracker_db) == before


def test_rasa_keeps_appending_correctly_after_old_sessions_were_purged(service, tracker_db):
    """Rasa counts the events of the latest session to find the new ones; the purge
    only removes earlier sessions, so a save after it adds exactly the new events."""
    import asyncio

    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import UserUttered

    service.purge(30, "test", now=at("2026-11-11 12:00"))
    before = event_ids(tracker_db, "long")
    store = SQLTrackerStore(dialect="sqlite", db=str(tracker_db))

    async def one_more_message() -> None:
        tracker = await store.retrieve("long")
        tracker.update(UserUttered("en fråga till", intent={"name": "ask_overview", "confidence": 0.9}))
        await store.save(tracker)

    asyncio.run(one_more_message())
    store.engine.dispose()
    assert len(event_ids(tracker_db, "long")) == len(before) + 1


def test_the_audit_log_never_holds_message_content(service, content_url):
    texts = [line.text for c in service.conversations() for line in c.lines if line.text]
    service.erase("bertil", "root")
    service.purge(30, "root", now=at("2026-11-11 12:00"))
    rows = audit_rows(content_url)
    assert len(rows) == 2
    flat = " ".join(str(value) for row in rows for value in row)
    assert not [text for text in texts if len(text) > 3 and text in flat]


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "bot", "logs", "purge", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_command_line_purge_uses_the_period_and_the_default_from_the_environment(tmp_path):
    db = tmp_path / "tracker.db"
    now = time.time()
    write_conversations(db, {
        "forty-days": (now - 40 * 86400, [("user", "hej", "greet", 0.9)]),
        "ten-days": (now - 10 * 86400, [("user", "hej", "greet", 0.9)]),
        "today": (now - 60, [("user", "hej", "greet", 0.9)]),
    })
    env = dict(os.environ, TRACKER_DB=str(db), DATABASE_URL=f"sqlite:///{tmp_path / 'content.db'}",
               PYTHONPATH=str(ROOT))
    env.pop("TRACKER_DB_URL", None)
    env.pop("LOG_RETENTION_DAYS", None)

    dry = _cli("--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("would delete 1 conversations")
    assert set(events_per_sender(db)) == {"forty-days", "ten-days", "today"}

    done = _cli(env=env)  # default: 30 days
    assert done.returncode == 0, done.stderr
    assert "deleted 1 conversations" in done.stdout
    assert set(events_per_sender(db)) == {"ten-days", "today"}

    done = _cli(env=dict(env, LOG_RETENTION_DAYS="7"))
    assert "deleted 1 conversations" in done.stdout
    assert set(events_per_sender(db)) == {"today"}

    done = _cli("--older-than", "30d", env=env)
    assert "deleted 0 conversations" in done.stdout
    assert set(events_per_sender(db)) == {"today"}

    bad = _cli("--older-than", "en månad", env=env)
    assert bad.returncode == 2 and "error:" in bad.stderr
    rows = audit_rows(env["DATABASE_URL"])
    assert [(r[1], r[3]) for r in rows] == [("gallring", 1), ("gallring", 1), ("gallring", 0)]
    assert rows[0][0].startswith("kommandoraden (")


@pytest.mark.parametrize("value", ["abc", "0", "-3"])
def test_a_bad_retention_setting_is_an_error_not_a_silent_default(tmp_path, value):
    env = dict(os.environ, TRACKER_DB=str(tmp_path / "t.db"), DATABASE_URL=f"sqlite:///{tmp_path / 'c.db'}",
               PYTHONPATH=str(ROOT), LOG_RETENTION_DAYS=value)
    result = _cli(env=env)
    assert result.returncode == 2 and "LOG_RETENTION_DAYS" in result.stderr


def test_all_fixture_conversations_exist(service):
    assert {c.sender_id for c in service.conversations()} == ALL
