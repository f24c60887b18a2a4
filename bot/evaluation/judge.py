"""Whether a reply answers what a case expects, judged against the live content store.

Expectations name content ("topic: policy", "partner: Ravenna"), never reply
wording, so staff can reword an answer without breaking the evaluation: the
judge looks the expected content up in the store the bot answers from.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.content.markup import to_plain_text
from bot.content.repository import ContentRepository

Reply = list[dict[str, Any]]
# Ways the bot says "the page does not say" (Swedish and English).
HONEST = (
    "ingen information", "ingen uppgift", "inga uppgifter", "anger inte", "anger inget",
    "anger ingen", "räknar inte upp", "namnger inte", "säger inte", "säger inget",
    "framgår inte", "har inte", "finns inte", "inga samarbetsparter",
    "no information", "does not say", "doesn't say", "does not name", "does not list", "gives no",
    "does not give",
    "not mentioned", "no details",
)
PII_REMINDER = ("personuppgift", "personal data", "personal information", "personal details")


def fold(text: str) -> str:
    """Case, quotes and white space do not count when comparing a reply with content."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = re.sub(r"[”“\"'’]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def first_sentence(text: str) -> str:
    plain = to_plain_text(text).strip()
    return re.split(r"(?<=[.!?:])\s", plain, maxsplit=1)[0]


@dataclass(frozen=True)
class Verdict:
    passed: bool
    reasons: tuple[str, ...]


class Judge:
    """Checks replies against expectations; `reference` answers a payload
    ("/greet") with the live bot's reply, for the bot's own sentences."""

    def __init__(self, repo: ContentRepository, reference: Callable[[str], Reply]) -> None:
        self._repo = repo
        self._reference = reference
        self._references: dict[str, str] = {}
        self._checks: dict[str, Callable[[Any, str, list[str]], str | None]] = {
            "topic": self._topic,
            "focus_areas": self._focus_areas,
            "focus_area": self._focus_area,
            "focus_area_out_of_range": self._out_of_range,
            "partners": self._partners,
            "partner": self._partner,
            "partner_country": self._partner_country,
            "partner_continent": self._partner_continent,
            "twin_towns": self._twin_towns,
            "unknown_place": self._unknown_place,
            "honest_unknown": self._honest,
            "out_of_scope": self._out_of_scope,
            "smalltalk": self._smalltalk,
            "qa": self._qa,
        }
        self._qa_answers: dict[str, str] = {}

    def add_qa(self, key: str, answer: str) -> None:
        self._qa_answers[key] = answer

    def verdict(self, reply: Reply, expect: tuple[dict[str, Any], ...], forbid: tuple[str, ...] = (),
                pii_reminder: bool = False) -> Verdict:
        text = fold("\n".join(m.get("text") or "" for m in reply))
        payloads = [b.get("payload", "") for m in reply for b in m.get("buttons") or []]
        reasons: list[str] = []
        for position, expectation in enumerate(expect):
            ((name, value),) = expectation.items()
            check = self._checks.get(name)
            if check is None:
                reasons.append(f"unknown expectation {name!r}")
                continue
            problem = check(value, text, payloads)
            if problem and position > 0 and self._offered(name, value, payloads):
                problem = None  # a second question may be offered as a button
            if problem:
                reasons.append(f"{name}={value!r}: {problem}")
        for word in forbid:
            if fold(word) in text:
                reasons.append(f"repeats forbidden text {word!r}")
        if pii_reminder and not any(marker in text for marker in PII_REMINDER):
            reasons.append("no reminder about personal data")
        if not text:
            reasons.append("empty reply")
        return Verdict(not reasons, tuple(reasons))

    # -- helpers -------------------------------------------------------------
    @staticmethod
    def _offered(name: str, value: Any, payloads: list[str]) -> bool:
        wanted = {"topic": f"/ask_{value}", "focus_areas": "/ask_focus_areas", "partners": "/ask_partners"}
        target = wanted.get(name)
        return bool(target) and any(p.split("{")[0] == target for p in payloads)

    def _reference_text(self, payload: str) -> str:
        if payload not in self._references:
            self._references[payload] = fold("\n".join(m.get("text") or "" for m in self._reference(payload)))
        return self._references[payload]

    def _contains_first_sentence(self, body: str, text: str) -> bool:
        return fold(first_sentence(body)) in text

    def _area_titles(self) -> list[str]:
        return [fold(area.title) for area in self._repo.focus_areas()]

    def _partner_named(self, name: str):
        wanted = fold(name)
        return next((p for p in self._repo.partners() if wanted in {fold(n) for n in p.names}), None)

    def _facts_in(self, text: str) -> list[str]:
        facts = [fold(p.name) for p in self._repo.partners()] + self._area_titles()
        return [fact for fact in facts if fact in text]

    # -- checks: each returns what is wrong, or None ------------------------------
    def _topic(self, key: str, text: str, _payloads: list[str]) -> str | None:
        topic = self._repo.topic(key)
        if topic is None:
            return "no such topic in the store"
        return None if self._contains_first_sentence(topic.body, text) else "topic answer missing"

    def _focus_areas(self, _value: Any, text: str, _payloads: list[str]) -> str | None:
        missing = [title for title in self._area_titles() if title not in text]
        return f"{len(missing)} focus areas missing" if missing else None

    def _focus_area(self, position: int, text: str, _payloads: list[str]) -> str | None:
        titles = self._area_titles()
        if not 1 <= int(position) <= len(titles):
            return "no such focus area"
        if titles[int(position) - 1] not in text:
            return "that focus area is not named"
        if all(title in text for title in titles):
            return "the whole list instead of the one area"
        return None

    def _out_of_range(self, _value: Any, text: str, _payloads: list[str]) -> str | None:
        count = len(self._area_titles())
        words = {6: ("sex", "six")}.get(count, ())
        said_count = str(count) in text or any(re.search(rf"\b{w}\b", text) for w in words)
        return None if said_count and ("fokusområd" in text or "focus area" in text) else "does not say how many there are"

    def _partners(self, names: list[str], text: str, _payloads: list[str]) -> str | None:
        if not names:
            return None if any(marker in text for marker in HONEST) else "does not say that none match"
        missing = [n for n in names if fold(n) not in text]
        extra = [p.name for p in self._repo.partners() if p.name not in names and fold(p.name) in text]
        if missing:
            return f"missing {missing}"
        return f"also lists {extra}" if extra else None

    def _partner(self, name: str, text: str, _payloads: list[str]) -> str | None:
        partner = self._partner_named(name)
        if partner is None:
            return "no such partner in the store"
        return None if self._contains_first_sentence(partner.description, text) else "partner description missing"

    def _partner_country(self, name: str, text: str, _payloads: list[str]) -> str | None:
        partner = self._partner_named(name)
        if partner is None:
            return "no such partner in the store"
        return None if fold(partner.country) in text else "country not stated"

    def _partner_continent(self, name: str, text: str, _payloads: list[str]) -> str | None:
        partner = self._partner_named(name)
        if partner is None:
            return "no such partner in the store"
        return None if fold(partner.continent) in text else "continent not stated"

    def _twin_towns(self, _value: Any, text: str, _payloads: list[str]) -> str | None:
        if not any(marker in text for marker in HONEST):
            return "does not say that the page names no twin towns"
        missing = [p.name for p in self._repo.partners() if fold(p.name) not in text]
        return f"does not name the contacts {missing}" if missing else None

    def _unknown_place(self, place: str, text: str, _payloads: list[str]) -> str | None:
        if fold(place) not in text:
            return "does not name the place"
        if not any(marker in text for marker in HONEST):
            return "no honest 'no information'"
        missing = [p.name for p in self._repo.partners() if fold(p.name) not in text]
        return f"does not list the known partners {missing}" if missing else None

    def _honest(self, _value: Any, text: str, _payloads: list[str]) -> str | None:
        return None if any(marker in text for marker in HONEST) else "no honest 'the page does not say'"

    def _out_of_scope(self, _value: Any, text: str, _payloads: list[str]) -> str | None:
        declines = [self._repo.topic(key) for key in ("out_of_scope", "no_answer")]
        declined = any(t and self._contains_first_sentence(t.body, text) for t in declines)
        rephrase = self._reference_text("/nonsense")
        declined = declined or bool(rephrase) and fold(first_sentence(rephrase)) in text
        if not declined:
            return "not declined"
        facts = self._facts_in(text)
        return f"declined but states facts {facts}" if facts else None

    def _smalltalk(self, name: str, text: str, _payloads: list[str]) -> str | None:
        payload = {"capabilities": "/ask_capabilities"}.get(name, f"/{name}")
        expected = self._reference_text(payload)
        if not expected:
            return f"no reference reply for {payload}"
        return None if fold(first_sentence(expected)) in text else "not the expected reply"

    def _qa(self, key: str, text: str, _payloads: list[str]) -> str | None:
        answer = self._qa_answers.get(key)
        if answer is None:
            return "no such Q&A fixture entry"
        return None if self._contains_first_sentence(answer, text) else "staff answer missing"
