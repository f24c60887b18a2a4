"""Intent classification on held-out examples that the model never trained on,
in Swedish (test_nlu.yml) and English (test_nlu_en.yml), with one model for both."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.loading import load_data
from sklearn.metrics import classification_report, f1_score

from bot.paths import RESULTS_DIR, ROOT

pytestmark = pytest.mark.slow

TRAINING = ROOT / "data" / "nlu"
# language → (held-out file, lowest macro-F1, report in results/)
HELDOUT = {
    "sv": (Path(__file__).with_name("test_nlu.yml"), 0.90, "nlu_heldout_report.json"),
    "en": (Path(__file__).with_name("test_nlu_en.yml"), 0.88, "nlu_heldout_en_report.json"),
}


@pytest.mark.parametrize("language", HELDOUT)
def test_heldout_examples_are_never_trained_on(generated_nlu, language):
    training = {m.get("text").casefold() for folder in (TRAINING, generated_nlu)
                for m in load_data(str(folder)).intent_examples}
    heldout = [m.get("text").casefold() for m in load_data(str(HELDOUT[language][0])).intent_examples]
    assert heldout and not training.intersection(heldout)


@pytest.mark.parametrize("language", HELDOUT)
def test_intent_macro_f1_on_heldout_examples(parser, language):
    path, min_macro_f1, report_name = HELDOUT[language]
    examples = load_data(str(path)).intent_examples
    truth = [m.get("intent") for m in examples]
    predicted = [parser.parse(m.get("text"))["intent"]["name"] for m in examples]
    labels = sorted(set(truth))
    macro_f1 = f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)
    accuracy = sum(t == p for t, p in zip(truth, predicted)) / len(examples)

    RESULTS_DIR.mkdir(exist_ok=True)
    report = classification_report(truth, predicted, labels=labels, output_dict=True, zero_division=0)
    errors = [
        {"text": m.get("text"), "expected": t, "predicted": p}
        for m, t, p in zip(examples, truth, predicted) if t != p
    ]
    (RESULTS_DIR / report_name).write_text(
        json.dumps({"macro_f1": macro_f1, "accuracy": accuracy, "examples": len(examples), "report": report,
                    "errors": errors}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    assert macro_f1 >= min_macro_f1, f"macro-F1 {macro_f1:.3f}; errors: {errors[:15]}"
