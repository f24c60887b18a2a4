"""The SQLAlchemy base, the columns every content row shares, the history and the portal's users.

Each content type's own model is declared with the type (bot/content/types/).
Every editable row carries a `version` column that SQLAlchemy checks on update,
so two editors saving the same row cannot silently overwrite each other; every
save also writes a `ContentVersion` row (who, when, a snapshot) for history.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Index, Integer, String
from sqlalchemy.orm import declarative_base, declared_attr

Base = declarative_base()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Versioned:
    """Columns shared by every editable row: optimistic-lock version and audit stamp."""

    version = Column(Integer, nullable=False, default=1)
    updated_at = Column(DateTime, nullable=False, default=_now, onupdate=_now)

    @declared_attr
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.version}


SOURCES = ("page", "staff")


class Sourced:
    """Where an item's facts come from, for its citation: the source page
    ("page") or the municipality's staff ("staff"), and the date to cite (the
    page's date, or the day staff last changed the item)."""

    source = Column(String(10), nullable=False, default="page")
    source_date = Column(Date, nullable=True)


ROLES = ("redaktör", "admin")


class User(Base):
    """A member of staff who signs in to the portal.

    No `version` column: logins update the failure counter concurrently, and
    a lost increment is harmless where a refused login would not be.
    `session_epoch` is stored in the session cookie; raising it (logout,
    deactivation, new password) makes every earlier cookie worthless.
    """

    __tablename__ = "portal_user"
    id = Column(Integer, primary_key=True)
    username = Column(String(80), nullable=False, unique=True)
    password_hash = Column(String(255), nullable=False)
    role = Column(String(20), nullable=False, default="redaktör")
    active = Column(Boolean, nullable=False, default=True)
    session_epoch = Column(Integer, nullable=False, default=0)
    created_at = Column(DateTime, nullable=False, default=_now)
    last_login_at = Column(DateTime, nullable=True)


class ContentVersion(Base):
    """One saved state of a content row: who saved it, when, and a JSON snapshot.

    `entity_id` is cleared when a whole-store import replaces the rows, so the
    history of an old row never shows up under a new row that reuses its id.
    """

    __tablename__ = "content_version"
    __table_args__ = (Index("ix_content_version_entity", "entity_type", "entity_id"),)
    id = Column(Integer, primary_key=True)
    entity_type = Column(String(30), nullable=False)
    entity_id = Column(Integer, nullable=True)
    version = Column(Integer, nullable=False)
    action = Column(String(20), nullable=False)
    username = Column(String(80), nullable=False)
    created_at = Column(DateTime, nullable=False, default=_now)
    snapshot = Column(JSON, nullable=False)
