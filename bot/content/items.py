"""The editor's view of a stored row: every field of its content type as plain
values, with the version a save must name (optimistic locking)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bot.content import history
from bot.content.matching import normalise
from bot.content.provenance import Provenance, provenance_of
from bot.content.types import ContentType


@dataclass(frozen=True)
class Item:
    kind: ContentType
    id: int
    version: int
    updated_at: dt.datetime
    values: dict[str, Any]
    provenance: Provenance | None = None  # what the bot cites for it (None: not an item that cites)

    @property
    def title(self) -> str:
        return self.kind.title_for(self.values)


@dataclass
class SearchHit:
    kind: ContentType
    item: Item
    field_labels: list[str] = field(default_factory=list)


def item_of(kind: ContentType, row: Any) -> Item:
    data = history.snapshot(row)
    values = {name: data[name] for name in kind.field_names}
    return Item(kind, row.id, row.version, row.updated_at, values, provenance_of(row))


def as_lines(value: Any) -> list[str]:
    """A list, or text with one item per line, as its non-empty lines."""
    items = value if isinstance(value, (list, tuple)) else str(value or "").splitlines()
    return [str(v).strip() for v in items if str(v).strip()]


def matching_fields(item: Item, query: str) -> list[str]:
    """The labels of the item's fields that contain the query (case and å/ä/ö insensitive)."""
    wanted = normalise(query)
    return [
        item.kind.field(name).label
        for name, value in item.values.items()
        if wanted and wanted in normalise(" ".join(as_lines(value)) if isinstance(value, list) else str(value))
    ]
