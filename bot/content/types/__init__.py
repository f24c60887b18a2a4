"""Every content type, each declared once in its own module (bot/content/types/declaration.py).

History, the bundle, the editor, the repository and the portal loop over
`TYPES`; to add a type, declare it in a module here and list it below.
"""
from __future__ import annotations

from bot.content.types.declaration import ContentType
from bot.content.types.focus_area import FOCUS_AREAS
from bot.content.types.partner import PARTNERS
from bot.content.types.qa import QA
from bot.content.types.site import SITE
from bot.content.types.text import TEXTS
from bot.content.types.topic import TOPICS

# In the editor's order (its menu and its search results).
TYPES: dict[str, ContentType] = {kind.name: kind for kind in (TOPICS, FOCUS_AREAS, PARTNERS, QA, TEXTS, SITE)}
TYPE_OF_MODEL: dict[type, ContentType] = {kind.model: kind for kind in TYPES.values()}

__all__ = ["FOCUS_AREAS", "PARTNERS", "QA", "SITE", "TEXTS", "TOPICS", "TYPES", "TYPE_OF_MODEL", "ContentType"]
