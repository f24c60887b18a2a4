"""Conversations written to a tracker database by Rasa's own SQLTrackerStore
(the same code path as the running bot), with timestamps under the test's
control. Used by the conversation and review tests.

A conversation is a list of steps:

    ("user", text, intent, confidence)          a typed message
    ("fallback", text, best_intent, confidence) nlu_fallback (FallbackClassifier, threshold 0.7)
    ("button", "/ask_why")                      a button click (payload)
    ("bot", text)                               a reply (after its action)
    ("action", name)                            an action, e.g. "action_rephrase"
    ("feedback", "negative"|"positive", bot_text) the widget's feedback

A user, fallback or feedback step may end with a language ("sv" or "en"): the
REST channel's `metadata["language"]`; without one the event has none, as
conversations from before English.
    ("session",)                                a new Rasa session
    ("wait", seconds)                           time passes
"""
from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

FALLBACK_THRESHOLD = 0.7

Step = tuple[Any, ...]


def _parse_data(text: str, intent: str, confidence: float, ranking: list[dict[str, Any]],
                metadata: dict[str, Any]) -> dict[str, Any]:
    return {"intent": {"name": intent, "confidence": confidence}, "entities": [], "text": text,
            "message_id": None, "metadata": metadata, "intent_ranking": ranking}


def events_for(start: float, steps: Sequence[Step]) -> list:
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered

    now = start
    events: list = []

    def tick(seconds: float = 1.0) -> float:
        nonlocal now
        now += seconds
        return now

    def session() -> None:
        events.extend([ActionExecuted("action_session_start", timestamp=tick(0.01)),
                       SessionStarted(timestamp=tick(0.01)),
                       ActionExecuted("action_listen", timestamp=tick(0.01))])

    def language(step: Step, size: int) -> dict[str, Any]:
        return {"language": step[size]} if len(step) > size else {}

    session()
    for step in steps:
        kind = step[0]
        if kind == "wait":
            tick(step[1])
        elif kind == "session":
            session()
        elif kind in ("user", "fallback", "button"):
            if kind == "user":
                text, intent, confidence = step[1], step[2], step[3]
                ranking = [{"name": intent, "confidence": confidence}]
            elif kind == "fallback":
                text, intent, confidence = step[1], "nlu_fallback", FALLBACK_THRESHOLD
                ranking = [{"name": "nlu_fallback", "confidence": FALLBACK_THRESHOLD},
                           {"name": step[2], "confidence": step[3]}]
            else:
                text, intent, confidence = step[1], step[1].lstrip("/"), 1.0
                ranking = [{"name": intent, "confidence": 1.0}]
            metadata = language(step, 2 if kind == "button" else 4)
            data = _parse_data(text, intent, confidence, ranking, metadata)
            events.append(UserUttered(text, intent=data["intent"], parse_data=data, timestamp=tick(),
                                      input_channel="rest", metadata=metadata or None))
        elif kind == "feedback":
            value, bot_text = step[1], step[2]
            metadata = {"feedback": {"value": value, "message_index": 1, "bot_text": bot_text},
                        "widget": {"page": "/"}, **language(step, 3)}
            text = "/feedback" + json.dumps({"value": value})
            data = _parse_data(text, "feedback", 1.0, [{"name": "feedback", "confidence": 1.0}], metadata)
            data["entities"] = [{"entity": "value", "value": value, "start": 9, "end": len(text)}]
            events.append(UserUttered(text, intent=data["intent"], parse_data=data, timestamp=tick(),
                                      input_channel="rest", metadata=metadata))
            events.append(ActionExecuted("utter_feedback_thanks", policy="RulePolicy", confidence=1.0,
                                         timestamp=tick(0.01)))
            events.append(BotUttered("Tack för din återkoppling!", timestamp=tick(0.01)))
            events.append(ActionExecuted("action_listen", timestamp=tick(0.01)))
        elif kind == "action":
            events.append(ActionExecuted(step[1], policy="RulePolicy", confidence=1.0, timestamp=tick(0.01)))
        elif kind == "bot":
            events.append(BotUttered(step[1], timestamp=tick(0.01)))
            events.append(ActionExecuted("action_listen", policy="RulePolicy", confidence=1.0,
                                         timestamp=tick(0.01)))
        else:
            raise ValueError(f"unknown step {step!r}")
    return events


def write_conversations(db: Path, conversations: dict[str, tuple[float, Sequence[Step]]]) -> None:
    """Store each sender's conversation (start time, steps) with Rasa's SQLTrackerStore."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.trackers import DialogueStateTracker

    store = SQLTrackerStore(dialect="sqlite", db=str(db))

    async def save_all() -> None:
        for sender, (start, steps) in conversations.items():
            tracker = DialogueStateTracker.from_events(sender, events_for(start, steps))
            await store.save(tracker)

    # in a thread of its own: callers may be inside a running event loop
    # (async tests, or Playwright's sync API in the main thread)
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, save_all()).result()
    store.engine.dispose()
