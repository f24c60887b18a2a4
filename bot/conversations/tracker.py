"""Rasa's SQL tracker store, read and pruned with SQLAlchemy.

Rasa (SQLTrackerStore) owns the table `events`: one row per event, with
`sender_id`, `type_name`, `timestamp` (Unix seconds, float), `intent_name`,
`action_name` and `data` (the event as JSON text). The portal and the command
line read the same database; they never create the table, and a database
that Rasa has not created yet reads as empty.

Where the database is: `TRACKER_DB_URL` (any SQLAlchemy URL, for PostgreSQL
in production) or else `TRACKER_DB`, the SQLite file that endpoints.yml
gives Rasa (var/tracker.db by default; StackSettings.tracker_db).

Deleting is safe while Rasa runs: Rasa counts the events of a sender's
latest session to decide which events are new, so we only ever delete a
sender's events entirely, or whole earlier sessions (events before the start
of the latest session), never part of the session Rasa is appending to.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

metadata = sa.MetaData()
EVENTS = sa.Table(
    "events", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)

CHUNK = 500  # sender ids per IN (...) clause


def tracker_url(tracker_db: str | None = None) -> str:
    """The tracker store's SQLAlchemy URL: TRACKER_DB_URL, else the SQLite file
    `tracker_db` (a path, or already a URL), else TRACKER_DB, else var/tracker.db."""
    configured = os.environ.get("TRACKER_DB_URL", "").strip()
    if configured:
        return configured
    if not tracker_db:
        from bot.paths import VAR_DIR

        tracker_db = os.environ.get("TRACKER_DB") or str(VAR_DIR / "tracker.db")
    if "://" in tracker_db:
        return tracker_db
    return f"sqlite:///{Path(tracker_db).resolve()}"


def chunks(items: Sequence[str], size: int = CHUNK) -> Iterator[Sequence[str]]:
    """Sender ids in groups small enough for one IN (...) clause."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


class TrackerStore:
    """The `events` table of one tracker database."""

    def __init__(self, url: str) -> None:
        self.url = url

    @cached_property
    def engine(self) -> Engine:
        """Made on first use: a store that is never read never connects."""
        if self.url.startswith("sqlite"):
            return sa.create_engine(self.url, connect_args={"timeout": 10})
        return sa.create_engine(self.url, pool_pre_ping=True, pool_size=3, connect_args={"connect_timeout": 5})

    def close(self) -> None:
        """Close the connections (the portal's cleanup; the CLI's process just ends)."""
        if "engine" in self.__dict__:
            self.engine.dispose()

    def available(self) -> bool:
        """True when Rasa has created the table (a missing SQLite file is not created)."""
        parsed = make_url(self.url)
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database or ""
            if not database or database == ":memory:" or not Path(database).exists():
                return False
        return sa.inspect(self.engine).has_table("events")

    # ------------------------------------------------------------ reading

    def fingerprints(self) -> dict[str, tuple[int, int]]:
        """sender id → (highest event id, number of events): what changed since last time."""
        if not self.available():
            return {}
        query = sa.select(EVENTS.c.sender_id, sa.func.max(EVENTS.c.id), sa.func.count(EVENTS.c.id)) \
            .group_by(EVENTS.c.sender_id)
        with self.engine.connect() as connection:
            return {sender: (int(top), int(count)) for sender, top, count in connection.execute(query)}

    def rows(self, senders: Iterable[str]) -> list[sa.engine.Row]:
        """Every event of these senders, in the order Rasa wrote them."""
        wanted = sorted(set(senders))
        found: list[sa.engine.Row] = []
        if not wanted or not self.available():
            return found
        with self.engine.connect() as connection:
            for chunk in chunks(wanted):
                found.extend(connection.execute(
                    sa.select(EVENTS).where(EVENTS.c.sender_id.in_(chunk)).order_by(EVENTS.c.id)
                ))
        found.sort(key=lambda row: row.id)
        return found

    def count(self, sender_id: str | None = None) -> int:
        if not self.available():
            return 0
        query = sa.select(sa.func.count()).select_from(EVENTS)
        if sender_id is not None:
            query = query.where(EVENTS.c.sender_id == sender_id)
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def stale(self, cutoff: float) -> tuple[int, int]:
        """(conversations, events) whose last event is older than `cutoff`: what a purge deletes
        entirely (a dry run; earlier sessions of active conversations are not counted)."""
        if not self.available():
            return 0, 0
        per_sender = sa.select(EVENTS.c.sender_id, sa.func.count(EVENTS.c.id).label("n")) \
            .group_by(EVENTS.c.sender_id).having(sa.func.max(EVENTS.c.timestamp) < cutoff).subquery()
        with self.engine.connect() as connection:
            senders, events = connection.execute(
                sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(per_sender.c.n), 0))
            ).one()
        return int(senders), int(events)

    # ------------------------------------------------------------ deleting

    def delete_sender(self, sender_id: str) -> int:
        """Delete every event of one conversation; how many were deleted."""
        if not self.available():
            return 0
        with self.engine.begin() as connection:
            return connection.execute(sa.delete(EVENTS).where(EVENTS.c.sender_id == sender_id)).rowcount

    def purge(self, cutoff: float) -> tuple[list[str], list[str], int]:
        """Delete what is older than `cutoff` (Unix seconds).

        Conversations whose last event is older are deleted entirely; of the
        others, earlier sessions that ended before the cutoff are deleted too.
        Returns (senders deleted entirely, senders trimmed, events deleted).
        """
        if not self.available():
            return [], [], 0
        deleted = 0
        with self.engine.begin() as connection:
            last = sa.func.max(EVENTS.c.timestamp)
            gone = [sender for (sender,) in connection.execute(
                sa.select(EVENTS.c.sender_id).group_by(EVENTS.c.sender_id).having(last < cutoff)
            )]
            for chunk in chunks(gone):
                deleted += connection.execute(sa.delete(EVENTS).where(EVENTS.c.sender_id.in_(chunk))).rowcount

            # Senders active since the cutoff, with events from before it: drop the
            # earlier sessions (everything before the latest session's start) that
            # lie before the cutoff. Rasa never reads those again.
            sessions = connection.execute(
                sa.select(EVENTS.c.sender_id, sa.func.max(EVENTS.c.timestamp))
                .where(EVENTS.c.type_name == "session_started")
                .group_by(EVENTS.c.sender_id)
                .having(sa.func.min(EVENTS.c.timestamp) < cutoff)
            ).all()
            trimmed = []
            for sender, session_start in sessions:
                if session_start is None:
                    continue
                limit = min(float(session_start), cutoff)
                count = connection.execute(
                    sa.delete(EVENTS).where(EVENTS.c.sender_id == sender, EVENTS.c.timestamp < limit)
                ).rowcount
                if count:
                    trimmed.append(sender)
                    deleted += count
        return gone, trimmed, deleted
