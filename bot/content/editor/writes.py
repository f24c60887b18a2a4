"""Create, update and delete items of every content type, and keep an ordered
type's positions 1..n. Each write is validated, checked against the version
the editor loaded, and recorded in the history."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from bot.content import history, models
from bot.content.editor.conflicts import EditConflict, conflict
from bot.content.editor.errors import ValidationFailed
from bot.content.editor.forms import clean
from bot.content.editor.validation import check_fields
from bot.content.items import Item, item_of
from bot.content.rasa_project import DOMAIN_FILE
from bot.content.repository import ContentRepository
from bot.content.types import ContentType
from bot.content.types.declaration import SaveContext
from bot.content.types.topic import protected_topic_keys
from bot.db.engine import session_factory


def _with_stored_english(kind: ContentType, raw: Mapping[str, Any], row: Any) -> Mapping[str, Any]:
    """An update that does not mention a field's English version keeps the stored one
    (callers that know only Swedish; the portal's form always sends both)."""
    kept = {f.name: getattr(row, f.name) for f in kind.fields if f.english_of and f.name not in raw}
    return {**kept, **raw} if kept else raw


def _written_by_staff(row: Any) -> None:
    """An item staff create or change cites the municipality, on the day of the change."""
    if isinstance(row, models.Sourced):
        row.source, row.source_date = "staff", dt.date.today()


class ContentWriter:
    """The writes of every content type; reads go through `repository`."""

    def __init__(self, sessions: sessionmaker | None = None, domain_file: Path = DOMAIN_FILE) -> None:
        self._sessions = sessions or session_factory()
        self._domain_file = domain_file
        self.repository = ContentRepository(self._sessions)

    @property
    def sessions(self) -> sessionmaker:
        """The session factory, for the conversation review's service on the same
        database (bot/portal/admin/review.py)."""
        return self._sessions

    def protected_topics(self) -> dict[str, str]:
        return protected_topic_keys(self._domain_file)

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    def _validate(self, session: Session, kind: ContentType, values: dict[str, Any],
                  errors: dict[str, str], row: Any = None) -> None:
        check_fields(kind, values, errors)
        kind.validate(values, errors, SaveContext(session, kind.model, row, self._domain_file))
        if errors:
            raise ValidationFailed(errors)

    def create(self, kind: ContentType, raw: Mapping[str, Any], who: str, *, item_id: int | None = None,
               action: str = "skapad") -> Item:
        """A new item; `item_id` brings a deleted one back under its old id (and history)."""
        if not kind.can_create:
            raise ValidationFailed({"": f"Det går inte att skapa fler av {kind.label.lower()}."})
        values, errors = clean(kind, raw)
        with self._write() as session:
            self._validate(session, kind, values, errors)
            if kind.ordered:
                self._make_room(session, kind, values["position"], None, who)
            row = kind.model(**values) if item_id is None else kind.model(id=item_id, **values)
            _written_by_staff(row)
            session.add(row)
            history.record(session, row, action, who)
            return item_of(kind, row)

    def update(self, kind: ContentType, item_id: int, raw: Mapping[str, Any], expected_version: int,
               who: str, action: str = "ändrad") -> Item:
        try:
            with self._write() as session:
                row = self._current(session, kind, item_id, expected_version)
                values, errors = clean(kind, _with_stored_english(kind, raw, row))
                self._validate(session, kind, values, errors, row)
                if kind.ordered and values["position"] != row.position:
                    self._make_room(session, kind, values["position"], row, who)
                if all(getattr(row, name) == value for name, value in values.items()):
                    return item_of(kind, row)  # nothing changed: no new version
                for name, value in values.items():
                    setattr(row, name, value)
                _written_by_staff(row)
                history.record(session, row, action, who)
                return item_of(kind, row)
        except StaleDataError:
            raise self._conflict(kind, item_id, expected_version) from None

    def delete(self, kind: ContentType, item_id: int, expected_version: int, who: str) -> None:
        if not kind.can_delete:
            raise ValidationFailed({"": f"{kind.singular.capitalize()} kan inte tas bort."})
        try:
            with self._write() as session:
                row = self._current(session, kind, item_id, expected_version)
                why = kind.why_kept(row, self._domain_file) if kind.why_kept else ""
                if why:
                    raise ValidationFailed({"": why})
                history.record(session, row, "borttagen", who)
                session.delete(row)
                session.flush()
                if kind.ordered:
                    self._close_gap(session, kind, who)
        except StaleDataError:
            raise self._conflict(kind, item_id, expected_version) from None

    def _current(self, session: Session, kind: ContentType, item_id: int, expected_version: int) -> Any:
        row = session.get(kind.model, item_id)
        if row is None or row.version != int(expected_version):
            raise conflict(session, kind, item_id, int(expected_version))
        return row

    def _conflict(self, kind: ContentType, item_id: int, loaded_version: int) -> EditConflict:
        with self._sessions() as session:
            return conflict(session, kind, item_id, loaded_version)

    # ------------------------------------------------------------ positions of an ordered type

    @staticmethod
    def _by_position(session: Session, kind: ContentType) -> list[Any]:
        return list(session.execute(select(kind.model).order_by(kind.model.position)).scalars())

    def _make_room(self, session: Session, kind: ContentType, position: int, moving: Any, who: str) -> None:
        """Make room at `position` for a new or moved item."""
        others = [r for r in self._by_position(session, kind) if r is not moving]  # a gap at `position`
        for index, row in enumerate(others, start=1):
            self._move(session, row, index if index < position else index + 1, who)

    def _close_gap(self, session: Session, kind: ContentType, who: str) -> None:
        for index, row in enumerate(self._by_position(session, kind), start=1):
            self._move(session, row, index, who)

    @staticmethod
    def _move(session: Session, row: Any, position: int, who: str) -> None:
        if row.position != position:
            row.position = position
            history.record(session, row, "flyttad", who)
