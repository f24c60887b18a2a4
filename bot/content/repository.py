"""The one API that actions, the retrieval and the portal use to read the content store.

Reads open a short session per call, so an edit committed by the portal is
visible on the very next message without any cache to invalidate. Every
content type is read the same way, from its declaration (bot/content/types/).
A repository reads in one language (`in_language`): English versions where
they are written, else the Swedish text with a short English note.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.content import texts
from bot.content.items import Item, SearchHit, item_of, matching_fields
from bot.content.matching import normalise
from bot.content.provenance import Provenance, provenance_of
from bot.content.types import FOCUS_AREAS, PARTNERS, QA, SITE, TEXTS, TOPICS, TYPE_OF_MODEL, TYPES, ContentType
from bot.content.types.declaration import ENGLISH_SUFFIX, LANGUAGES, LONG_TEXT_WIDGETS, Localised
from bot.content.types.focus_area import FocusAreaRecord
from bot.content.types.partner import PartnerRecord
from bot.content.types.qa import QARecord
from bot.content.types.site import Site
from bot.content.types.topic import TopicAnswer
from bot.db.engine import session_factory


def _lacks_english_long_text(row: Any) -> bool:
    return any(f.widget in LONG_TEXT_WIDGETS and getattr(row, f.name) and not getattr(row, f.name + ENGLISH_SUFFIX)
               for f in TYPE_OF_MODEL[type(row)].translated)


class ContentUnavailable(RuntimeError):
    """The content database cannot be reached or read."""


class ContentRepository:
    """Read access to every content type: records for the bot (in `language`), items for the editor."""

    def __init__(self, sessions: sessionmaker | None = None, language: str = "sv") -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}")
        self._sessions = sessions or session_factory()
        self.language = language
        self.base = self  # the Swedish repository that language views share (caches key on it)

    def in_language(self, language: str) -> ContentRepository:
        """The same store, read in `language` ("sv" or "en")."""
        if language == self.language:
            return self
        view = ContentRepository(self._sessions, language)
        view.base = self.base
        return view

    def _localised(self, rows: list[Any]) -> list[Localised]:
        """The rows as the bot reads them in the repository's language (the note is
        read only when a long text lacks its English version)."""
        needs_note = self.language != "sv" and any(_lacks_english_long_text(row) for row in rows)
        note = self.text("only_in_swedish") if needs_note else ""
        return [Localised(row, self.language, note) for row in rows]

    @contextmanager
    def _session(self) -> Iterator[Session]:
        try:
            with self._sessions() as session:
                yield session
        except SQLAlchemyError as error:
            raise ContentUnavailable(str(error)) from error

    def _rows(self, session: Session, kind: ContentType, order: str) -> list[Any]:
        return list(session.execute(
            select(kind.model).order_by(getattr(kind.model, order), kind.model.id)
        ).scalars())

    # ------------------------------------------------------------ what the bot reads

    def records(self, kind: ContentType) -> list[Any]:
        """The plain views of every item of a type, in the order the bot uses."""
        with self._session() as session:
            rows = self._rows(session, kind, kind.stored_order)
        return [kind.record(row) for row in self._localised(rows)]

    def site(self) -> Site:
        found = self.records(SITE)
        if not found:
            raise ContentUnavailable("the content store has not been seeded")
        return found[0]

    def topic(self, key: str) -> TopicAnswer | None:
        with self._session() as session:
            row = session.execute(select(TOPICS.model).where(TOPICS.model.key == key)).scalar_one_or_none()
        return TOPICS.record(self._localised([row])[0]) if row else None

    def focus_areas(self) -> list[FocusAreaRecord]:
        return self.records(FOCUS_AREAS)

    def partners(self) -> list[PartnerRecord]:
        """In the page's order (Herning, Ravenna, Chobe), then partners staff added."""
        return self.records(PARTNERS)

    def qa_entries(self) -> list[QARecord]:
        """The staff's Q&A entries, oldest first (bot/content/retrieval.py indexes them)."""
        return self.records(QA)

    def qa_entry(self, entry_id: int) -> QARecord | None:
        """One staff Q&A entry in the repository's language (the retrieval finds it in either)."""
        with self._session() as session:
            row = session.get(QA.model, entry_id)
        return QA.record(self._localised([row])[0]) if row else None

    def qa_provenance(self, entry_id: int) -> Provenance:
        """What a staff Q&A entry cites (the retrieval's records carry no provenance)."""
        with self._session() as session:
            row = session.get(QA.model, entry_id)
            return provenance_of(row) if row else Provenance("staff")

    def text(self, key: str, **values: object) -> str:
        """The staff's template for `key` in the repository's language, filled in (the
        default wording if the store lacks it). Raises KeyError for a key that
        `texts.SPECS` lacks."""
        if key not in texts.SPECS:
            raise KeyError(f"unknown bot text {key!r}; add it to bot/content/texts.py")
        column = getattr(TEXTS.model, texts.COLUMN[self.language])
        with self._session() as session:
            template = session.execute(select(column).where(TEXTS.model.key == key)).scalar_one_or_none()
        return texts.fill(template, values) if template else texts.default(key, self.language, **values)

    def stamp(self, kind: ContentType) -> tuple[Any, ...]:
        """A value that changes whenever an item of the type is added, changed or
        deleted: one cheap query, for caches built from the items."""
        model = kind.model
        with self._session() as session:
            return tuple(session.execute(
                select(func.count(model.id), func.max(model.updated_at), func.sum(model.version),
                       func.max(model.id))
            ).one())

    # ------------------------------------------------------------ what the editor reads

    def items(self, kind: ContentType, query: str = "") -> list[Item]:
        """Every item of a type in the editor's order, narrowed to those with a
        field that contains `query` (case and å/ä/ö insensitive)."""
        with self._session() as session:
            found = [item_of(kind, row) for row in self._rows(session, kind, kind.order_by)]
        return [item for item in found if matching_fields(item, query)] if query.strip() else found

    def item(self, kind: ContentType, item_id: int) -> Item | None:
        with self._session() as session:
            row = session.get(kind.model, item_id)
            return item_of(kind, row) if row is not None else None

    def count(self, kind: ContentType) -> int:
        with self._session() as session:
            return session.execute(select(func.count()).select_from(kind.model)).scalar_one()

    def search(self, query: str) -> list[SearchHit]:
        """Search every content type at once."""
        if not normalise(query):
            return []
        return [SearchHit(kind, item, matching_fields(item, query))
                for kind in TYPES.values() for item in self.items(kind, query)]
