"""The tracker store's memory never changes what a conversation holds.

`CachingSQLTrackerStore` reuses the tracker it saved last for a conversation's
next message. Whatever happens in between (another replica answers, the portal
erases the conversation, a session ends, a turn fails half-way), the next turn
must see exactly what Rasa's own SQL tracker store would read from the database.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.paths import ROOT
from bot.rasa.tracker_store import CachingSQLTrackerStore

SENDER = "resident-1"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture
def database(tmp_path: Path) -> str:
    return str(tmp_path / "tracker.db")


def caching_store(domain: Domain, database: str) -> CachingSQLTrackerStore:
    return CachingSQLTrackerStore(domain=domain, dialect="sqlite", db=database)


async def as_rasa_reads_it(domain: Domain, database: str) -> DialogueStateTracker | None:
    return await SQLTrackerStore(domain=domain, dialect="sqlite", db=database).retrieve(SENDER)


def session_start(at: float) -> list[Event]:
    return [ActionExecuted("action_session_start", timestamp=at), SessionStarted(timestamp=at + 1),
            ActionExecuted("action_listen", timestamp=at + 2)]


def turn(text: str, at: float) -> list[Event]:
    return [UserUttered(text, intent={"name": "greet", "confidence": 1.0}, timestamp=at),
            ActionExecuted("utter_greet", timestamp=at + 1), BotUttered("Hej!", timestamp=at + 2),
            ActionExecuted("action_listen", timestamp=at + 3)]


def extend(tracker: DialogueStateTracker, events: list[Event]) -> DialogueStateTracker:
    for event in events:
        tracker.update(event)
    return tracker


async def kept_conversation(store: CachingSQLTrackerStore, domain: Domain) -> DialogueStateTracker:
    """A conversation of two turns whose tracker the store keeps after saving."""
    first = DialogueStateTracker.from_events(SENDER, session_start(1000) + turn("hej", 1010), domain.slots)
    await store.save(first)
    second = extend(await store.retrieve(SENDER), turn("vilka vänorter har ni", 1020))
    await store.save(second)
    return second


async def test_the_next_turn_gets_the_conversation_as_stored(domain, database) -> None:
    store = caching_store(domain, database)
    saved = await kept_conversation(store, domain)
    reused = await store.retrieve(SENDER)
    assert reused is saved  # served from memory
    assert list(reused.events) == list((await as_rasa_reads_it(domain, database)).events)
    assert reused.latest_message.text == "vilka vänorter har ni"


async def test_a_message_answered_by_another_replica_is_not_missed(domain, database) -> None:
    this_replica, other_replica = caching_store(domain, database), caching_store(domain, database)
    await kept_conversation(this_replica, domain)
    tracker = extend(await other_replica.retrieve(SENDER), turn("och ravenna då", 1030))
    await other_replica.save(tracker)

    current = await this_replica.retrieve(SENDER)
    assert current.latest_message.text == "och ravenna då"
    assert list(current.events) == list((await as_rasa_reads_it(domain, database)).events)


async def test_an_erased_conversation_does_not_come_back(domain, database) -> None:
    store = caching_store(domain, database)
    await kept_conversation(store, domain)
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM events WHERE sender_id = :s"), {"s": SENDER})
    engine.dispose()
    assert await store.retrieve(SENDER) is None


async def test_a_turn_that_failed_before_saving_leaves_nothing_behind(domain, database) -> None:
    store = caching_store(domain, database)
    await kept_conversation(store, domain)
    extend(await store.retrieve(SENDER), turn("halvfärdig tur", 1030))  # never saved

    again = await store.retrieve(SENDER)
    assert again.latest_message.text == "vilka vänorter har ni"
    assert list(again.events) == list((await as_rasa_reads_it(domain, database)).events)


async def test_a_new_session_starts_without_the_old_one(domain, database) -> None:
    store = caching_store(domain, database)
    tracker = await kept_conversation(store, domain)
    await store.save(extend(await store.retrieve(SENDER), session_start(9000) + turn("hej igen", 9010)))

    current = await store.retrieve(SENDER)
    assert [e.text for e in current.events if isinstance(e, UserUttered)] == ["hej igen"]
    assert list(current.events) == list((await as_rasa_reads_it(domain, database)).events)
    assert current is not tracker


async def test_each_kept_tracker_is_handed_out_once(domain, database) -> None:
    store = caching_store(domain, database)
    saved = await kept_conversation(store, domain)
    assert await store.retrieve(SENDER) is saved
    second = await store.retrieve(SENDER)
    assert second is not saved and list(second.events) == list(saved.events)


async def test_reading_a_conversation_before_its_turn_leaves_it_kept(domain, database) -> None:
    """The REST channel reads the previous language before Rasa's turn (bot/channels/rest.py)."""
    store = caching_store(domain, database)
    saved = await kept_conversation(store, domain)
    assert await store.peek(SENDER) is saved
    assert await store.retrieve(SENDER) is saved  # the turn still gets the kept tracker
    read = await store.peek(SENDER)  # handed out now: read as stored
    assert read is not saved and list(read.events) == list((await as_rasa_reads_it(domain, database)).events)
