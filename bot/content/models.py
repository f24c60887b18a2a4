"""The columns every content row shares, and the history of every save.

Each content type's own model is declared with the type (bot/content/types/).
Every editable row carries a `version` column that SQLAlchemy checks on update,
so two editors saving the same row cannot silently overwrite each other; every
save also writes a `ContentVersion` row (who, when, a snapshot) for history.
"""
from __future__ import annotations

from sqlalchemy import JSON, Column, Date, DateTime, Index, Integer, String
from sqlalchemy.orm import declared_attr

from bot.dates import utc_now
from bot.db.base import Base


class Versioned:
    """Columns shared by every editable row: optimistic-lock version and audit stamp."""

    version = Column(Integer, nullable=False, default=1)
    updated_at = Column(DateTime, nullable=False, default=utc_now, onupdate=utc_now)

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
    created_at = Column(DateTime, nullable=False, default=utc_now)
    snapshot = Column(JSON, nullable=False)
