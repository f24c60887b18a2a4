"""Intent classification on held-out examples that the model never trained on,
in Swedish (test_nlu.yml) and English (test_nlu_en.yml), with one model for both.
The scorer is the retraining gate's (bot/evaluation/heldout.py)."""
from __future__ import annotations

import json
from dataclasses import asdict

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from bot.evaluation.heldout import FILES, examples, score
from bot.paths import RESULTS_DIR, ROOT

pytestmark = pytest.mark.slow

TRAINING = ROOT / "data" / "nlu"
# language → (lowest macro-F1, report in results/)
HELDOUT = {
    "sv": (0.90, "nlu_heldout_report.json"),
    "en": (0.88, "nlu_heldout_en_report.json"),
}


@pytest.mark.parametrize("language", HELDOUT)
def test_heldout_examples_are_never_trained_on(generated_nlu, language):
    training = {m.get("text").casefold() for folder in (TRAINING, generated_nlu)
                for m in load_data(str(folder)).intent_examples}
    heldout = [text.casefold() for text, _intent in examples(FILES[language])]
    assert heldout and not training.intersection(heldout)


@pytest.mark.parametrize("language", HELDOUT)
def test_intent_macro_f1_on_heldout_examples(parser, language):
    min_macro_f1, report_name = HELDOUT[language]
    result = score(parser.parse, FILES[language])

    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / report_name).write_text(json.dumps(asdict(result), ensure_ascii=False, indent=2), encoding="utf-8")
    assert result.macro_f1 >= min_macro_f1, f"macro-F1 {result.macro_f1:.3f}; errors: {result.errors[:15]}"
