"""SQLAlchemy models for everything the bot states.

Every editable row carries a `version` column that SQLAlchemy checks on update,
so two editors saving the same row cannot silently overwrite each other.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Column, Date, DateTime, Integer, String, Text
from sqlalchemy.orm import declarative_base, declared_attr

Base = declarative_base()

PARTNER_KINDS = ("twin_town", "partner", "network", "regional")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class _Versioned:
    """Columns shared by every editable row: optimistic-lock version and audit stamp."""

    version = Column(Integer, nullable=False, default=1)
    updated_at = Column(DateTime, nullable=False, default=_now, onupdate=_now)

    @declared_attr
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.version}


class SiteInfo(_Versioned, Base):
    """The source page and the municipality it belongs to (a single row)."""

    __tablename__ = "site_info"
    id = Column(Integer, primary_key=True)
    municipality = Column(String(200), nullable=False)
    municipality_url = Column(String(500), nullable=False)
    source_title = Column(String(200), nullable=False)
    source_url = Column(String(500), nullable=False)
    last_updated = Column(Date, nullable=False)


class Topic(_Versioned, Base):
    """A topic answer; `key` links it to the intent `ask_<key>`."""

    __tablename__ = "topic"
    id = Column(Integer, primary_key=True)
    key = Column(String(80), nullable=False, unique=True)
    title = Column(String(200), nullable=False)
    body = Column(Text, nullable=False)


class FocusArea(_Versioned, Base):
    """One of the international policy's prioritised focus areas."""

    __tablename__ = "focus_area"
    id = Column(Integer, primary_key=True)
    position = Column(Integer, nullable=False)
    title = Column(String(300), nullable=False, unique=True)
    description = Column(Text, nullable=False, default="")
    aliases = Column(JSON, nullable=False, default=list)


class Partner(_Versioned, Base):
    """A partner: twin town, partner, network or regional organisation."""

    __tablename__ = "partner"
    id = Column(Integer, primary_key=True)
    name = Column(String(200), nullable=False, unique=True)
    country = Column(String(100), nullable=False, default="")
    continent = Column(String(100), nullable=False, default="")
    kind = Column(String(20), nullable=False, default="partner")
    description = Column(Text, nullable=False, default="")
    aliases = Column(JSON, nullable=False, default=list)
