"""Where one item's facts come from, for its citation (bot/content/citations.py).

Kept apart from the records so that every content type's declaration can use it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bot.content.models import Sourced


@dataclass(frozen=True)
class Provenance:
    """The source page ("page") or the municipality's staff ("staff"), and the
    date its citation gives."""

    source: str = "page"
    day: dt.date | None = None  # None: the page's own date

    @property
    def by_staff(self) -> bool:
        return self.source == "staff"


PAGE = Provenance()


def provenance_of(row: Any) -> Provenance | None:
    """What a stored row cites; None for a row that cites nothing (the site, a bot text)."""
    row = getattr(row, "row", row)  # a Localised row (bot/content/types/declaration.py)
    return Provenance(row.source, row.source_date) if isinstance(row, Sourced) else None
