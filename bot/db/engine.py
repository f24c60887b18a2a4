"""Engine and session factory for the content store.

SQLite under `var/` by default; `DATABASE_URL` selects another database
(PostgreSQL in production).
"""
from __future__ import annotations

import os
from functools import cache

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.paths import VAR_DIR


def database_url() -> str:
    """The content database's URL, from the environment or the SQLite default."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'content.db'}"


def make_engine(url: str) -> Engine:
    """An engine that survives a restarted database server (pre-ping) and
    fails fast instead of hanging when the server is down."""
    if url.startswith("sqlite"):
        if url.startswith("sqlite:///") and ":memory:" not in url:
            VAR_DIR.mkdir(exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 5})
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
        return engine
    return create_engine(
        url, pool_pre_ping=True, pool_size=5, connect_args={"connect_timeout": 3}
    )


def _enable_sqlite_foreign_keys(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA foreign_keys=ON")


def session_factory(url: str | None = None) -> sessionmaker:
    """One session factory (and connection pool) per database URL and process; no
    URL means `database_url()` as it is now, not as it was at the first call."""
    return _session_factory(url or database_url())


@cache
def _session_factory(url: str) -> sessionmaker:
    return sessionmaker(bind=make_engine(url), expire_on_commit=False)
