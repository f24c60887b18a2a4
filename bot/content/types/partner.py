"""Partners: twin towns, partners, networks and regional organisations."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, Column, Integer, String, Text

from bot.content.matching import normalise
from bot.content.models import Sourced, Versioned
from bot.content.provenance import PAGE, Provenance, provenance_of
from bot.content.types.declaration import ContentType, Field, SaveContext, Unique
from bot.db.base import Base

PARTNER_KINDS = ("twin_town", "partner", "network", "regional")
# Each kind's Swedish name for the editor; the bot's lists name a kind in the plural by
# the bot text `kind_<kind>`, in the answer's language (bot/content/texts.py).
KIND_LABELS = {
    "twin_town": "vänort",
    "partner": "samarbetspart",
    "network": "nätverk",
    "regional": "regional organisation",
}


class Partner(Sourced, Versioned, Base):
    """A partner: twin town, partner, network or regional organisation."""

    __tablename__ = "partner"
    id = Column(Integer, primary_key=True)
    name = Column(String(200), nullable=False, unique=True)
    country = Column(String(100), nullable=False, default="")
    continent = Column(String(100), nullable=False, default="")
    kind = Column(String(20), nullable=False, default="partner")
    description = Column(Text, nullable=False, default="")
    country_en = Column(String(100), nullable=True)
    continent_en = Column(String(100), nullable=True)
    description_en = Column(Text, nullable=True)
    aliases = Column(JSON, nullable=False, default=list)


@dataclass(frozen=True)
class PartnerRecord:
    name: str
    country: str
    continent: str
    kind: str
    description: str
    aliases: tuple[str, ...]
    provenance: Provenance = field(default=PAGE, compare=False)
    # The country and continent in every language they are written in, for matching
    # where a resident asks about ("Danmark" or "Denmark").
    places: tuple[str, ...] = field(default=(), compare=False)

    @property
    def names(self) -> tuple[str, ...]:
        """The name and every alias, for matching residents' wording."""
        return (self.name, *self.aliases)


def _validate(values: dict[str, Any], errors: dict[str, str], save: SaveContext) -> None:
    """A name or alias belongs to one partner only, and once."""
    names = [("name", values.get("name") or "")] + [("aliases", a) for a in values.get("aliases") or []]
    others = save.others()
    seen: dict[str, str] = {}
    for field_name, name in names:
        if field_name in errors or not name:
            continue
        key = normalise(name)
        if key in seen:
            errors[field_name] = f"”{name}” står mer än en gång bland namnet och de andra namnen."
            continue
        seen[key] = name
        for other in others:
            if key in {normalise(n) for n in (other.name, *other.aliases)}:
                errors[field_name] = (
                    f"Namnet eller aliaset ”{name}” används redan av samarbetsparten ”{other.name}”."
                )
                break


PARTNERS = ContentType(
    name="partner", model=Partner, label="Samarbetsparter", singular="samarbetsparten", pronoun="den",
    section="partners", noun="partner", title_field="name", order_by="name",
    bundle_order="name",  # as the export has always listed them; the bot reads them as added
    fields=(
        Field("name", "Namn", required=True),
        Field("country", "Land", translated=True),
        Field("continent", "Världsdel", translated=True),
        Field("kind", "Typ", "select", required=True,
              choices=tuple((kind, KIND_LABELS[kind].capitalize()) for kind in PARTNER_KINDS)),
        Field("description", "Beskrivning", "markdown", translated=True),
        Field("aliases", "Andra namn", "lines"),
    ),
    validate=_validate,
    record=lambda row: PartnerRecord(row.name, row.country, row.continent, row.kind, row.description,
                                     tuple(row.aliases), provenance_of(row),
                                     row.every("country") + row.every("continent")),
    unique=(Unique("partnernamnet eller aliaset", lambda record: [record["name"], *record.get("aliases", [])]),),
)
