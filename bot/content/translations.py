"""Which items have no English version yet: the portal's list of what to translate.

An item is listed when a field that has an English version is written in
Swedish but not in English; the bot then answers with the Swedish text and a
short English note (bot/content/repository.py), so nothing goes silent, but
staff should see what is left to translate.
"""
from __future__ import annotations

from dataclasses import dataclass

from bot.content.items import Item
from bot.content.repository import ContentRepository
from bot.content.types import TYPES, ContentType


@dataclass(frozen=True)
class Untranslated:
    kind: ContentType
    item: Item
    labels: tuple[str, ...]  # the Swedish labels of the fields that lack English


def untranslated(repo: ContentRepository) -> list[Untranslated]:
    """Every item with a field that lacks its English version, in the editor's order."""
    found = []
    for kind in TYPES.values():
        if not kind.translated:
            continue
        for item in repo.items(kind):
            missing = kind.missing_english(item.values)
            if missing:
                found.append(Untranslated(kind, item, tuple(f.label for f in missing)))
    return found
