"""Statistics over the conversations in a date range (Swedish days).

Counted per resident message in the range: a *message* is anything the
resident sent except the widget's feedback clicks (typed text and button
clicks); the fallback rate and the out-of-scope share are taken over the
messages the resident *typed*, since a button click is always understood.

Split by language, each message and each feedback counts in its own language,
and a conversation in every language the resident wrote in during the period.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.conversations.filters import DATE_ERROR, parse_date
from bot.conversations.languages import LANGUAGES
from bot.conversations.transcript import Conversation, squash, text_key
from bot.dates import day_start, local_date

TOP = 10
LITTLE_DATA_DAYS = 3  # fewer days with messages than this, and the per-day charts say little
MAX_DAYS = 366


@dataclass
class Counts:
    """What is counted per day, per language and for the whole period."""

    conversations: int = 0
    messages: int = 0
    typed: int = 0
    fallback: int = 0
    out_of_scope: int = 0


@dataclass
class Day(Counts):
    day: dt.date = dt.date.min


@dataclass
class Figures(Counts):
    """The key figures: of the whole period, or of one language in it."""

    positive: int = 0
    negative: int = 0

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def fallback_rate(self) -> float | None:
        return self._share(self.fallback, self.typed)

    @property
    def out_of_scope_share(self) -> float | None:
        return self._share(self.out_of_scope, self.typed)

    @property
    def feedback_total(self) -> int:
        return self.positive + self.negative

    @property
    def positive_share(self) -> float | None:
        return self._share(self.positive, self.feedback_total)


@dataclass
class Statistics(Figures):
    date_from: dt.date = dt.date.min
    date_to: dt.date = dt.date.min
    days: list[Day] = field(default_factory=list)
    top_intents: list[tuple[str, int]] = field(default_factory=list)
    unanswered: list[tuple[str, int]] = field(default_factory=list)
    by_language: dict[str, Figures] = field(default_factory=lambda: {code: Figures() for code in LANGUAGES})

    @property
    def active_days(self) -> int:
        """Days in the range on which residents sent at least one message."""
        return sum(1 for day in self.days if day.messages)

    @property
    def little_data(self) -> bool:
        return self.active_days < LITTLE_DATA_DAYS


def active_range(conversations: Iterable[Conversation]) -> tuple[dt.date, dt.date] | None:
    """The first and the last Swedish day on which a resident sent something, if any."""
    days = [local_date(line.at) for conversation in conversations for line in conversation.lines
            if line.kind in ("user", "feedback")]
    return (min(days), max(days)) if days else None


def period(query: Mapping[str, str], active: tuple[dt.date, dt.date] | None, today: dt.date
           ) -> tuple[dt.date, dt.date, dict[str, str]]:
    """The period to show, from the query's `from` and `to` (YYYY-MM-DD): where one is
    missing, the first or last day that has conversations (today when there are none),
    so that the charts do not show weeks of empty days. Also the errors to show."""
    first, last = active or (today, today)
    errors: dict[str, str] = {}
    chosen: dict[str, dt.date | None] = {}
    for key in ("from", "to"):
        raw = (query.get(key) or "").strip()
        chosen[key] = parse_date(raw)
        if raw and chosen[key] is None:
            errors[key] = DATE_ERROR
    start, end = chosen["from"] or first, chosen["to"] or last
    if start > end:
        if chosen["from"] and chosen["to"]:
            errors["to"] = "Slutdatumet måste vara samma som eller efter startdatumet."
            start, end = end, start
        elif chosen["from"]:
            end = start
        else:
            start = end
    if (end - start).days >= MAX_DAYS:
        if chosen["from"] and chosen["to"]:
            errors["from"] = f"Välj högst {MAX_DAYS} dagar åt gången."
        start = end - dt.timedelta(days=MAX_DAYS - 1)
    return start, end, errors


def compute(conversations: Iterable[Conversation], date_from: dt.date, date_to: dt.date) -> Statistics:
    start, end = day_start(date_from), day_start(date_to + dt.timedelta(days=1))
    days: dict[dt.date, Day] = {}
    day = date_from
    while day <= date_to:
        days[day] = Day(day=day)
        day += dt.timedelta(days=1)
    stats = Statistics(date_from=date_from, date_to=date_to, days=list(days.values()))
    senders_per_day: dict[dt.date, set[str]] = {d: set() for d in days}
    senders: set[str] = set()
    senders_per_language: dict[str, set[str]] = {code: set() for code in LANGUAGES}
    intents: Counter = Counter()
    unanswered: Counter = Counter()
    wording: dict[str, str] = {}
    for conversation in conversations:
        for line in conversation.lines:
            if not start <= line.at < end or line.kind not in ("user", "feedback"):
                continue
            # each count goes to the whole period and to the line's language
            counted = (stats, stats.by_language[line.language])
            if line.kind == "feedback":
                for figures in counted:
                    figures.positive += line.feedback == "positive"
                    figures.negative += line.feedback == "negative"
                continue
            today = days[local_date(line.at)]
            senders.add(conversation.sender_id)
            senders_per_language[line.language].add(conversation.sender_id)
            senders_per_day[today.day].add(conversation.sender_id)
            if line.intent:
                intents[line.intent] += 1
            for figures in (*counted, today):
                figures.messages += 1
                figures.typed += line.typed
                figures.fallback += line.typed and line.fallback
                figures.out_of_scope += line.typed and line.out_of_scope
            if not line.typed:
                continue
            if line.fallback or line.out_of_scope:
                key = text_key(line.text)
                unanswered[key] += 1
                wording.setdefault(key, squash(line.text))
    for d, who in senders_per_day.items():
        days[d].conversations = len(who)
    stats.conversations = len(senders)
    for code, who in senders_per_language.items():
        stats.by_language[code].conversations = len(who)
    stats.top_intents = sorted(intents.items(), key=lambda item: (-item[1], item[0]))[:TOP]
    stats.unanswered = [(wording[key], count) for key, count in
                        sorted(unanswered.items(), key=lambda item: (-item[1], item[0]))[:TOP]]
    return stats
