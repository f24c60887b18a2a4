"""Rasa's own checks of the training data and the dialogue policy."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.paths import RESULTS_DIR, ROOT
from tests.conftest import MODEL

RASA = str(Path(sys.executable).with_name("rasa"))


def run_rasa(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([RASA, *args], cwd=ROOT, capture_output=True, text=True, timeout=900)


def test_training_data_validates_without_warnings():
    result = run_rasa("data", "validate", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.mark.slow
def test_every_test_story_is_followed_by_the_trained_policy():
    out = RESULTS_DIR / "core"
    result = run_rasa(
        "test", "core", "--model", str(MODEL), "--stories", "tests/stories",
        "--out", str(out), "--fail-on-prediction-errors",
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads((out / "story_report.json").read_text())
    assert report["conversation_accuracy"]["accuracy"] == 1.0
