"""Intent classification on held-out examples that the model never trained on."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.loading import load_data
from sklearn.metrics import classification_report, f1_score

from bot.paths import RESULTS_DIR, ROOT

pytestmark = pytest.mark.slow

HELDOUT = Path(__file__).with_name("test_nlu.yml")
TRAINING = ROOT / "data" / "nlu"
MIN_MACRO_F1 = 0.90


def test_heldout_examples_are_never_trained_on(generated_nlu):
    training = {m.get("text").casefold() for folder in (TRAINING, generated_nlu)
                for m in load_data(str(folder)).intent_examples}
    heldout = [m.get("text").casefold() for m in load_data(str(HELDOUT)).intent_examples]
    assert heldout and not training.intersection(heldout)


def test_intent_macro_f1_on_heldout_examples(parser):
    examples = load_data(str(HELDOUT)).intent_examples
    truth = [m.get("intent") for m in examples]
    predicted = [parser.parse(m.get("text"))["intent"]["name"] for m in examples]
    labels = sorted(set(truth))
    macro_f1 = f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)

    RESULTS_DIR.mkdir(exist_ok=True)
    report = classification_report(truth, predicted, labels=labels, output_dict=True, zero_division=0)
    errors = [
        {"text": m.get("text"), "expected": t, "predicted": p}
        for m, t, p in zip(examples, truth, predicted) if t != p
    ]
    (RESULTS_DIR / "nlu_heldout_report.json").write_text(
        json.dumps({"macro_f1": macro_f1, "examples": len(examples), "report": report,
                    "errors": errors}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    assert macro_f1 >= MIN_MACRO_F1, f"macro-F1 {macro_f1:.3f}; errors: {errors[:15]}"
