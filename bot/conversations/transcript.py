"""From tracker-store events to conversations an admin can read.

A conversation is everything the tracker store holds for one sender id (the
widget makes a new random id per browser tab). Its lines are, in order:

* `user`: a resident's message, with the intent Rasa predicted and its
  confidence. When the FallbackClassifier replaced the intent with
  `nlu_fallback`, `guess` and `guess_confidence` are the best real intent
  (the classifier reports its threshold as the fallback's confidence).
  A button click arrives as a payload ("/ask_why"): `payload` is then True.
* `feedback`: the widget's thumbs up or down (`/feedback{"value": …}` with
  metadata `{"feedback": {"value", "message_index", "bot_text"}}`), linked to
  the bot line it rates.
* `bot`: a reply (text and button titles).

Each user and feedback line has the `language` the REST channel stored with it
(bot/conversations/languages.py); a bot line has the language of the message it
answers, the one the reply was written in.
* `action`: an action the bot ran (action_listen and the session start are
  left out), with the policy that chose it.
* `session`: the start of a new Rasa session (after 60 idle minutes).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.conversations.languages import DEFAULT, event_language
FALLBACK_INTENT = "nlu_fallback"
OUT_OF_SCOPE_INTENT = "out_of_scope"
FEEDBACK_INTENT = "feedback"
FALLBACK_ACTIONS = frozenset({"action_default_fallback", "action_rephrase", "action_two_stage_fallback"})
OUT_OF_SCOPE_ACTIONS = frozenset({"action_out_of_scope"})
HIDDEN_ACTIONS = frozenset({"action_listen", "action_session_start"})
FEEDBACK_VALUES = ("positive", "negative")

_SPACES = re.compile(r"\s+")


def squash(text: str) -> str:
    """Single spaces, no surrounding space."""
    return _SPACES.sub(" ", text or "").strip()


def text_key(text: str) -> str:
    """What makes two messages "the same": case, spacing and end punctuation aside."""
    return squash(text).casefold().strip(" .!?…")


@dataclass
class Line:
    kind: str  # "user", "feedback", "bot", "action" or "session"
    event_id: int
    at: float
    text: str = ""
    intent: str | None = None
    confidence: float | None = None
    guess: str | None = None
    guess_confidence: float | None = None
    payload: bool = False
    action: str | None = None
    policy: str | None = None
    buttons: list[str] = field(default_factory=list)
    feedback: str | None = None
    rated_event_id: int | None = None
    rated_text: str = ""
    reply_action: str | None = None  # the first action the bot ran for this message
    language: str = DEFAULT

    @property
    def typed(self) -> bool:
        """A message the resident wrote (not a button click)."""
        return self.kind == "user" and not self.payload

    @property
    def best_intent(self) -> str | None:
        return self.guess if self.intent == FALLBACK_INTENT and self.guess else self.intent

    @property
    def best_confidence(self) -> float | None:
        """The classifier's own confidence in its best real intent."""
        if self.intent == FALLBACK_INTENT and self.guess_confidence is not None:
            return self.guess_confidence
        return self.confidence

    @property
    def fallback(self) -> bool:
        """Not understood: nlu_fallback, or a fallback action answered it (Rasa Core's too)."""
        return self.intent == FALLBACK_INTENT or self.reply_action in FALLBACK_ACTIONS

    @property
    def out_of_scope(self) -> bool:
        return self.intent == OUT_OF_SCOPE_INTENT or self.reply_action in OUT_OF_SCOPE_ACTIONS


@dataclass
class Conversation:
    sender_id: str
    lines: list[Line]
    event_count: int
    first_at: float
    last_at: float
    last_event_id: int

    @property
    def messages(self) -> list[Line]:
        """The resident's messages and button clicks (not the feedback clicks)."""
        return [line for line in self.lines if line.kind == "user"]

    @property
    def typed(self) -> list[Line]:
        return [line for line in self.lines if line.typed]

    @property
    def bot_lines(self) -> list[Line]:
        return [line for line in self.lines if line.kind == "bot"]

    @property
    def feedback(self) -> list[Line]:
        return [line for line in self.lines if line.kind == "feedback"]

    @property
    def intents(self) -> list[str]:
        return sorted({line.intent for line in self.messages if line.intent})

    @property
    def languages(self) -> list[str]:
        """The languages the resident wrote in, in the order they first did."""
        return list(dict.fromkeys(line.language for line in self.messages))

    @property
    def min_confidence(self) -> float | None:
        """The lowest confidence of any message the resident typed."""
        values = [line.best_confidence for line in self.typed if line.best_confidence is not None]
        return min(values) if values else None

    @property
    def fallback(self) -> bool:
        """The bot fell back at least once."""
        return any(line.fallback for line in self.messages)

    @property
    def out_of_scope(self) -> bool:
        return any(line.out_of_scope for line in self.messages)

    @property
    def negative(self) -> int:
        return sum(1 for line in self.feedback if line.feedback == "negative")

    @property
    def positive(self) -> int:
        return sum(1 for line in self.feedback if line.feedback == "positive")

    def first_text(self) -> str:
        typed = self.typed
        return typed[0].text if typed else (self.messages[0].text if self.messages else "")

    def line(self, event_id: int) -> Line | None:
        return next((line for line in self.lines if line.event_id == event_id), None)

    def rated_message(self, feedback: Line) -> Line | None:
        """The resident's typed message that led to the rated reply."""
        limit = feedback.rated_event_id or feedback.event_id
        before = [line for line in self.lines if line.typed and line.event_id < limit]
        return before[-1] if before else None


