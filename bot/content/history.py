"""Version history of content rows: a snapshot per save, who made it and when.

Shared by the editor (every save) and the bundle import (every imported row).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Tuple, Type

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.content import models

# Entity type (as stored in content_version) → model and the fields a snapshot keeps.
MODELS: Dict[str, Type[models.Base]] = {
    "site": models.SiteInfo,
    "topic": models.Topic,
    "focus_area": models.FocusArea,
    "partner": models.Partner,
    "qa": models.QAEntry,
    "text": models.BotText,
}
FIELDS: Dict[str, Tuple[str, ...]] = {
    "site": ("municipality", "municipality_url", "source_title", "source_url", "last_updated"),
    "topic": ("key", "title", "body"),
    "focus_area": ("position", "title", "description", "aliases"),
    "partner": ("name", "country", "continent", "kind", "description", "aliases"),
    "qa": ("title", "answer", "examples"),
    "text": ("key", "text"),
}
_TYPE_OF_MODEL = {model: name for name, model in MODELS.items()}

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


def entity_type(row: models.Base) -> str:
    return _TYPE_OF_MODEL[type(row)]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return list(value)
    return value


def snapshot(row: models.Base) -> Dict[str, Any]:
    """The row's editable fields, plus id and version, as JSON-ready values."""
    kind = entity_type(row)
    data: Dict[str, Any] = {"id": row.id, "version": row.version}
    data.update({field: _plain(getattr(row, field)) for field in FIELDS[kind]})
    if isinstance(row, models.Sourced):  # what the item cited at this version
        data.update(source=row.source, source_date=_plain(row.source_date))
    return data


def record(session: Session, row: models.Base, action: str, who: str) -> models.ContentVersion:
    """Write the row's current state to the history (flushes to get id and version)."""
    session.flush()
    entry = models.ContentVersion(
        entity_type=entity_type(row), entity_id=row.id, version=row.version,
        action=action, username=who, snapshot=snapshot(row),
    )
    session.add(entry)
    return entry


def detach_all(session: Session, kinds: Tuple[str, ...]) -> None:
    """Keep old history rows but unlink them from ids that an import will reuse."""
    session.execute(
        update(models.ContentVersion)
        .where(models.ContentVersion.entity_type.in_(kinds))
        .values(entity_id=None)
        .execution_options(synchronize_session=False)
    )
