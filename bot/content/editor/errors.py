"""What the editor refuses, with the reason in Swedish for the staff who see it."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.content.types import ContentType


class EditorError(Exception):
    """Base class of everything the editor refuses."""


class NotFound(EditorError, LookupError):
    def __init__(self, kind: ContentType, item_id: Any) -> None:
        super().__init__(f"{kind.singular.capitalize()} med id {item_id} finns inte (längre).")


class ValidationFailed(EditorError, ValueError):
    """Per-field messages (`""` for the form as a whole), in Swedish."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("\n".join(self.errors.values()))
