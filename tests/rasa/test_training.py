"""`python -m bot train` shows training progress instead of two silent minutes
(against a fake `rasa train` that prints what Rasa prints, in a second)."""
from __future__ import annotations

import io
import re
import sys

from bot.paths import ROOT
from bot.rasa.training import train

FAKE = [sys.executable, str(ROOT / "tests" / "fake_rasa_train.py")]


def run(tmp_path, *extra: str, tty: bool = False) -> tuple[int, str]:
    out = io.StringIO()
    code = train([], command=[*FAKE, *extra], out=out, tty=tty, log_path=tmp_path / "train.log",
                 seconds_path=tmp_path / "train_seconds.txt")
    return code, out.getvalue()


def test_without_a_terminal_each_step_and_the_epochs_out_of_the_total_are_shown(tmp_path):
    code, output = run(tmp_path)
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0].startswith("… training the Rasa model")
    assert any(re.fullmatch(r"  … DIETClassifier \(\d+ s\)", line) for line in lines), output
    assert any(re.fullmatch(r"  … DIETClassifier, epoch 1/5 \(\d+ s\)", line) for line in lines), output
    assert any(re.fullmatch(r"  … DIETClassifier, epoch 5/5 \(\d+ s\)", line) for line in lines), output
    assert re.fullmatch(r"✓ model trained in \d+ s", lines[-1])
    assert "DeprecationWarning" not in output and "Epochs:" not in output  # Rasa's own output goes to the log
    assert "Epochs: 100%" in (tmp_path / "train.log").read_text()
    assert re.fullmatch(r"\d+\n", (tmp_path / "train_seconds.txt").read_text())


def test_on_a_terminal_one_line_with_a_spinner_and_the_elapsed_time(tmp_path):
    code, output = run(tmp_path, tty=True)
    assert code == 0, output
    assert re.search(r"\r\x1b\[K. training: DIETClassifier, epoch \d/5 · \d+ s", output), repr(output)
    assert output.rstrip().endswith("s") and "✓ model trained in" in output


def test_a_failed_training_says_so_with_the_end_of_its_log(tmp_path):
    code, output = run(tmp_path, "--fail")
    assert code == 1
    assert "✗ training failed: rasa train exited with code 1" in output
    assert "ValueError: the training data has no examples" in output
    assert "declare_namespace" not in output  # known library warnings are left out of the tail
    assert not (tmp_path / "train_seconds.txt").exists()


def test_make_trains_through_the_wrapper_not_a_silent_rasa_train():
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^\$\(MODEL\):.*?\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert "-m bot train" in recipe and "--quiet" not in recipe, recipe


def test_python_m_bot_train_passes_the_data_folders_and_force_to_rasa(monkeypatch):
    import bot.rasa.training
    from bot.cli import main

    seen = []
    monkeypatch.setattr(bot.rasa.training, "train", lambda rasa_args: seen.append(rasa_args) or 0)
    assert main(["train", "--data", "data/nlu", "var/nlu", "--force"]) == 0
    assert seen == [["--data", "data/nlu", "var/nlu", "--force"]]
    assert bot.rasa.training.child_command(seen[0])[1:] == [
        "-m", "bot.rasa.training", "train", "--fixed-model-name", "bot", "--out", "models",
        "--data", "data/nlu", "var/nlu", "--force"]
