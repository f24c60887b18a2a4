"""Optimistic locking: a save from a stale version is refused, saying who
changed what since the editor loaded the item, so nothing is overwritten."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bot.content import history
from bot.content.editor.errors import EditorError
from bot.content.history import VersionEntry
from bot.content.items import Item, item_of
from bot.content.types import ContentType
from bot.content.types.declaration import same_value


@dataclass(frozen=True)
class Change:
    """One field another person changed after the editor loaded the item."""

    field: str
    label: str
    loaded: Any
    current: Any


class EditConflict(EditorError):
    """The item was saved by someone else after the editor loaded it."""

    def __init__(self, kind: ContentType, current: Item | None, loaded_version: int,
                 changes: Sequence[Change], last: VersionEntry | None) -> None:
        self.kind = kind
        self.current = current  # None when the other person deleted it
        self.loaded_version = loaded_version
        self.changes = list(changes)
        self.last = last
        who = f" av {last.username}" if last else ""
        if current is None:
            message = (f"{kind.singular.capitalize()} har tagits bort{who} sedan du öppnade "
                       f"{kind.pronoun}. Dina ändringar har inte sparats.")
        else:
            message = (
                f"{kind.singular.capitalize()} har ändrats{who} sedan du öppnade {kind.pronoun} "
                f"(du öppnade version {loaded_version}, nu gäller version {current.version}). "
                "Dina ändringar har inte sparats, så att inget skrivs över."
            )
        super().__init__(message)


def conflict(session: Session, kind: ContentType, item_id: int, loaded_version: int) -> EditConflict:
    """The conflict with what is stored now: the current item (None if deleted),
    the fields changed since `loaded_version`, and the latest version's author."""
    row = session.get(kind.model, item_id)
    if row is not None:
        session.refresh(row)
    current = item_of(kind, row) if row is not None else None
    entries = history.entries(session, kind, item_id)
    loaded = next((e for e in entries if e.version == loaded_version), None)
    changes: list[Change] = []
    if current is not None:
        for name in kind.field_names:
            before = loaded.snapshot.get(name) if loaded else None
            after = current.values[name]
            if loaded is None or not same_value(before, after):
                changes.append(Change(name, kind.field(name).label, before, after))
    return EditConflict(kind, current, loaded_version, changes, entries[0] if entries else None)
