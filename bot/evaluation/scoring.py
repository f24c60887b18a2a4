"""Runs conversations against a bot and scores them: the same scorer for
`make eval` and for the portal's check of a new model."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

from bot.evaluation.cases import Conversation
from bot.evaluation.judge import Judge, Reply

Send = Callable[[str, str], Reply]  # (sender id, message) → the bot's replies


@dataclass
class TurnResult:
    message: str
    passed: bool
    reasons: list[str]
    reply: str


@dataclass
class ConversationResult:
    id: str
    group: str
    language: str
    multi_turn: bool
    passed: bool
    turns: list[TurnResult] = field(default_factory=list)


def run_conversation(send: Send, judge: Judge, talk: Conversation) -> ConversationResult:
    sender = f"eval-{uuid.uuid4().hex[:12]}"
    result = ConversationResult(talk.id, talk.group, talk.language, talk.multi_turn, True)
    for turn in talk.turns:
        reply = send(sender, turn.message)
        verdict = judge.verdict(reply, turn.expect, turn.forbid, turn.pii_reminder)
        text = "\n".join(m.get("text") or "" for m in reply)
        result.turns.append(TurnResult(turn.message, verdict.passed, list(verdict.reasons), text))
        result.passed = result.passed and verdict.passed
    return result


def run_all(send: Send, judges: dict[str, Judge], talks: list[Conversation], parallel: int = 4,
            done: Callable[[ConversationResult], None] | None = None) -> list[ConversationResult]:
    """Every conversation, each judged against the store in its own language;
    `done` hears of each as it ends. On an error (or an interrupt) the
    conversations not yet started are dropped instead of run."""

    def run(talk: Conversation) -> ConversationResult:
        result = run_conversation(send, judges[talk.language], talk)
        if done is not None:
            done(result)
        return result

    pool = ThreadPoolExecutor(parallel)
    try:
        return list(pool.map(run, talks))
    finally:
        pool.shutdown(cancel_futures=True)


@dataclass(frozen=True)
class GroupScore:
    language: str
    kind: str  # "single-turn" or "multi-turn"
    group: str
    passed: int
    total: int

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 0.0


def scores(results: list[ConversationResult]) -> list[GroupScore]:
    """Pass counts per language, kind and group, then a total per language and kind."""
    counts: dict[tuple[str, str, str], list[int]] = {}
    for result in results:
        kind = "multi-turn" if result.multi_turn else "single-turn"
        for key in ((result.language, kind, result.group), (result.language, kind, "total")):
            tally = counts.setdefault(key, [0, 0])
            tally[0] += result.passed
            tally[1] += 1
    ordered = sorted(counts, key=lambda k: (k[0] != "sv", k[0], k[1], k[2] == "total", k[2]))
    return [GroupScore(*key, *counts[key]) for key in ordered]


def table(group_scores: list[GroupScore]) -> str:
    """The per-group table as Markdown (printed, and pasted into the README)."""
    lines = ["| language | set | group | passed | rate |", "|---|---|---|---|---|"]
    for s in group_scores:
        name = f"**{s.group}**" if s.group == "total" else s.group
        lines.append(f"| {s.language} | {s.kind} | {name} | {s.passed}/{s.total} | {s.rate:.1%} |")
    return "\n".join(lines)


def as_json(results: list[ConversationResult]) -> dict:
    return {
        "scores": [asdict(s) | {"rate": round(s.rate, 4)} for s in scores(results)],
        "failures": [asdict(r) for r in results if not r.passed],
    }
