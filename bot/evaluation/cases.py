"""The evaluation files as plain data: single-turn cases and conversations."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.paths import ROOT

EVAL_DIR = ROOT / "tests" / "eval"
LANGUAGE_DIRS = {"sv": EVAL_DIR, "en": EVAL_DIR / "en"}


@dataclass(frozen=True)
class Turn:
    """One message of a resident (typed text or a clicked button) and what the reply must hold."""

    message: str
    expect: tuple[dict[str, Any], ...]
    forbid: tuple[str, ...] = ()
    pii_reminder: bool = False


@dataclass(frozen=True)
class Conversation:
    """A single-turn case is a conversation of one turn."""

    id: str
    group: str
    language: str
    turns: tuple[Turn, ...]
    multi_turn: bool


def _turn(raw: dict[str, Any]) -> Turn:
    message = raw.get("text") if raw.get("text") is not None else raw.get("payload")
    if not isinstance(message, str):
        raise ValueError(f"a turn needs a text or a payload: {raw!r}")
    return Turn(
        message=message,
        expect=tuple(raw.get("expect") or ()),
        forbid=tuple(str(f) for f in raw.get("forbid") or ()),
        pii_reminder=bool(raw.get("pii_reminder")),
    )


def _read(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def load(language: str = "sv") -> list[Conversation]:
    """Every single-turn case and conversation of one language, in file order."""
    folder = LANGUAGE_DIRS[language]
    found: list[Conversation] = []
    for case in _read(folder / "single_turn.yml").get("cases", []):
        found.append(Conversation(case["id"], case["group"], language, (_turn(case),), False))
    for talk in _read(folder / "multi_turn.yml").get("conversations", []):
        turns = tuple(_turn(turn) for turn in talk["turns"])
        found.append(Conversation(talk["id"], talk["group"], language, turns, True))
    return found


def qa_fixture() -> list[dict[str, Any]]:
    """The staff Q&A entries the evaluation stack holds besides the seed content."""
    return list(_read(EVAL_DIR / "qa_fixture.yml").get("qa", []))


def texts(language: str | None = None) -> list[str]:
    """Every line a resident types in the evaluation (for the overlap check)."""
    languages = [language] if language else list(LANGUAGE_DIRS)
    return [
        turn.message
        for lang in languages
        for talk in load(lang)
        for turn in talk.turns
        if not turn.message.startswith("/")
    ]
