"""The languages a conversation can be in, for the review pages and the NLU export.

The REST channel stores the language it resolved for each resident message in that
user event's metadata (`metadata["language"]`, "sv" or "en"); conversations from
before English have none and are Swedish.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.content.types.declaration import LANGUAGES as CODES

DEFAULT = CODES[0]
# code → (short visible label, the staff's Swedish name for it), in the bot's order
LANGUAGES = dict(zip(CODES, (("SV", "svenska"), ("EN", "engelska")), strict=True))
LANGUAGE_ERROR = "Välj ett av språken i listan."


def event_language(event: dict[str, Any]) -> str:
    """The language of one user event from the tracker store."""
    metadata = event.get("metadata")
    language = metadata.get("language") if isinstance(metadata, dict) else None
    return language if language in LANGUAGES else DEFAULT


def parse_language(raw: str | None) -> tuple[str, str]:
    """A language filter from a query string: (code or "", error or "")."""
    value = (raw or "").strip()
    if not value or value in LANGUAGES:
        return value, ""
    return "", LANGUAGE_ERROR


def nlu_file(swedish_file: Path, language: str) -> Path:
    """Where reviewed examples in `language` go: data/nlu/reviewed.yml for Swedish,
    data/nlu/<language>/reviewed.yml (next to that language's training data) otherwise."""
    if language == DEFAULT:
        return swedish_file
    return swedish_file.parent / language / swedish_file.name
