"""Intent classification on the held-out NLU examples (tests/nlu/), which the
model never trains on: macro-F1 over the intents the file holds.

tests/nlu/test_heldout.py and the retraining's measurement share this scorer.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.paths import ROOT

HELDOUT_DIR = ROOT / "tests" / "nlu"
FILES = {"sv": HELDOUT_DIR / "test_nlu.yml", "en": HELDOUT_DIR / "test_nlu_en.yml"}

Parse = Callable[[str], dict[str, Any]]  # a text → Rasa's parse result


@dataclass
class HeldoutScore:
    macro_f1: float
    accuracy: float
    examples: int
    report: dict[str, Any] = field(default_factory=dict)  # scikit-learn's per-intent report
    errors: list[dict[str, str]] = field(default_factory=list)  # text, expected, predicted


def examples(path: Path) -> list[tuple[str, str]]:
    """(text, intent) of every held-out example in `path`."""
    from rasa.shared.nlu.training_data.loading import load_data

    return [(m.get("text"), m.get("intent")) for m in load_data(str(path)).intent_examples]


def score(parse: Parse, path: Path) -> HeldoutScore:
    from sklearn.metrics import classification_report, f1_score

    pairs = examples(path)
    truth = [intent for _text, intent in pairs]
    predicted = [parse(text)["intent"]["name"] for text, _intent in pairs]
    labels = sorted(set(truth))
    return HeldoutScore(
        macro_f1=float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)),
        accuracy=sum(t == p for t, p in zip(truth, predicted)) / len(pairs),
        examples=len(pairs),
        report=classification_report(truth, predicted, labels=labels, output_dict=True, zero_division=0),
        errors=[{"text": text, "expected": t, "predicted": p}
                for (text, t), p in zip(pairs, predicted) if t != p],
    )
