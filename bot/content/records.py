"""Plain, immutable views of content rows, handed to actions and templates.

They are detached from any database session, so callers can keep them after
the session is closed. Each view is declared with its content type
(bot/content/types/); this module gathers the ones the actions, the NLU
data builder and the portal import from here.
"""
from __future__ import annotations

from bot.content.provenance import Provenance
from bot.content.types.focus_area import FocusAreaRecord
from bot.content.types.partner import PartnerRecord
from bot.content.types.site import Site

__all__ = ["FocusAreaRecord", "PartnerRecord", "Provenance", "Site"]
