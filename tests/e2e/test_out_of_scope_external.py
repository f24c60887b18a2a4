"""Real questions from Swedish authorities' FAQ pages, written by nobody on this project.

None of them is about Vänersborg's international work, so each must get the
out-of-scope reply or the rephrase prompt, and none may be answered with facts
about partners, focus areas or the policy.
"""
from __future__ import annotations

import json
import uuid

import pytest

from bot.content import texts
from bot.content.bundle import load_bundle
from bot.paths import CONTENT_SEED_DIR, RESULTS_DIR, ROOT

pytestmark = pytest.mark.slow

EXTERNAL = ROOT.parent / "shared" / "external" / "swefaq_dev.jsonl"
MIN_SHARE = 0.97


def external_questions():
    if not EXTERNAL.exists():
        pytest.fail(f"{EXTERNAL} is missing: the shared/ folder must sit beside the repository")
    return [json.loads(line)["question"] for line in EXTERNAL.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_external_questions_get_the_out_of_scope_or_rephrase_reply(live_stack):
    seed = load_bundle(CONTENT_SEED_DIR)
    out_of_scope, no_answer = (next(t["body"] for t in seed["topics"] if t["key"] == key)
                               for key in ("out_of_scope", "no_answer"))
    rephrase = texts.defaults()["rephrase"]
    facts = [p["name"] for p in seed["partners"]] + [f["title"] for f in seed["focus_areas"]]
    facts += ["kommunfullmäktige", "fokusområde"]

    outcomes = []
    for question in external_questions():
        reply = live_stack.text(f"ext-{uuid.uuid4().hex[:8]}", question)
        declined = reply.strip() in (out_of_scope.strip(), rephrase.strip(), no_answer.strip())
        leaked = [fact for fact in facts if fact.casefold() in reply.casefold()]
        outcomes.append({"question": question, "declined": declined, "leaked": leaked, "reply": reply})

    share = sum(o["declined"] for o in outcomes) / len(outcomes)
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "out_of_scope_external.json").write_text(
        json.dumps({"questions": len(outcomes), "declined_share": share,
                    "answered": [o for o in outcomes if not o["declined"]]}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    assert not [o for o in outcomes if o["leaked"]], "facts given to out-of-scope questions"
    assert share >= MIN_SHARE, f"only {share:.1%} declined"
