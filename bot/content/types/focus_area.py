"""Focus areas: the international policy's prioritised areas, in the policy's order."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, Column, Integer, String, Text

from bot.content.models import Sourced, Versioned
from bot.content.provenance import PAGE, Provenance, provenance_of
from bot.content.types.declaration import ContentType, Field, SaveContext, Unique
from bot.db.base import Base


class FocusArea(Sourced, Versioned, Base):
    """One of the international policy's prioritised focus areas."""

    __tablename__ = "focus_area"
    id = Column(Integer, primary_key=True)
    position = Column(Integer, nullable=False)
    title = Column(String(300), nullable=False, unique=True)
    description = Column(Text, nullable=False, default="")
    title_en = Column(String(300), nullable=True)
    description_en = Column(Text, nullable=True)
    aliases = Column(JSON, nullable=False, default=list)


@dataclass(frozen=True)
class FocusAreaRecord:
    position: int
    title: str
    description: str
    aliases: tuple[str, ...]
    provenance: Provenance = field(default=PAGE, compare=False)


def _validate(values: dict[str, Any], errors: dict[str, str], save: SaveContext) -> None:
    count = len(save.others()) + 1
    position = values.get("position")
    if position is None and "position" not in errors:
        values["position"] = position = save.row.position if save.row is not None else count
    if "position" not in errors and not 1 <= position <= count:
        errors["position"] = f"”Plats i ordningen” ska vara ett tal mellan 1 och {count}."
    title = values.get("title") or ""
    same = save.clash("title", title) if "title" not in errors and title else None
    if same is not None:
        errors["title"] = f"Det finns redan ett fokusområde med rubriken ”{same.title}”."


FOCUS_AREAS = ContentType(
    name="focus_area", model=FocusArea, label="Fokusområden", singular="fokusområdet", pronoun="det",
    section="focus_areas", noun="fokusområde", title_field="title", order_by="position", ordered=True,
    fields=(
        Field("position", "Plats i ordningen", "position", in_bundle=False),
        Field("title", "Rubrik", required=True, translated=True),
        Field("description", "Beskrivning", "markdown", translated=True),
        Field("aliases", "Sökord", "lines"),
    ),
    validate=_validate,
    record=lambda row: FocusAreaRecord(row.position, row.title, row.description, tuple(row.aliases),
                                       provenance_of(row)),
    unique=(Unique("fokusområdet", lambda record: [record["title"]]),),
)
