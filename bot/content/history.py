"""Version history of content rows: a snapshot per save, who made it and when.

Shared by the editor (every save) and the bundle import (every imported row).
A snapshot keeps the fields of the row's content type (bot/content/types/).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.content import models
from bot.content.types import TYPE_OF_MODEL, TYPES, ContentType

# What happened in a version, as shown to staff.
ACTIONS = {
    "skapad": "Skapad",
    "ändrad": "Ändrad",
    "flyttad": "Flyttad (ordningen ändrades)",
    "borttagen": "Borttagen",
    "återställd": "Återställd från en tidigare version",
    "importerad": "Importerad",
    "migrerad": "Fanns före versionshistoriken",
}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return list(value)
    return value


def snapshot(row: models.Base) -> dict[str, Any]:
    """The row's editable fields, plus id and version, as JSON-ready values."""
    data: dict[str, Any] = {"id": row.id, "version": row.version}
    for field in TYPE_OF_MODEL[type(row)].fields:
        value = getattr(row, field.name)
        # An English version never written (older rows: NULL) reads as empty, as a cleared one does.
        data[field.name] = field.empty if value is None and field.english_of else _plain(value)
    if isinstance(row, models.Sourced):  # what the item cited at this version
        data.update(source=row.source, source_date=_plain(row.source_date))
    return data


def record(session: Session, row: models.Base, action: str, who: str) -> models.ContentVersion:
    """Write the row's current state to the history (flushes to get id and version)."""
    session.flush()
    entry = models.ContentVersion(
        entity_type=TYPE_OF_MODEL[type(row)].name, entity_id=row.id, version=row.version,
        action=action, username=who, snapshot=snapshot(row),
    )
    session.add(entry)
    return entry


def detach_all(session: Session) -> None:
    """Keep old history rows but unlink them from ids that an import will reuse."""
    session.execute(
        update(models.ContentVersion)
        .where(models.ContentVersion.entity_type.in_(tuple(TYPES)))
        .values(entity_id=None)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class VersionEntry:
    """One saved version, detached from the database session."""

    id: int
    entity_type: str
    entity_id: int | None
    version: int
    action: str
    username: str
    created_at: dt.datetime
    snapshot: dict[str, Any]

    @property
    def action_label(self) -> str:
        return ACTIONS.get(self.action, self.action)

    @property
    def title(self) -> str:
        return TYPES[self.entity_type].title_for(self.snapshot)


def version_entry(row: models.ContentVersion) -> VersionEntry:
    return VersionEntry(row.id, row.entity_type, row.entity_id, row.version, row.action, row.username,
                        row.created_at, dict(row.snapshot))


def entries(session: Session, kind: ContentType, item_id: int) -> list[VersionEntry]:
    """Every saved version of an item, newest first (also after it was deleted)."""
    rows = session.execute(
        select(models.ContentVersion)
        .where(models.ContentVersion.entity_type == kind.name, models.ContentVersion.entity_id == item_id)
        .order_by(models.ContentVersion.id.desc())
    ).scalars()
    return [version_entry(r) for r in rows]
