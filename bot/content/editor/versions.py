"""History, word-by-word diffs and restore: every saved version of every item
can be seen, compared with another and made current again."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from bot.content import models
from bot.content.diffs import Segment, word_diff
from bot.content.editor.errors import NotFound, ValidationFailed
from bot.content.editor.writes import ContentWriter
from bot.content.history import VersionEntry, entries, version_entry
from bot.content.items import Item
from bot.content.types import ContentType
from bot.content.types.declaration import same_value


@dataclass(frozen=True)
class FieldDiff:
    field: str
    label: str
    segments: list[Segment]  # word by word (bot/content/diffs.py)


def diff(kind: ContentType, before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> list[FieldDiff]:
    """Word-by-word differences per field from `before` to `after`, only for
    fields that changed (every field when there is no `before`)."""
    diffs = []
    for name in kind.field_names:
        old = before.get(name) if before else None
        new = after.get(name)
        if before is not None and same_value(old, new):
            continue
        diffs.append(FieldDiff(name, kind.field(name).label, word_diff(old, new)))
    return diffs


class VersionHistory(ContentWriter):
    """The writes, plus reading and restoring the versions they recorded."""

    diff = staticmethod(diff)

    def history(self, kind: ContentType, item_id: int) -> list[VersionEntry]:
        """Every saved version of an item, newest first (also after it was deleted)."""
        with self._sessions() as session:
            return entries(session, kind, item_id)

    def deleted(self, kind: ContentType) -> list[VersionEntry]:
        """The deletion of every item of a kind that is still deleted, newest first."""
        with self._sessions() as session:
            existing = set(session.execute(select(kind.model.id)).scalars())
            rows = session.execute(
                select(models.ContentVersion)
                .where(models.ContentVersion.entity_type == kind.name,
                       models.ContentVersion.entity_id.isnot(None))
                .order_by(models.ContentVersion.id.desc())
            ).scalars()
            latest: dict[int, models.ContentVersion] = {}
            for r in rows:
                latest.setdefault(r.entity_id, r)
            return [version_entry(r) for r in latest.values()
                    if r.action == "borttagen" and r.entity_id not in existing]

    def recent_changes(self, limit: int = 20) -> list[VersionEntry]:
        with self._sessions() as session:
            rows = session.execute(
                select(models.ContentVersion)
                .where(models.ContentVersion.action != "importerad")
                .order_by(models.ContentVersion.id.desc()).limit(limit)
            ).scalars()
            return [version_entry(r) for r in rows]

    def version(self, kind: ContentType, item_id: int, entry_id: int) -> tuple[VersionEntry, VersionEntry | None]:
        """One history entry and the one before it (None for the first)."""
        found = self.history(kind, item_id)
        for index, entry in enumerate(found):
            if entry.id == entry_id:
                return entry, found[index + 1] if index + 1 < len(found) else None
        raise NotFound(kind, f"{item_id}, version {entry_id}")

    def restore(self, kind: ContentType, item_id: int, entry_id: int, expected_version: int | None,
                who: str) -> Item:
        """Make an earlier version current again, as a new version (validated as any save).
        An item that has been deleted is created anew from the version."""
        entry, _previous = self.version(kind, item_id, entry_id)
        # A version saved before English existed keeps today's English (the update keeps what raw leaves out).
        raw = {name: entry.snapshot.get(name) for name in kind.field_names
               if name in entry.snapshot or not kind.field(name).english_of}
        exists = self.repository.item(kind, item_id) is not None
        if kind.ordered:  # its old place, or the end of today's list
            room = self.repository.count(kind) + (0 if exists else 1)
            raw["position"] = min(int(raw.get("position") or 1), room)
        if not exists:
            return self.create(kind, raw, who, item_id=item_id, action="återställd")
        if expected_version is None:
            raise ValidationFailed({"": "Versionen du utgick från saknas. Ladda om sidan och försök igen."})
        return self.update(kind, item_id, raw, expected_version, who, action="återställd")
