"""The frozen evaluation (tests/eval/) cannot be tuned to: no training example
may be a near-duplicate of one of its lines (RapidFuzz ratio ≥ 90, lower case).
The same holds for the other authorities' questions (../shared/external/),
which measure declining and are never trained on.

Training examples are data/nlu/ and the generated var/nlu/ (built into a
temporary folder when `make` has not built it yet).
"""
from __future__ import annotations

from pathlib import Path

import yaml
from rapidfuzz import fuzz, process
from rasa.shared.nlu.training_data.loading import load_data

from bot.evaluation.external import EXTERNAL, questions
from bot.paths import ROOT

EVAL_DIR = ROOT / "tests" / "eval"
NLU_DIR = ROOT / "data" / "nlu"
MAX_RATIO = 90


def eval_lines(folder: Path = EVAL_DIR) -> list[str]:
    """Every resident's text in the evaluation: single-turn cases and each turn
    of the conversations, Swedish and English."""
    texts: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                texts.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted(folder.rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        walk(data.get("cases") or [])
        walk(data.get("conversations") or [])
    return texts


def training_examples(*folders: Path) -> list[str]:
    return [m.get("text") for folder in folders for m in load_data(str(folder)).intent_examples]


def near_duplicates(training: list[str], evaluation: list[str]) -> list[tuple[str, str, float]]:
    train = sorted({t.lower() for t in training})
    scores = process.cdist([e.lower() for e in evaluation], train, scorer=fuzz.ratio,
                           score_cutoff=MAX_RATIO, workers=1)
    return [(evaluation[i], train[j], float(scores[i, j]))
            for i, j in zip(*scores.nonzero())]


def test_the_evaluation_has_lines_to_compare():
    lines = eval_lines()
    assert len(lines) >= 300 + 60 * 2, "tests/eval/ is missing or was read wrongly"


def test_no_training_example_is_a_near_duplicate_of_an_evaluation_line(generated_nlu):
    found = near_duplicates(training_examples(NLU_DIR, generated_nlu), eval_lines())
    assert found == [], f"{len(found)} near-duplicates (evaluation, training, ratio): {found[:20]}"


def test_no_training_example_is_a_near_duplicate_of_an_external_question(generated_nlu):
    assert EXTERNAL.exists(), f"{EXTERNAL} is missing: the shared/ folder must sit beside the repository"
    found = near_duplicates(training_examples(NLU_DIR, generated_nlu), questions())
    assert found == [], f"{len(found)} near-duplicates (external, training, ratio): {found[:20]}"


def test_a_reworded_evaluation_line_counts_as_a_near_duplicate():
    line = eval_lines()[0]
    assert near_duplicates([line.upper() + "?"], [line])
    assert not near_duplicates(["något helt annat som ingen skulle skriva"], [line])
