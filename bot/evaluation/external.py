"""Real questions from Swedish authorities' FAQ pages (/work/shared/external/),
written by nobody on this project and never trained on. None is about
Vänersborg's international work, so each must be declined: the out-of-scope
reply, the no-answer reply or the rephrase prompt, word for word.

tests/e2e/test_out_of_scope_external.py and the retraining's measurement share this.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.content import texts
from bot.content.bundle import load_bundle
from bot.paths import CONTENT_SEED_DIR, ROOT

EXTERNAL = ROOT.parent / "shared" / "external" / "swefaq_dev.jsonl"


def questions(path: Path = EXTERNAL) -> list[str]:
    return [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass(frozen=True)
class Outcome:
    question: str
    declined: bool
    leaked: list[str]  # facts about the international work given anyway
    reply: str


@dataclass(frozen=True)
class Declines:
    """The seed's declining replies, and the facts a declined question must not get."""
    replies: tuple[str, ...]
    facts: tuple[str, ...]

    def outcome(self, question: str, reply: str) -> Outcome:
        return Outcome(question, reply.strip() in self.replies,
                       [fact for fact in self.facts if fact.casefold() in reply.casefold()], reply)


def seed_declines() -> Declines:
    seed = load_bundle(CONTENT_SEED_DIR)
    bodies = {t["key"]: t["body"] for t in seed["topics"]}
    replies = (bodies["out_of_scope"], texts.defaults()["rephrase"], bodies["no_answer"])
    facts = [p["name"] for p in seed["partners"]] + [f["title"] for f in seed["focus_areas"]]
    return Declines(tuple(r.strip() for r in replies), (*facts, "kommunfullmäktige", "fokusområde"))
