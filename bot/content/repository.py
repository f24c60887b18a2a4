"""The one API that actions and the portal use to read the content store.

Reads open a short session per call, so an edit committed by the portal is
visible on the very next message without any cache to invalidate.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.content import models, texts
from bot.content.db import session_factory
from bot.content.records import FocusAreaRecord, PartnerRecord, Provenance, Site, TopicAnswer


class ContentUnavailable(RuntimeError):
    """The content database cannot be reached or read."""


def provenance(row: models.Base) -> Provenance:
    """What an item cites (bot/content/citations.py)."""
    return Provenance(row.source, row.source_date)


class ContentRepository:
    """Read access to topics, focus areas, partners, the source page and the bot's wording."""

    def __init__(self, sessions: sessionmaker | None = None) -> None:
        self._sessions = sessions or session_factory()

    @property
    def sessions(self) -> sessionmaker:
        """The session factory, for read helpers on the same database (Q&A retrieval)."""
        return self._sessions

    @contextmanager
    def _session(self) -> Iterator[Session]:
        try:
            with self._sessions() as session:
                yield session
        except SQLAlchemyError as error:
            raise ContentUnavailable(str(error)) from error

    def site(self) -> Site:
        with self._session() as session:
            row = session.execute(select(models.SiteInfo)).scalars().first()
            if row is None:
                raise ContentUnavailable("the content store has not been seeded")
            return Site(
                municipality=row.municipality,
                municipality_url=row.municipality_url,
                source_title=row.source_title,
                source_url=row.source_url,
                last_updated=row.last_updated,
            )

    def topic(self, key: str) -> TopicAnswer | None:
        with self._session() as session:
            row = session.execute(
                select(models.Topic).where(models.Topic.key == key)
            ).scalar_one_or_none()
            return TopicAnswer(row.key, row.title, row.body, provenance(row)) if row else None

    def focus_areas(self) -> list[FocusAreaRecord]:
        with self._session() as session:
            rows = session.execute(
                select(models.FocusArea).order_by(models.FocusArea.position)
            ).scalars()
            return [
                FocusAreaRecord(r.position, r.title, r.description, tuple(r.aliases), provenance(r))
                for r in rows
            ]

    def partners(self) -> list[PartnerRecord]:
        with self._session() as session:
            rows = session.execute(
                # The page's order (Herning, Ravenna, Chobe), then partners staff added.
                select(models.Partner).order_by(models.Partner.id)
            ).scalars()
            return [
                PartnerRecord(
                    r.name, r.country, r.continent, r.kind, r.description, tuple(r.aliases),
                    provenance(r),
                )
                for r in rows
            ]

    def qa_provenance(self, entry_id: int) -> Provenance:
        """What a staff Q&A entry cites (the retrieval's records carry no provenance)."""
        with self._session() as session:
            row = session.get(models.QAEntry, entry_id)
            return provenance(row) if row else Provenance("staff")

    def text(self, key: str, **values: object) -> str:
        """The staff's template for `key`, filled in (the default wording if the
        store lacks the key). Raises KeyError for a key that `texts.SPECS` lacks."""
        if key not in texts.SPECS:
            raise KeyError(f"unknown bot text {key!r}; add it to bot/content/texts.py")
        with self._session() as session:
            template = session.execute(
                select(models.BotText.text).where(models.BotText.key == key)
            ).scalar_one_or_none()
        return texts.fill(template if template is not None else texts.defaults()[key], values)
