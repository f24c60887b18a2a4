"""Plain, immutable views of content rows, handed to actions and templates, and
the Swedish way of writing their dates.

They are detached from any database session, so callers can keep them after
the session is closed. Each view is declared with its content type
(bot/content/types/); this module gathers the ones the actions, the NLU
data builder and the portal import from here.
"""
from __future__ import annotations

import datetime as dt

from bot.content.provenance import Provenance
from bot.content.types.focus_area import FocusAreaRecord
from bot.content.types.partner import PartnerRecord
from bot.content.types.site import Site

SWEDISH_MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)


def swedish_date(day: dt.date) -> str:
    """'8 maj 2023': the way a Swedish page writes a date."""
    return f"{day.day} {SWEDISH_MONTHS[day.month - 1]} {day.year}"


__all__ = ["SWEDISH_MONTHS", "FocusAreaRecord", "PartnerRecord", "Provenance", "Site", "swedish_date"]
