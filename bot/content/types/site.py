"""The source page and the municipality it belongs to: one row that every factual answer cites."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Date, Integer, String

from bot.content.models import Versioned
from bot.content.types.declaration import ContentType, Field, SaveContext
from bot.db.base import Base


class SiteInfo(Versioned, Base):
    """The source page and the municipality it belongs to (a single row)."""

    __tablename__ = "site_info"
    id = Column(Integer, primary_key=True)
    municipality = Column(String(200), nullable=False)
    municipality_url = Column(String(500), nullable=False)
    source_title = Column(String(200), nullable=False)
    source_url = Column(String(500), nullable=False, default="")  # the page itself; "" if unknown
    last_updated = Column(Date, nullable=False)
    municipality_en = Column(String(200), nullable=True)
    source_title_en = Column(String(200), nullable=True)


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


def _validate(values: dict[str, Any], errors: dict[str, str], save: SaveContext) -> None:
    """The page's own address is not the municipality's home page (a citation would mislead)."""
    page, home = values.get("source_url") or "", values.get("municipality_url") or ""
    if page and "source_url" not in errors and page.rstrip("/") == home.rstrip("/"):
        errors["source_url"] = ("”Källsidans egen adress” är samma som kommunens webbplats. Skriv "
                                "adressen till själva källsidan, eller lämna fältet tomt.")


SITE = ContentType(
    name="site", model=SiteInfo, label="Källa och kommun", singular="källan", pronoun="den",
    section="site", noun="site", title_field="source_title", order_by="id",
    can_create=False, can_delete=False, single=True,
    fields=(
        Field("municipality", "Kommun", required=True, translated=True),
        Field("municipality_url", "Kommunens webbplats", "url", required=True),
        Field("source_title", "Källsidans rubrik", required=True, translated=True),
        Field("source_url", "Källsidans egen adress", "url"),
        Field("last_updated", "Källsidan senast uppdaterad", "date", required=True),
    ),
    validate=_validate,
    record=lambda row: Site(row.municipality, row.municipality_url, row.source_title, row.source_url,
                            row.last_updated),
)
