"""Form cleaning: the strings a form posts (or Python values) as the typed
values a content type stores, with a Swedish message per field that is not."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from bot.content.items import as_lines
from bot.content.types import ContentType


def clean(kind: ContentType, raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Form strings (or Python values) → typed values, and type errors per field."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec_field in kind.fields:
        name, value = spec_field.name, raw.get(spec_field.name)
        if spec_field.widget == "lines":
            values[name] = as_lines(value)
        elif spec_field.widget == "date":
            if isinstance(value, dt.date):
                values[name] = value
            else:
                text = str(value or "").strip()
                try:
                    values[name] = dt.date.fromisoformat(text) if text else None
                except ValueError:
                    values[name] = text
                    errors[name] = (f"”{spec_field.label}” ska vara ett datum på formen ÅÅÅÅ-MM-DD, "
                                    "till exempel 2023-05-08.")
        elif spec_field.widget == "position":
            text = str(value if value is not None else "").strip()
            values[name] = int(text) if text.isdigit() else None
            if text and not text.isdigit():
                errors[name] = f"”{spec_field.label}” ska vara ett heltal."
        elif spec_field.widget in ("markdown", "textarea"):
            values[name] = str(value or "").replace("\r\n", "\n").strip()
        else:
            values[name] = " ".join(str(value or "").split())
    return values, errors
