"""Measuring one model for the quality gate, in the report layout of
bot/retraining/gate.py.

The model is served by its own stack (bot/evaluation/stack.py, as `make eval`
starts it) and measured three ways, with the scorers the tests and `make eval`
use: held-out NLU macro-F1 per language (bot/evaluation/heldout.py), the
frozen evaluation per group (bot/evaluation/scoring.py), and the share of
other authorities' questions declined (bot/evaluation/external.py).
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bot.conversations.languages import LANGUAGES
from bot.evaluation import cases
from bot.evaluation.cases import Conversation
from bot.evaluation.external import EXTERNAL, questions, seed_declines
from bot.evaluation.heldout import FILES, score
from bot.evaluation.scoring import ConversationResult, run_all
from bot.evaluation.stack import evaluation_bot

Report = dict[str, Any]
Progress = Callable[[float, str], None]  # (share done 0–1, what happens now, in Swedish)

STARTED = 0.2  # of a measurement's time, about, goes to starting the bot
HELDOUT_COST = 20  # the held-out examples of one language take about as long as this many conversations


@dataclass(frozen=True)
class Scope:
    """What is measured; the default is everything. Tests measure less."""
    languages: tuple[str, ...] = tuple(LANGUAGES)
    groups: tuple[str, ...] = ()  # evaluation groups ("topics", …); empty: every group
    limit: int | None = None  # at most this many conversations per group, and external questions

    def as_json(self) -> dict[str, Any]:
        return {"languages": list(self.languages), "groups": list(self.groups), "limit": self.limit}

    def conversations(self) -> list[Conversation]:
        chosen: list[Conversation] = []
        taken: dict[tuple[str, str], int] = {}
        for language in self.languages:
            for talk in cases.load(language):
                key = (language, talk.group)
                if self.groups and talk.group not in self.groups:
                    continue
                if self.limit is not None and taken.get(key, 0) >= self.limit:
                    continue
                taken[key] = taken.get(key, 0) + 1
                chosen.append(talk)
        return chosen

    def external(self) -> list[str]:
        """The external questions (Swedish), when the scope has Swedish and the file is there."""
        if "sv" not in self.languages or not EXTERNAL.exists():
            return []
        return questions()[:self.limit] if self.limit is not None else questions()


FULL = Scope()


class _Steps:
    """Turns finished work into a share of the measurement, from any thread."""

    def __init__(self, total: float, conversations: int, progress: Progress) -> None:
        self.total, self.conversations, self.progress = max(total, 1.0), conversations, progress
        self.done = 0.0
        self.talked = 0
        self._lock = threading.Lock()

    def add(self, amount: float, detail: str) -> None:
        with self._lock:
            self.done += amount
            self.progress(STARTED + (1 - STARTED) * min(1.0, self.done / self.total), detail)

    def conversation(self, _result: ConversationResult) -> None:
        with self._lock:
            self.talked += 1
            talked = self.talked
        self.add(1, f"Utvärderingen: {talked} av {self.conversations} samtal")


def _evaluation(results: list[ConversationResult]) -> dict[str, Any]:
    groups: dict[str, dict[str, int]] = {}
    conversations = {}
    for result in results:
        name = f"{result.language}/{result.group}"
        tally = groups.setdefault(name, {"passed": 0, "total": 0})
        tally["passed"] += result.passed
        tally["total"] += 1
        case: dict[str, Any] = {"group": name, "passed": result.passed,
                                "message": result.turns[0].message if result.turns else ""}
        if not result.passed:
            case["reasons"] = [reason for turn in result.turns for reason in turn.reasons][:5]
        conversations[result.id] = case
    return {"groups": dict(sorted(groups.items())), "conversations": conversations}


def measure(model_path: Path, scope: Scope = FULL, progress: Progress | None = None) -> Report:
    """The model's report: held-out macro-F1 per language, the frozen evaluation per
    group with each conversation's result, and the external out-of-scope share."""
    started = time.monotonic()
    say = progress or (lambda _share, _detail: None)
    talks, external = scope.conversations(), scope.external()
    steps = _Steps(len(scope.languages) * HELDOUT_COST + len(talks) + len(external), len(talks), say)
    say(0.0, "Startar boten med modellen")
    report: Report = {"scope": scope.as_json()}
    with evaluation_bot(model_path, say=lambda _line: None, log_prefix="retraining-", api=True) as bot:
        say(STARTED, "Testfrågor som modellen aldrig tränat på")
        report["heldout"] = {}
        for language in scope.languages:
            result = score(bot.parse, FILES[language])
            report["heldout"][language] = {"macro_f1": round(result.macro_f1, 4), "examples": result.examples,
                                           "errors": result.errors}
            steps.add(HELDOUT_COST, f"Testfrågor på {LANGUAGES[language][1]} klara")
        results = run_all(bot.send, bot.judges(list(scope.languages)), talks, done=steps.conversation)
        report["evaluation"] = _evaluation(results)
        bot.without_staff_answers()  # as tests/e2e/test_out_of_scope_external.py asks them
        declines = seed_declines()
        outcomes = []
        for number, question in enumerate(external, 1):
            outcomes.append(declines.outcome(question, bot.text(f"ext-{number}-{time.monotonic_ns()}", question)))
            steps.add(1, f"Frågor utanför ämnet: {number} av {len(external)}")
    if outcomes:
        report["external"] = {"declined": sum(o.declined for o in outcomes), "total": len(outcomes),
                              "answered": [asdict(o) for o in outcomes if not o.declined]}
    report["seconds"] = round(time.monotonic() - started)
    return report
