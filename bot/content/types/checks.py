"""Value checks and length caps that the bundle import and the editor share.

A check returns the reason in Swedish, to follow a field's name ("ska vara en
text som inte är tom"), or "" when the value is fine; the import and the
editor therefore accept the same content.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], str]


def text(value: Any) -> str:
    return "" if isinstance(value, str) and value.strip() else "ska vara en text som inte är tom"


def optional_text(value: Any) -> str:
    return "" if isinstance(value, str) else "ska vara en text"


def date(value: Any) -> str:
    return "" if isinstance(value, dt.date) else "ska vara ett datum på formen ÅÅÅÅ-MM-DD"


def texts(value: Any) -> str:
    ok = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    return "" if ok else "ska vara en lista med texter"


def examples(value: Any) -> str:
    ok = isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value)
    return "" if ok else "ska vara en lista med minst en exempelfråga"


def one_of(allowed: tuple[str, ...]) -> Check:
    def check(value: Any) -> str:
        return "" if value in allowed else "ska vara en av " + ", ".join(allowed)

    return check


# Length caps of every content field, in characters, and the most lines of a list.
# markdown-it's time grows fast on long texts.
MAX_LONG_TEXT = 5000
MAX_LINE = 300
FIELD_CAPS: dict[str, int] = {
    "body": MAX_LONG_TEXT, "answer": MAX_LONG_TEXT, "description": MAX_LONG_TEXT, "text": MAX_LONG_TEXT,
    "title": 300, "key": 80, "name": 200, "country": 100, "continent": 100, "kind": 20,
    "municipality": 200, "municipality_url": 500, "source_title": 200, "source_url": 500,
}
LIST_CAPS: dict[str, tuple[int, str]] = {"examples": (50, "exempelfrågor"), "aliases": (50, "rader")}


def cap_problem(field: str, value: Any) -> str:
    """A Swedish reason when a value is longer than its field allows, else "".
    A field's English version (`title_en`) has the caps of its Swedish one."""
    field = field.removesuffix("_en")
    if isinstance(value, str) and len(value) > FIELD_CAPS.get(field, MAX_LONG_TEXT):
        return f"får vara högst {FIELD_CAPS.get(field, MAX_LONG_TEXT)} tecken (nu {len(value)})"
    if isinstance(value, list):
        most, noun = LIST_CAPS.get(field, (50, "rader"))
        if len(value) > most:
            return f"får ha högst {most} {noun} (nu {len(value)})"
        if any(isinstance(item, str) and len(item) > MAX_LINE for item in value):
            return f"får ha högst {MAX_LINE} tecken per rad"
    return ""
