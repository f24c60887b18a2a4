"""Dates and times the way the municipality's readers expect them: in Swedish
time (Europe/Stockholm) and with Swedish month names.

Moments come in two shapes: Unix seconds (Rasa's tracker store) and naive UTC
datetimes (the columns of the content database). Both are shown, filtered and
counted by the Swedish day they fall on. The date itself is written by
`swedish_date` ("8 maj 2023"), the one the bot's citations use, or in an
English answer by `english_date` ("8 May 2023").
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SWEDISH_MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)


def swedish_date(day: dt.date) -> str:
    """'8 maj 2023': the way a Swedish page writes a date."""
    return f"{day.day} {SWEDISH_MONTHS[day.month - 1]} {day.year}"


ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def english_date(day: dt.date) -> str:
    """'8 May 2023': a date in an English answer (British order, as the page's)."""
    return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"


def date_in(language: str, day: dt.date) -> str:
    """A citation's date in the answer's language."""
    return english_date(day) if language == "en" else swedish_date(day)


def local(timestamp: float) -> dt.datetime:
    """Unix seconds in Swedish time."""
    return dt.datetime.fromtimestamp(timestamp, STOCKHOLM)


def from_utc(moment: dt.datetime) -> dt.datetime:
    """A naive UTC stamp, as the database stores it, in Swedish time."""
    return moment.replace(tzinfo=dt.timezone.utc).astimezone(STOCKHOLM)


def local_date(timestamp: float) -> dt.date:
    return local(timestamp).date()


def local_iso(timestamp: float) -> str:
    """'2026-11-27T14:05:09+01:00': for exports and <time datetime>."""
    return local(timestamp).isoformat(timespec="seconds")


def day_start(day: dt.date) -> float:
    """Unix time of midnight, Swedish time, at the start of `day`."""
    return dt.datetime.combine(day, dt.time(), STOCKHOLM).timestamp()


def today() -> dt.date:
    """Today in Sweden (not on the server's clock)."""
    return dt.datetime.now(STOCKHOLM).date()


def swedish_moment(moment: dt.datetime) -> str:
    """'27 november 2026 kl. 14.05' for a moment in Swedish time."""
    return f"{swedish_date(moment.date())} kl. {moment:%H.%M}"


def utc_now() -> dt.datetime:
    """Now as the database columns store it: naive UTC."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