def _load(data: str | None) -> dict[str, Any]:
    try:
        value = json.loads(data or "{}")
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _float(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _feedback_value(event: dict[str, Any]) -> str | None:
    metadata = event.get("metadata") or {}
    given = metadata.get("feedback") if isinstance(metadata, dict) else None
    value = given.get("value") if isinstance(given, dict) else None
    if value not in FEEDBACK_VALUES:
        entities = (event.get("parse_data") or {}).get("entities") or []
        value = next((e.get("value") for e in entities
                      if isinstance(e, dict) and e.get("entity") == "value"), None)
    return value if value in FEEDBACK_VALUES else None


def _rated_text(event: dict[str, Any]) -> str:
    metadata = event.get("metadata") or {}
    given = metadata.get("feedback") if isinstance(metadata, dict) else None
    text = given.get("bot_text") if isinstance(given, dict) else None
    return text if isinstance(text, str) else ""


def _user_line(row: Any, event: dict[str, Any]) -> Line:
    parse = event.get("parse_data") or {}
    intent = parse.get("intent") or {}
    text = event.get("text") or ""
    line = Line(
        kind="user", event_id=row.id, at=float(row.timestamp or event.get("timestamp") or 0),
        text=text, intent=intent.get("name") or row.intent_name,
        confidence=_float(intent.get("confidence")), payload=text.startswith("/"),
        language=event_language(event),
    )
    if line.intent == FALLBACK_INTENT:
        ranking = [r for r in parse.get("intent_ranking") or [] if isinstance(r, dict)]
        best = next((r for r in ranking if r.get("name") != FALLBACK_INTENT), None)
        if best:
            line.guess, line.guess_confidence = best.get("name"), _float(best.get("confidence"))
    if line.intent == FEEDBACK_INTENT and line.payload:
        line.kind = "feedback"
        line.feedback = _feedback_value(event)
        line.rated_text = _rated_text(event)
    return line


def _link_feedback(lines: list[Line]) -> None:
    """Point each feedback at the bot line it rates (by the text the widget sent)."""
    for index, line in enumerate(lines):
        if line.kind != "feedback":
            continue
        earlier = [other for other in lines[:index] if other.kind == "bot"]
        rated = squash(line.rated_text)
        match = None
        if rated:
            match = next((bot for bot in reversed(earlier)
                          if squash(bot.text) and (squash(bot.text) in rated or rated in squash(bot.text))), None)
        match = match or (earlier[-1] if earlier else None)
        if match is not None:
            line.rated_event_id = match.event_id
            line.rated_text = line.rated_text or match.text


def _link_replies(lines: list[Line]) -> None:
    """Note on each resident message the first action the bot ran for it."""
    current: Line | None = None
    for line in lines:
        if line.kind == "user":
            current = line
        elif line.kind == "feedback":
            current = None
        elif line.kind == "action" and current is not None:
            current.reply_action = line.action
            current = None


def build(sender_id: str, rows: Iterable[Any]) -> Conversation:
    """A conversation from its event rows (ordered by id)."""
    lines: list[Line] = []
    count, first, last, top = 0, None, None, 0
    for row in rows:
        count += 1
        stamp = float(row.timestamp or 0)
        first = stamp if first is None else min(first, stamp)
        last = stamp if last is None else max(last, stamp)
        top = max(top, row.id)
        kind = row.type_name
        if kind not in ("user", "bot", "action", "session_started"):
            continue
        event = _load(row.data)
        if kind == "user":
            lines.append(_user_line(row, event))
        elif kind == "bot":
            data = event.get("data") or {}
            buttons = [str(b.get("title") or b.get("payload") or "")
                       for b in (data.get("buttons") or []) if isinstance(b, dict)]
            answered = next((line.language for line in reversed(lines) if line.kind == "user"), DEFAULT)
            lines.append(Line(kind="bot", event_id=row.id, at=stamp, text=event.get("text") or "",
                              buttons=buttons, language=answered))
        elif kind == "action":
            name = event.get("name") or row.action_name
            if name and name not in HIDDEN_ACTIONS:
                lines.append(Line(kind="action", event_id=row.id, at=stamp, action=name,
                                  policy=event.get("policy"), confidence=_float(event.get("confidence"))))
        else:
            lines.append(Line(kind="session", event_id=row.id, at=stamp))
    _link_feedback(lines)
    _link_replies(lines)
    return Conversation(sender_id, lines, count, first or 0.0, last or 0.0, top)
