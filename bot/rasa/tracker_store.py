"""Rasa's SQL tracker store, made faster and able to survive a restarted database.

`CachingSQLTrackerStore` (both profiles) keeps each conversation's tracker in
memory after saving it, so that the conversation's next message does not rebuild
it from its rows: reading and deserialising every event of the session was a
fifth of the Rasa server's CPU per turn. Before a kept tracker is used, one
indexed query checks that the conversation's stored events are still those it
was saved with (their number and the newest event's id). Whenever another replica
wrote to the conversation, the portal erased it, the session changed or a turn
failed before saving, the check fails and the tracker is read from the database
as Rasa does. A kept tracker is handed out once, so it is never shared.

`endpoints.yml` selects it for the local profile, where it also keeps its SQLite
connection open and writes ahead to a log (see `_tune_sqlite`). Both keep Rasa's
`events` table and queries, which the portal's conversation review reads.

`ResilientSQLTrackerStore` (production profile) builds on it. `endpoints.prod.yml`
selects it with `type: bot.rasa.tracker_store.ResilientSQLTrackerStore` and the whole
SQLAlchemy URL in `url` (from `TRACKER_DB_URL`). It makes three more changes:

1. The connection pool pings a connection before lending it (`pool_pre_ping`), so
   connections left over from before a database restart are replaced instead of
   failing the next request, and connecting gives up after `connect_timeout`.
2. Reading and saving a conversation are retried with back-off for up to
   `TRACKER_STORE_RETRY_SECONDS` (default 20 s) when the database is unreachable.
   A restart of PostgreSQL then costs waiting time, not lost messages. The retries
   sleep with `asyncio.sleep`, so the replica keeps serving other conversations.
   Saving again is safe: Rasa stores only the events the database does not have yet.
3. It fails closed. Rasa wraps every tracker store in a `FailSafeTrackerStore` that,
   on an error, answers from a fresh, empty conversation and keeps the events in
   the replica's memory, where they are lost, and a later save can mix such a fresh
   conversation into the stored one. `bot.channels.ops` sets the wrapper's error
   callback to re-raise for stores whose `fail_closed` is true: the turn is then
   not processed, nothing half-done is stored, and the resident gets the polite
   technical-error message from the REST channel's guard.
"""
from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_RETRY_SECONDS = 20.0
CONNECT_TIMEOUT_SECONDS = 3


def _retry_seconds() -> float:
    return float(os.environ.get("TRACKER_STORE_RETRY_SECONDS", DEFAULT_RETRY_SECONDS))


def is_unavailable(error: BaseException) -> bool:
    """True for errors that mean 'the database cannot be reached right now'."""
    if isinstance(error, sa.exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, (sa.exc.OperationalError, sa.exc.InterfaceError,
                              sa.exc.TimeoutError, sa.exc.DisconnectionError))


def _holds_one_session(tracker: DialogueStateTracker) -> bool:
    """True when the tracker begins with its only session start, as a tracker that
    `SQLTrackerStore.retrieve` rebuilds from the current session does."""
    starts = [i for i, event in enumerate(tracker.events) if isinstance(event, SessionStarted)]
    return starts == [0]


class CachingSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` that keeps recently saved trackers, checked before reuse."""

    def __init__(self, *args: Any, cached_conversations: int = 1000, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.url.get_backend_name() == "sqlite":
            self._tune_sqlite()
        self.cached_conversations = int(cached_conversations)
        # sender id -> (its stored events' count and newest id, tracker), oldest first
        self._saved: OrderedDict[str, tuple[tuple[int, int | None], DialogueStateTracker]] = OrderedDict()
        events = self.SQLEvent.__table__
        self._version_query = (
            sa.select(sa.func.count(events.c.id), sa.func.max(events.c.id))
            .where(events.c.sender_id == sa.bindparam("sender_id"))
        )

    def _tune_sqlite(self) -> None:
        """Local profile: keep one connection open (SQLAlchemy 1.4 opens a new one per
        query on a SQLite file, about a fifth of a turn's CPU) and use
        write-ahead logging, so a commit needs no fsync and the portal reads and
        erases conversations while Rasa writes."""
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, poolclass=sa.pool.SingletonThreadPool)

        @sa.event.listens_for(self.engine, "connect")
        def _pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def _stored_version(self, sender_id: str) -> tuple[int, int | None]:
        """Changes whenever a conversation's stored events do (one indexed query)."""
        with self.engine.connect() as connection:
            count, newest = connection.execute(self._version_query, {"sender_id": sender_id}).one()
        return count, newest

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        kept = self._saved.pop(sender_id, None)
        if kept is not None:
            version, tracker = kept
            if self._stored_version(sender_id) == version:
                return tracker
        return await super().retrieve(sender_id)

    async def peek(self, sender_id: str) -> DialogueStateTracker | None:
        """The conversation as stored, to read, not to handle a turn with: the kept
        tracker stays kept (`retrieve` hands it out once, so that a turn that fails
        before it is saved cannot leave unsaved events behind)."""
        kept = self._saved.get(sender_id)
        if kept is not None and self._stored_version(sender_id) == kept[0]:
            return kept[1]
        return await super().retrieve(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        self._saved.pop(tracker.sender_id, None)
        await super().save(tracker)
        # Keep only what `retrieve` would rebuild: not a tracker that still
        # carries an ended session or the events before its first session start.
        if _holds_one_session(tracker):
            self._saved[tracker.sender_id] = (self._stored_version(tracker.sender_id), tracker)
            while len(self._saved) > self.cached_conversations:
                self._saved.popitem(last=False)


class ResilientSQLTrackerStore(CachingSQLTrackerStore):
    """`SQLTrackerStore` with pre-ping, bounded retries and fail-closed errors."""

    fail_closed = True

    def __init__(self, *args: Any, retry_seconds: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        options = create_engine_kwargs(url)
        if url.get_backend_name() == "postgresql":
            connect_args = dict(options.pop("connect_args", {}))
            connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
            options["connect_args"] = connect_args
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **options)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.retry_seconds = _retry_seconds() if retry_seconds is None else float(retry_seconds)

    async def _with_retries(self, what: str, operation: Callable[[], Awaitable[T]]) -> T:
        deadline = time.monotonic() + self.retry_seconds
        delay = 0.2
        attempt = 1
        while True:
            try:
                result = await operation()
                if attempt > 1:
                    logger.warning("Tracker store is reachable again; %s succeeded on attempt %d",
                                   what, attempt)
                return result
            except Exception as error:  # noqa: BLE001 - filtered by is_unavailable
                if not is_unavailable(error) or time.monotonic() + delay > deadline:
                    raise
                logger.warning("Tracker store unreachable during %s (attempt %d): %s; retrying",
                               what, attempt, str(error).splitlines()[0] if str(error) else error)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)
            attempt += 1

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await self._with_retries("retrieve", lambda: super(ResilientSQLTrackerStore, self).retrieve(sender_id))

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await self._with_retries(
            "retrieve_full_tracker",
            lambda: super(ResilientSQLTrackerStore, self).retrieve_full_tracker(conversation_id),
        )

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._with_retries("save", lambda: super(ResilientSQLTrackerStore, self).save(tracker))

    def ping(self) -> None:
        """Raises when the database cannot be reached (readiness check)."""
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))


def reraise(error: Exception) -> None:
    """Error callback for Rasa's FailSafeTrackerStore that makes it fail closed."""
    raise error


def ensure_schema(url: str) -> None:
    """Create the `events` table once, before several replicas start at the same time."""
    engine = sa.create_engine(url)
    try:
        SQLTrackerStore.Base.metadata.create_all(engine)
    finally:
        engine.dispose()
