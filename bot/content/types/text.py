"""Bot texts: the bot's own sentences, templates whose keys and placeholders
bot/content/texts.py lists. Staff change them; they cannot add or delete one."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Column, Integer, String, Text

from bot.content import texts
from bot.content.models import Versioned
from bot.content.types.declaration import ContentType, Field, SaveContext, Unique
from bot.db.base import Base


class BotText(Versioned, Base):
    """One of the bot's own sentences, a template whose keys are listed in bot/content/texts.py."""

    __tablename__ = "bot_text"
    id = Column(Integer, primary_key=True)
    key = Column(String(80), nullable=False, unique=True)
    text = Column(Text, nullable=False)
    text_en = Column(Text, nullable=True)


def _validate(values: dict[str, Any], errors: dict[str, str], save: SaveContext) -> None:
    """The key stays; each language's template uses only its own placeholders, and the
    required ones. The bot's own sentences exist in both languages, so neither may be empty."""
    if save.row is not None and values.get("key") != save.row.key:
        errors["key"] = f"Nyckeln ”{save.row.key}” kan inte ändras."
    spec = texts.SPECS.get(values.get("key") or "")
    if spec is None and "key" not in errors:
        errors["key"] = f"Boten använder ingen text med nyckeln ”{values.get('key')}”."
        return
    for column in texts.COLUMN.values():
        problem = texts.problem(spec, values.get(column) or "") if spec is not None and column not in errors else ""
        if problem:
            errors[column] = problem


def _title(values: Mapping[str, Any]) -> str:
    """A text's Swedish label says what it is for; its key does not."""
    key = values.get("key")
    return texts.SPECS[key].label if key in texts.SPECS else str(key or "")


def _templates_fit(records: list[Mapping[str, Any]]) -> list[tuple[Mapping[str, Any], str]]:
    problems = []
    for record in records:
        spec = texts.SPECS.get(record["key"])
        if spec is None:
            problems.append((record, f"text ”{record['key']}”: okänd textnyckel ”{record['key']}”"))
            continue
        for column in texts.COLUMN.values():
            reason = texts.problem(spec, record[column]) if record.get(column) or column == "text" else ""
            if reason:
                problems.append((record, f"text ”{record['key']}”: {reason}"))
    return problems


def _every_key(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every text the bot uses, in both languages: the bundle's wording, else the
    default (older bundles have no texts, or only Swedish ones)."""
    rows = []
    for key in texts.SPECS:
        given = next((record for record in records if record["key"] == key), {})
        rows.append({"key": key} | {column: given.get(column) or texts.defaults(language=language).get(key, "")
                                    for language, column in texts.COLUMN.items()})
    return rows


TEXTS = ContentType(
    name="text", model=BotText, label="Botens formuleringar", singular="formuleringen", pronoun="den",
    section="texts", noun="text", title_field="key", order_by="id",
    can_create=False, can_delete=False, optional_section=True,
    fields=(
        Field("key", "Nyckel", "fixed", required=True),
        Field("text", "Text", "textarea", required=True, translated=True),
    ),
    validate=_validate,
    title_of=_title,
    unique=(Unique("textnyckeln", lambda record: [record["key"]]),),
    check_bundle=_templates_fit,
    bundle_rows=_every_key,
)
