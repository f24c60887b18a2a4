"""Topic answers: what the bot says for each trained intent `ask_<key>`, and the
replies it needs whatever the question."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Integer, String, Text

from bot.content.models import Sourced, Versioned
from bot.content.provenance import PAGE, Provenance, provenance_of
from bot.content.rasa_project import DOMAIN_FILE, domain_intents
from bot.content.types.declaration import ContentType, Field, SaveContext, Unique
from bot.db.base import Base

# Replies the bot needs whatever the question: "not my area" and "I don't know".
REQUIRED_TOPICS = ("out_of_scope", "no_answer")


class Topic(Sourced, Versioned, Base):
    """A topic answer; `key` links it to the intent `ask_<key>`."""

    __tablename__ = "topic"
    id = Column(Integer, primary_key=True)
    key = Column(String(80), nullable=False, unique=True)
    title = Column(String(200), nullable=False)
    body = Column(Text, nullable=False)
    title_en = Column(String(200), nullable=True)
    body_en = Column(Text, nullable=True)


@dataclass(frozen=True)
class TopicAnswer:
    key: str
    title: str
    body: str
    provenance: Provenance = field(default=PAGE, compare=False)


def protected_topic_keys(path: Path = DOMAIN_FILE) -> dict[str, str]:
    """Topic keys the bot needs → why: its standard replies and every `ask_<key>` intent."""
    keys = {key: "boten behöver ämnet för sina standardsvar" for key in REQUIRED_TOPICS}
    for intent in domain_intents(path):
        if intent.startswith("ask_"):
            keys.setdefault(intent[4:], f"boten behöver ämnet för avsikten {intent}")
    return keys


def _validate(values: dict[str, Any], errors: dict[str, str], save: SaveContext) -> None:
    key = values.get("key") or ""
    if "key" not in errors and key:
        if not re.fullmatch(r"[a-z0-9_]+", key):
            errors["key"] = "”Nyckel” får bara innehålla små bokstäver a–z, siffror och understreck."
        elif any(other.key == key for other in save.others()):
            errors["key"] = f"Det finns redan ett ämne med nyckeln ”{key}”."
    protected = protected_topic_keys(save.domain_file)
    row = save.row
    if row is not None and row.key in protected and key != row.key and "key" not in errors:
        errors["key"] = f"Nyckeln ”{row.key}” kan inte ändras: {protected[row.key]}."


def _why_kept(row: Topic, domain_file: Path) -> str:
    why = protected_topic_keys(domain_file).get(row.key)
    return f"Ämnet ”{row.key}” kan inte tas bort: {why}." if why else ""


def _required_present(records: list[Mapping[str, Any]]) -> list[tuple[None, str]]:
    keys = {record["key"] for record in records}
    return [(None, f"ämnet ”{key}” krävs av boten och saknas") for key in REQUIRED_TOPICS if key not in keys]


TOPICS = ContentType(
    name="topic", model=Topic, label="Ämnessvar", singular="ämnet", pronoun="det",
    section="topics", noun="ämne", title_field="title", order_by="key",
    fields=(
        Field("key", "Nyckel", "key", required=True),
        Field("title", "Rubrik", required=True, translated=True),
        Field("body", "Svar", "markdown", required=True, translated=True),
    ),
    validate=_validate,
    record=lambda row: TopicAnswer(row.key, row.title, row.body, provenance_of(row)),
    unique=(Unique("ämnesnyckeln", lambda record: [record["key"]]),),
    why_kept=_why_kept,
    check_bundle=_required_present,
)
