"""The field checks every save passes before its type's own rules: required
fields, the bundle import's value checks and caps, column lengths and web
addresses, each refused with a Swedish message that names the field."""
from __future__ import annotations

import re
from typing import Any

from bot.content.types import ContentType
from bot.content.types.checks import MAX_LINE, cap_problem

WEB_ADDRESS = re.compile(r"^https?://[^\s/]+\.[^\s]+$")


def _required_message(widget: str, label: str) -> str:
    if widget == "lines":
        return f"Skriv minst en rad i ”{label}”."
    if widget == "select":
        return f"Välj ”{label}”."
    return f"”{label}” måste fyllas i."


def _column_length(kind: ContentType, name: str) -> int | None:
    column = getattr(kind.model, name).property.columns[0]
    return getattr(column.type, "length", None)


def check_fields(kind: ContentType, values: dict[str, Any], errors: dict[str, str]) -> None:
    """Add a message to `errors` for every field whose value breaks a field rule."""
    for spec_field in kind.fields:
        name, label = spec_field.name, spec_field.label
        if not spec_field.in_bundle or name in errors:
            continue  # a derived field has its type's own rules
        value = values.get(name)
        empty = value is None or value == "" or value == []
        if empty and spec_field.required:
            errors[name] = _required_message(spec_field.widget, label)
        elif not empty and spec_field.problem(value):
            if spec_field.widget == "select":
                choices = ", ".join(choice.lower() for _value, choice in spec_field.choices)
                errors[name] = f"”{label}” ska vara en av: {choices}."
            else:
                errors[name] = f"”{label}” {spec_field.problem(value)}."
        limit = _column_length(kind, name)
        if name not in errors and limit and isinstance(value, str) and len(value) > limit:
            errors[name] = f"”{label}” får vara högst {limit} tecken (nu {len(value)})."
        if name not in errors and isinstance(value, list) and limit is None:
            if any(len(line) > MAX_LINE for line in value):
                errors[name] = f"Varje rad i ”{label}” får vara högst {MAX_LINE} tecken."
        if name not in errors and cap_problem(name, value):
            errors[name] = f"”{label}” {cap_problem(name, value)}."
    for spec_field in kind.fields:
        value = values.get(spec_field.name)
        if spec_field.widget == "url" and spec_field.name not in errors and value:
            if not WEB_ADDRESS.match(value):
                errors[spec_field.name] = (
                    f"”{spec_field.label}” ska vara en fullständig webbadress som börjar med https://."
                )
