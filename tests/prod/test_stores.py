"""The lock store and the tracker store of the production profile, on their own
(the machine's Redis, a key prefix of the test's own; SQLite for the tracker)."""
from __future__ import annotations

import asyncio
import threading
import time
import uuid
from types import SimpleNamespace

import pytest
import redis
import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore

from bot.channels.ops import is_fail_closed, make_fail_closed
from bot.rasa.lock_store import ResilientRedisLockStore
from bot.rasa.tracker_store import ResilientSQLTrackerStore
from bot.stack.runner import free_ports


@pytest.fixture
def prefix():
    name = f"t{uuid.uuid4().hex[:10]}"
    yield name
    server = redis.Redis(db=1)
    for key in server.scan_iter(f"{name}:*"):
        server.delete(key)


@pytest.fixture
def stores(prefix):
    made = []

    def make(**settings):
        settings.setdefault("key_prefix", prefix)
        store = ResilientRedisLockStore(host="127.0.0.1", port=6379, db=1, **settings)
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


def test_tickets_stay_unique_when_two_replicas_take_them_at_once(stores):
    first, second = stores(), stores()
    numbers: list[int] = []

    def take(store):
        for _ in range(40):
            numbers.append(store.issue_ticket("resident", 60))

    threads = [threading.Thread(target=take, args=(s,)) for s in (first, second, first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(numbers) == 160 and len(set(numbers)) == 160


def test_a_prefix_with_underscore_keeps_its_locks_apart(stores, prefix):
    # Rasa's own store drops such a prefix and writes to the bare "lock:" that
    # every deployment on the same Redis would share
    store = stores(key_prefix=f"{prefix}_site-b")
    store.issue_ticket("resident", 60)
    server = redis.Redis(db=1)
    assert server.exists(f"{prefix}_site-b:lock:resident")
    assert not server.exists("lock:resident")


def test_a_prefix_redis_cannot_keep_apart_stops_the_replica_with_its_name():
    with pytest.raises(ValueError) as refused:
        ResilientRedisLockStore(host="127.0.0.1", port=6379, db=1, key_prefix="vänersborg:prod")
    assert str(refused.value) == (
        "REDIS_KEY_PREFIX may hold only letters, digits, '-' and '_'; got 'vänersborg:prod'"
    )


def ticket_taken(store) -> asyncio.Event:
    """Set once `store` has issued a ticket: the turn is in the queue."""
    taken = asyncio.Event()
    issue = store.issue_ticket

    def issue_ticket(*args, **kwargs):
        ticket = issue(*args, **kwargs)
        taken.set()
        return ticket

    store.issue_ticket = issue_ticket
    return taken


async def test_two_replicas_take_turns_in_ticket_order(stores):
    first, second = stores(), stores()
    first_queued, second_queued = ticket_taken(first), ticket_taken(second)
    order: list[str] = []

    async def turn(store, name, after=None):
        if after is not None:
            await after.wait()
        async with store.lock("resident", wait_time_in_seconds=0.05):
            order.append(f"{name} in")
            await asyncio.sleep(0.2)  # the turn's work
            order.append(f"{name} out")

    await asyncio.gather(turn(first, "a"), turn(second, "b", after=first_queued),
                         turn(first, "c", after=second_queued))
    assert order == ["a in", "a out", "b in", "b out", "c in", "c out"]


async def test_lock_keys_expire_and_disappear_when_free(stores, prefix):
    store = stores()
    server = redis.Redis(db=1)
    ticket = store.issue_ticket("resident", 30)
    assert 0 < server.pttl(f"{prefix}:lock:resident") <= 36_000
    store.cleanup("resident", ticket)
    assert not server.exists(f"{prefix}:lock:resident")


async def test_a_dead_replicas_ticket_is_dropped_after_its_heartbeat(stores):
    dead, alive = stores(heartbeat_seconds=1), stores(heartbeat_seconds=1)
    dead.issue_ticket("resident", 60)  # taken, never given back: the replica died
    dead.close()
    started = time.monotonic()
    async with alive.lock("resident", lock_lifetime=60, wait_time_in_seconds=0.1):
        waited = time.monotonic() - started
    assert waited < 3  # the heartbeat (1 s), not the ticket lifetime (60 s)


async def test_a_living_replicas_ticket_is_respected(stores):
    holder, waiter = stores(heartbeat_seconds=1), stores(heartbeat_seconds=1)
    ticket = holder.issue_ticket("resident", 60)
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(waiter.lock("resident", 60, 0.1).__aenter__(), timeout=2.5)
    holder.cleanup("resident", ticket)


async def test_without_redis_each_replica_locks_by_itself():
    (port,) = free_ports(1)  # nothing listens there
    store = ResilientRedisLockStore(host="127.0.0.1", port=port, key_prefix="nothing", socket_timeout=0.5)
    try:
        order: list[str] = []

        async def turn(name):
            async with store.lock("resident", wait_time_in_seconds=0.05):
                order.append(f"{name} in")
                await asyncio.sleep(0.1)
                order.append(f"{name} out")

        await asyncio.gather(turn("a"), turn("b"))
        assert order == ["a in", "a out", "b in", "b out"]
        assert store.status()["backend"] == "local"
    finally:
        store.close()


# ---------------------------------------------------------------- tracker store


@pytest.fixture
def tracker_store(tmp_path):
    return ResilientSQLTrackerStore(dialect="sqlite", db=str(tmp_path / "tracker.db"), retry_seconds=1)


async def test_tracker_store_retries_while_the_database_is_unreachable(tracker_store, monkeypatch):
    calls = []
    original = ResilientSQLTrackerStore._retrieve

    async def flaky(self, sender_id, fetch_events_from_all_sessions):
        calls.append(time.monotonic())
        if len(calls) < 3:
            raise sa.exc.OperationalError("SELECT", {}, Exception("connection refused"))
        return await original(self, sender_id, fetch_events_from_all_sessions)

    monkeypatch.setattr(ResilientSQLTrackerStore, "_retrieve", flaky)
    assert await tracker_store.retrieve("resident") is None  # no events yet: a normal answer
    assert len(calls) == 3


async def test_tracker_store_gives_up_after_its_retry_budget(tracker_store, monkeypatch):
    async def down(self, sender_id, fetch_events_from_all_sessions):
        raise sa.exc.OperationalError("SELECT", {}, Exception("connection refused"))

    monkeypatch.setattr(ResilientSQLTrackerStore, "_retrieve", down)
    started = time.monotonic()
    with pytest.raises(sa.exc.OperationalError):
        await tracker_store.retrieve("resident")
    assert 0.5 < time.monotonic() - started < 2.5


async def test_fail_closed_instead_of_an_empty_conversation(tracker_store, monkeypatch):
    async def down(self, sender_id, fetch_events_from_all_sessions):
        raise sa.exc.OperationalError("SELECT", {}, Exception("connection refused"))

    monkeypatch.setattr(ResilientSQLTrackerStore, "_retrieve", down)
    tracker_store.retry_seconds = 0
    agent = SimpleNamespace(tracker_store=FailSafeTrackerStore(tracker_store))
    # Rasa's default: the error is swallowed and the turn goes on with no history
    assert await agent.tracker_store.retrieve("resident") is None
    assert make_fail_closed(agent) and is_fail_closed(agent)
    with pytest.raises(sa.exc.OperationalError):
        await agent.tracker_store.retrieve("resident")
