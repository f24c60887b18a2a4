"""Plain, immutable views of content rows, handed to actions and templates.

They are detached from any database session, so callers can keep them after
the session is closed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

SWEDISH_MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)


def swedish_date(day: dt.date) -> str:
    """'8 maj 2023': the way a Swedish page writes a date."""
    return f"{day.day} {SWEDISH_MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Provenance:
    """Where one item's facts come from: the source page ("page") or the
    municipality's staff ("staff"), and the date its citation gives."""

    source: str = "page"
    day: dt.date | None = None  # None: the page's own date

    @property
    def by_staff(self) -> bool:
        return self.source == "staff"


PAGE = Provenance()


@dataclass(frozen=True)
class Site:
    municipality: str
    municipality_url: str
    source_title: str
    source_url: str  # the source page's own address; "" when staff have not set it
    last_updated: dt.date

    @property
    def page_url(self) -> str:
        """Where a citation of the page links: the page itself, else the municipality's site."""
        return self.source_url or self.municipality_url


@dataclass(frozen=True)
class TopicAnswer:
    key: str
    title: str
    body: str
    provenance: Provenance = field(default=PAGE, compare=False)


@dataclass(frozen=True)
class FocusAreaRecord:
    position: int
    title: str
    description: str
    aliases: tuple[str, ...]
    provenance: Provenance = field(default=PAGE, compare=False)


@dataclass(frozen=True)
class PartnerRecord:
    name: str
    country: str
    continent: str
    kind: str
    description: str
    aliases: tuple[str, ...]
    provenance: Provenance = field(default=PAGE, compare=False)

    @property
    def names(self) -> tuple[str, ...]:
        """The name and every alias, for matching residents' wording."""
        return (self.name, *self.aliases)
