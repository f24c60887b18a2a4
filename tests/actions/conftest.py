"""Helpers to run an action on a made-up turn, as Rasa would call it."""
from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


def make_tracker(
    text: str,
    intent: str,
    entities: tuple[tuple[str, str], ...] = (),
    slots: dict[str, Any] | None = None,
    message: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
) -> Tracker:
    """A tracker whose latest message is `text`; `message` adds to it (spans, ranking, metadata)."""
    return Tracker(
        sender_id="test",
        slots=slots or {},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 0.95},
            "entities": [{"entity": name, "value": value} for name, value in entities],
            **(message or {}),
        },
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


class Turn:
    """What one action said and did for one resident message."""

    def __init__(self, action: Action, tracker: Tracker) -> None:
        self.dispatcher = CollectingDispatcher()
        self.events: list[dict[str, Any]] = action.run(self.dispatcher, tracker, {})

    @property
    def text(self) -> str:
        return "\n".join(m.get("text") or "" for m in self.dispatcher.messages)

    @property
    def responses(self) -> list[str]:
        return [m["response"] for m in self.dispatcher.messages if m.get("response")]

    def slot(self, name: str) -> Any:
        return next((e["value"] for e in self.events if e.get("name") == name), None)


@pytest.fixture
def turn(repo):
    """Run an action on a turn against the seeded test store."""

    def run(action: Action, text: str, intent: str, entities=(), slots=None, message=None, events=None) -> Turn:
        return Turn(action, make_tracker(text, intent, tuple(entities), slots, message, events))

    return run
