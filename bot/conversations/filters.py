"""Filters on the conversation list (and on the CSV/JSON export of it).

Every filter is a query-string parameter, so a filtered list can be
bookmarked, and the export links carry the same filters:

from, to    a date (YYYY-MM-DD, Swedish time): the resident wrote something
            on that day or later / on that day or earlier
q           free text in what the resident wrote or the bot replied (case
            does not matter), or an exact sender id
intent      a resident message was classified as this intent (also
            nlu_fallback and out_of_scope)
under       the lowest confidence of a typed message is below this many per cent
hit         fallback | out_of_scope | any (either of them)
feedback    negative | positive | any
status      ny | granskad
tag         the conversation carries this tag
lang        sv | en: the resident wrote at least one message in this language
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from collections.abc import Mapping
from urllib.parse import urlencode

from bot.conversations.languages import parse_language
from bot.conversations.models import STATUSES
from bot.conversations.transcript import Conversation, squash
from bot.dates import day_start
HITS = {"fallback": "Reservsvar (boten förstod inte)", "out_of_scope": "Utanför ämnet",
        "any": "Reservsvar eller utanför ämnet"}
FEEDBACK = {"negative": "Negativ återkoppling", "positive": "Positiv återkoppling", "any": "Någon återkoppling"}


DATE_ERROR = "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-11-27."


def parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        return None


@dataclass(frozen=True)
class ConversationFilter:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""
    intent: str = ""
    under: float | None = None  # 0..1
    hit: str = ""
    feedback: str = ""
    status: str = ""
    tag: str = ""
    language: str = ""
    errors: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> "ConversationFilter":
        """Parsed from a query string; unusable values are dropped and reported in `errors`."""
        errors: dict[str, str] = {}
        values = {}
        for name, key in (("date_from", "from"), ("date_to", "to")):
            raw = (query.get(key) or "").strip()
            values[name] = parse_date(raw)
            if raw and values[name] is None:
                errors[key] = DATE_ERROR
        raw = (query.get("under") or "").strip().replace(",", ".").rstrip("%").strip()
        under = None
        if raw:
            try:
                under = float(raw)
                if not 0 <= under <= 100:
                    raise ValueError
                under /= 100
            except ValueError:
                errors["under"] = "Skriv ett tal mellan 0 och 100 (procent)."
                under = None
        hit = query.get("hit", "")
        feedback = query.get("feedback", "")
        status = query.get("status", "")
        language, language_error = parse_language(query.get("lang"))
        if language_error:
            errors["lang"] = language_error
        if values["date_from"] and values["date_to"] and values["date_from"] > values["date_to"]:
            errors["to"] = "Slutdatumet måste vara samma som eller efter startdatumet."
        return cls(
            date_from=values["date_from"], date_to=values["date_to"],
            q=squash(query.get("q", ""))[:200], intent=(query.get("intent") or "").strip()[:100],
            under=under, hit=hit if hit in HITS else "", feedback=feedback if feedback in FEEDBACK else "",
            status=status if status in STATUSES else "", tag=squash(query.get("tag", ""))[:60],
            language=language, errors=tuple(errors.items()),
        )

    @property
    def active(self) -> bool:
        return bool(self.params())

    def params(self) -> dict[str, str]:
        """The filter as query parameters (only those that are set)."""
        params = {
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "q": self.q, "intent": self.intent,
            "under": f"{self.under * 100:g}" if self.under is not None else "",
            "hit": self.hit, "feedback": self.feedback, "status": self.status, "tag": self.tag,
            "lang": self.language,
        }
        return {key: value for key, value in params.items() if value}

    def query_string(self, **extra: str) -> str:
        return urlencode({**self.params(), **{k: v for k, v in extra.items() if v}})

    def without(self, name: str) -> "ConversationFilter":
        return replace(self, **{name: None if name in ("date_from", "date_to", "under") else ""})

    # ------------------------------------------------------------ matching

    def matches(self, conversation: Conversation, review: Mapping | None = None) -> bool:
        review = review or {}
        if self.date_from or self.date_to:
            start = day_start(self.date_from) if self.date_from else float("-inf")
            end = day_start(self.date_to + dt.timedelta(days=1)) if self.date_to else float("inf")
            if not any(start <= line.at < end for line in conversation.lines if line.kind in ("user", "feedback")):
                return False
        if self.q and not self._text_matches(conversation):
            return False
        if self.intent and self.intent not in conversation.intents:
            return False
        if self.under is not None:
            lowest = conversation.min_confidence
            if lowest is None or lowest >= self.under:
                return False
        if self.hit == "fallback" and not conversation.fallback:
            return False
        if self.hit == "out_of_scope" and not conversation.out_of_scope:
            return False
        if self.hit == "any" and not (conversation.fallback or conversation.out_of_scope):
            return False
        if self.feedback == "negative" and not conversation.negative:
            return False
        if self.feedback == "positive" and not conversation.positive:
            return False
        if self.feedback == "any" and not conversation.feedback:
            return False
        if self.status and review.get("status", "ny") != self.status:
            return False
        if self.language and self.language not in conversation.languages:
            return False
        if self.tag and self.tag.casefold() not in [t.casefold() for t in review.get("tags", [])]:
            return False
        return True

    def _text_matches(self, conversation: Conversation) -> bool:
        if self.q == conversation.sender_id:
            return True
        needle = self.q.casefold()
        return any(needle in squash(line.text).casefold()
                   for line in conversation.lines if line.kind in ("user", "bot") and line.text)


def apply(conversations: list[Conversation], reviews: Mapping[str, Mapping],
          flt: ConversationFilter) -> list[Conversation]:
    """The matching conversations, newest activity first."""
    found = [c for c in conversations if flt.matches(c, reviews.get(c.sender_id))]
    found.sort(key=lambda c: (c.last_at, c.last_event_id), reverse=True)
    return found
