"""Plain, immutable views of content rows, handed to actions and templates, and
the Swedish way of writing their dates.

They are detached from any database session, so callers can keep them after
the session is closed. Each view is declared with its content type
(bot/content/types/); this module gathers the ones the actions and the NLU
data builder read.
"""
from __future__ import annotations

import datetime as dt

from bot.content.provenance import PAGE, Provenance
from bot.content.types.focus_area import FocusAreaRecord
from bot.content.types.partner import PartnerRecord
from bot.content.types.qa import QARecord
from bot.content.types.site import Site
from bot.content.types.topic import TopicAnswer

SWEDISH_MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)


def swedish_date(day: dt.date) -> str:
    """'8 maj 2023': the way a Swedish page writes a date."""
    return f"{day.day} {SWEDISH_MONTHS[day.month - 1]} {day.year}"


__all__ = ["PAGE", "SWEDISH_MONTHS", "FocusAreaRecord", "PartnerRecord", "Provenance", "QARecord", "Site",
           "TopicAnswer", "swedish_date"]
