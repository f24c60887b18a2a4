"""How long conversations are kept: the retention period and what a purge did."""
from __future__ import annotations

import os
from dataclasses import dataclass

from bot.conversations.errors import ReviewError

DAY = 86400.0  # seconds


@dataclass
class PurgeResult:
    days: float
    cutoff: float  # Unix seconds
    conversations: int  # deleted entirely
    trimmed: int  # earlier sessions deleted
    events: int


def retention_days(default: float = 30) -> float:
    """The retention period in days: LOG_RETENTION_DAYS, else `default`."""
    raw = os.environ.get("LOG_RETENTION_DAYS", "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ReviewError(f"LOG_RETENTION_DAYS måste vara ett antal dagar, inte {raw!r}.") from None
    if value <= 0:
        raise ReviewError("LOG_RETENTION_DAYS måste vara större än 0.")
    return value


def parse_period(text: str) -> float:
    """'30d', '30', '4w' or '36h' → days."""
    raw = (text or "").strip().lower()
    units = {"d": 1.0, "w": 7.0, "h": 1 / 24}
    factor = units.get(raw[-1:], None)
    number = raw[:-1] if factor is not None else raw
    try:
        value = float(number) * (factor or 1.0)
    except ValueError:
        raise ReviewError(f"Okänd period {text!r}: skriv till exempel 30d, 4w eller 36h.") from None
    if value <= 0:
        raise ReviewError("Perioden måste vara längre än 0.")
    return value
