"""Real questions from Swedish authorities' FAQ pages, written by nobody on this project.

None of them is about Vänersborg's international work, so each must get the
out-of-scope reply or the rephrase prompt, and none may be answered with facts
about partners, focus areas or the policy. (The retraining gate measures the
same share with the same check: bot/evaluation/external.py.)
"""
from __future__ import annotations

import json
import uuid
from dataclasses import asdict

import pytest

from bot.evaluation.external import EXTERNAL, questions, seed_declines
from bot.paths import RESULTS_DIR

pytestmark = pytest.mark.slow

MIN_SHARE = 0.97


def external_questions():
    if not EXTERNAL.exists():
        pytest.fail(f"{EXTERNAL} is missing: the shared/ folder must sit beside the repository")
    return questions()


def test_external_questions_get_the_out_of_scope_or_rephrase_reply(live_stack):
    declines = seed_declines()
    outcomes = [declines.outcome(question, live_stack.text(f"ext-{uuid.uuid4().hex[:8]}", question))
                for question in external_questions()]

    share = sum(o.declined for o in outcomes) / len(outcomes)
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "out_of_scope_external.json").write_text(
        json.dumps({"questions": len(outcomes), "declined_share": share,
                    "answered": [asdict(o) for o in outcomes if not o.declined]}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    assert not [o for o in outcomes if o.leaked], "facts given to out-of-scope questions"
    assert share >= MIN_SHARE, f"only {share:.1%} declined"
