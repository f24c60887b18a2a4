"""Q&A entries: questions and answers staff write, found by retrieval without retraining
(bot/content/retrieval.py)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Column, Integer, String, Text

from bot.content.matching import normalise
from bot.content.models import Sourced, Versioned
from bot.content.types import checks
from bot.content.types.declaration import ContentType, Field, SaveContext, Unique
from bot.db.base import Base


class QAEntry(Sourced, Versioned, Base):
    """A question-and-answer entry written by staff, found by retrieval (no retraining)."""

    __tablename__ = "qa_entry"
    id = Column(Integer, primary_key=True)
    title = Column(String(300), nullable=False, unique=True)
    answer = Column(Text, nullable=False)
    examples = Column(JSON, nullable=False, default=list)
    title_en = Column(String(300), nullable=True)
    answer_en = Column(Text, nullable=True)
    examples_en = Column(JSON, nullable=True)


@dataclass(frozen=True)
class QARecord:
    id: int
    title: str
    answer: str
    examples: tuple[str, ...]
    # The title and example questions in both languages: what the retrieval indexes,
    # so an English question finds the entry and gets its answer in English.
    questions: tuple[str, ...] = ()


def _validate(values: dict[str, Any], errors: dict[str, str], save: SaveContext) -> None:
    """A title and each example question belong to one entry only, and once."""
    title = values.get("title") or ""
    same = save.clash("title", title) if "title" not in errors and title else None
    if same is not None:
        errors["title"] = f"Det finns redan en fråga med rubriken ”{same.title}”."
    if "examples" not in errors:
        seen: dict[str, str] = {}
        for example in values.get("examples") or []:
            key = normalise(example)
            if key in seen:
                errors["examples"] = f"Exempelfrågan ”{example}” står mer än en gång."
                break
            seen[key] = example
            owner = next((o for o in save.others() if key in {normalise(e) for e in o.examples}), None)
            if owner is not None:
                errors["examples"] = f"Exempelfrågan ”{example}” finns redan i frågan ”{owner.title}”."
                break


QA = ContentType(
    name="qa", model=QAEntry, label="Frågor och svar", singular="frågan", pronoun="den",
    section="qa", noun="fråga och svar", title_field="title", order_by="title",
    optional_section=True, default_source="staff",
    fields=(
        Field("title", "Fråga (rubrik)", required=True, translated=True),
        Field("answer", "Svar", "markdown", required=True, translated=True),
        Field("examples", "Exempelfrågor", "lines", required=True, check=checks.examples, translated=True),
    ),
    validate=_validate,
    record=lambda row: QARecord(row.id, row.title, row.answer, tuple(row.examples),
                                row.every("title") + row.every("examples")),
    unique=(Unique("frågans rubrik", lambda record: [record["title"]]),
            Unique("exempelfrågan", lambda record: record["examples"])),
)
