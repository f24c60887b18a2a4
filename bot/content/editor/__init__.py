"""The write side of the content store, used by the portal's editor.

Every content type (bot/content/types/) is created, updated and deleted here
(writes.py), and its versions are listed, compared and restored
(versions.py). Each write:

* is cleaned (forms.py) and validated first, with Swedish messages per field
  (`ValidationFailed`): the field checks are the bundle import's
  (validation.py), then the type's own rules from its declaration;
* takes the `version` the editor loaded, and refuses a stale one with
  `EditConflict`, which says who saved what in the meantime (conflicts.py;
  the `version_id_col` guards the last moment as well);
* writes a `ContentVersion` (who, when, snapshot), so history and restore
  work for every item.

Reads go through `ContentRepository` (the editor's `repository`), so the bot
and the editor read the store the same way and a saved change shows on the
bot's very next message.
"""
from __future__ import annotations

from bot.content.editor.conflicts import Change, EditConflict
from bot.content.editor.errors import EditorError, NotFound, ValidationFailed
from bot.content.editor.versions import FieldDiff, VersionHistory
from bot.content.items import Item
from bot.content.rasa_project import domain_intents
from bot.content.types import QA, ContentType


class ContentEditor(VersionHistory):
    """Writes, history and restore for every content type.

    `get` and `list` read through the repository, for callers that hold only
    the editor (the conversation review links inbox messages to Q&A entries).
    """

    def get(self, kind: ContentType, item_id: int) -> Item:
        found = self.repository.item(kind, item_id)
        if found is None:
            raise NotFound(kind, item_id)
        return found

    def list(self, kind: ContentType, query: str = "") -> list[Item]:
        """Every item of a kind in the editor's order, narrowed by a search text."""
        return self.repository.items(kind, query)


# bot/portal/admin/review.py imports QA and domain_intents from here too.
__all__ = ["QA", "Change", "ContentEditor", "EditConflict", "EditorError", "FieldDiff", "NotFound",
           "ValidationFailed", "domain_intents"]
