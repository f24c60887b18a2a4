"""Conversation locks shared by Rasa's worker processes (bot/rasa/sqlite_lock_store.py).

If two workers could hand out the same ticket, or both hold one conversation's
lock, two messages of one resident would be handled at once and one answer
could vanish from the conversation.
"""
from __future__ import annotations

import asyncio
import multiprocessing
from pathlib import Path

import pytest
from rasa.core.lock_store import LockError

from bot.rasa.sqlite_lock_store import SQLiteLockStore

CONVERSATION = "resident-1"


@pytest.fixture
def lock_db(tmp_path: Path) -> str:
    return str(tmp_path / "locks.db")


def _take_tickets(path: str, count: int, out: multiprocessing.Queue) -> None:
    store = SQLiteLockStore(db=path)
    out.put([store.issue_ticket(CONVERSATION, lock_lifetime=60) for _ in range(count)])


def test_two_processes_never_get_the_same_ticket(lock_db: str) -> None:
    SQLiteLockStore(db=lock_db)  # create the file before the workers race
    context = multiprocessing.get_context("fork")  # as Sanic starts Rasa's workers
    out = context.Queue()
    workers = [context.Process(target=_take_tickets, args=(lock_db, 150, out)) for _ in range(2)]
    for worker in workers:
        worker.start()
    tickets = out.get(timeout=60) + out.get(timeout=60)
    for worker in workers:
        worker.join(timeout=10)
    assert len(tickets) == 300 and len(set(tickets)) == 300


async def test_a_second_message_waits_for_the_first_across_workers(lock_db: str) -> None:
    first_worker, second_worker = SQLiteLockStore(db=lock_db), SQLiteLockStore(db=lock_db)
    order: list[str] = []
    first_holds_the_lock = asyncio.Event()

    async def handle(store: SQLiteLockStore, name: str, seconds: float) -> None:
        async with store.lock(CONVERSATION, wait_time_in_seconds=0.01):
            order.append(f"{name} starts")
            first_holds_the_lock.set()
            await asyncio.sleep(seconds)  # the turn's work
            order.append(f"{name} ends")

    first = asyncio.create_task(handle(first_worker, "first", 0.2))
    await first_holds_the_lock.wait()
    await asyncio.gather(first, handle(second_worker, "second", 0))
    assert order == ["first starts", "first ends", "second starts", "second ends"]


async def test_other_conversations_do_not_wait(lock_db: str) -> None:
    first_worker, second_worker = SQLiteLockStore(db=lock_db), SQLiteLockStore(db=lock_db)
    async with first_worker.lock(CONVERSATION):
        async with second_worker.lock("resident-2", wait_time_in_seconds=0.01) as lock:
            assert lock.conversation_id == "resident-2"


async def test_a_finished_conversation_leaves_no_lock_behind(lock_db: str) -> None:
    store = SQLiteLockStore(db=lock_db)
    async with store.lock(CONVERSATION):
        assert store.get_lock(CONVERSATION) is not None
    assert store.get_lock(CONVERSATION) is None


async def test_a_ticket_of_a_crashed_worker_expires(lock_db: str) -> None:
    crashed, survivor = SQLiteLockStore(db=lock_db), SQLiteLockStore(db=lock_db)
    crashed.issue_ticket(CONVERSATION, lock_lifetime=0.2)  # never cleaned up
    async with survivor.lock(CONVERSATION, wait_time_in_seconds=0.05) as lock:
        assert not lock.is_locked(lock.last_issued)


def test_a_broken_lock_file_is_reported_as_a_lock_error(lock_db: str) -> None:
    store = SQLiteLockStore(db=lock_db)
    store._db.execute("INSERT INTO locks VALUES (?, ?)", (CONVERSATION, "not json"))
    with pytest.raises(LockError):
        store.issue_ticket(CONVERSATION)
    # the failed attempt left the file usable for the next message
    store.delete_lock(CONVERSATION)
    assert store.issue_ticket(CONVERSATION) == 0
