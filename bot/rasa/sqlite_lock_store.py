"""Conversation locks in a SQLite file, shared by the Rasa server's worker processes.

The local profile (`make run`) runs Rasa with one Sanic worker per core
(`RASA_WORKERS`). Rasa hands out a ticket per incoming message so that one
conversation's messages are handled one at a time, in order; its in-memory
lock store cannot do that across processes, and Redis is for the production
profile. `endpoints.yml` therefore selects this store with
`type: bot.rasa.sqlite_lock_store.SQLiteLockStore` and `db: ${LOCK_DB}`.

It keeps Rasa's `TicketLock` logic unchanged and stores each lock as JSON in
one row. Every read-modify-write of a lock (issuing a ticket, dropping expired
tickets, finishing one) runs in a `BEGIN IMMEDIATE` transaction, so two
workers can never hand out the same ticket. Locks are short-lived state: the
file uses write-ahead logging without waiting for the disk on commit.
"""
from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockStore
from rasa.utils.endpoints import EndpointConfig

BUSY_TIMEOUT_SECONDS = 10


class SQLiteLockStore(LockStore):
    """Rasa's ticket locks in a SQLite file, atomic across processes."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, db: str | None = None) -> None:
        path = db or (endpoint_config.kwargs.get("db") if endpoint_config else None) or os.environ["LOCK_DB"]
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # autocommit mode: transactions are opened explicitly below
        self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS locks (conversation_id TEXT PRIMARY KEY, data TEXT NOT NULL)"
        )

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """One writer at a time across every process using the file."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        row = self._db.execute(
            "SELECT data FROM locks WHERE conversation_id = ?", (conversation_id,)
        ).fetchone()
        return TicketLock.from_dict(json.loads(row[0])) if row else None

    def delete_lock(self, conversation_id: str) -> None:
        self._db.execute("DELETE FROM locks WHERE conversation_id = ?", (conversation_id,))

    def save_lock(self, lock: TicketLock) -> None:
        self._db.execute(
            "INSERT INTO locks (conversation_id, data) VALUES (?, ?) "
            "ON CONFLICT (conversation_id) DO UPDATE SET data = excluded.data",
            (lock.conversation_id, lock.dumps()),
        )

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._exclusive():
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self._exclusive():
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        with self._exclusive():
            super().cleanup(conversation_id, ticket_number)
