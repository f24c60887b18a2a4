"""A small Rasa project for the learning-loop tests: the real domain, stories,
rules and pipeline, but a few examples per intent and a few DIET epochs, so a
real `rasa train` takes well under a minute on two cores.

`extra` adds examples to an intent: a second model that understands what the
first did not, to see answers change when a model goes live.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from bot.paths import ROOT, SPACY_MODEL_DIR

EXAMPLES_PER_INTENT = 6
EPOCHS = 8
NLU_SOURCES = [ROOT / "data" / "nlu", ROOT / "var" / "nlu"]


def _small_nlu(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for block in data.get("nlu") or []:
        if "intent" in block:
            lines = [line for line in str(block.get("examples") or "").splitlines() if line.strip()]
            block["examples"] = "\n".join(lines[:EXAMPLES_PER_INTENT]) + "\n"
    return data


def _config(epochs: int) -> dict:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    for component in config["pipeline"]:
        if component["name"] == "SpacyNLP":
            component["model"] = str(SPACY_MODEL_DIR)
        if component["name"] == "DIETClassifier":
            component["epochs"] = epochs
    return config


def build(folder: Path, extra: dict[str, list[str]] | None = None, epochs: int = EPOCHS) -> Path:
    """Write the project into `folder` (config.yml, domain.yml, data/); returns `folder`.
    More `epochs` (40, as config.yml) give a model whose scores mean something, at
    about the same training time."""
    data = folder / "data"
    (data / "nlu").mkdir(parents=True, exist_ok=True)
    for name in ("stories", "rules"):
        shutil.copytree(ROOT / "data" / name, data / name, dirs_exist_ok=True)
    for source in NLU_SOURCES:
        for path in sorted(source.rglob("*.yml")):
            target = data / "nlu" / source.name / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(yaml.safe_dump(_small_nlu(path), allow_unicode=True, sort_keys=False), encoding="utf-8")
    if extra:
        blocks = [{"intent": intent, "examples": "".join(f"- {text}\n" for text in texts)}
                  for intent, texts in extra.items()]
        (data / "nlu" / "extra.yml").write_text(
            yaml.safe_dump({"version": "3.1", "nlu": blocks}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (folder / "config.yml").write_text(yaml.safe_dump(_config(epochs), allow_unicode=True, sort_keys=False), encoding="utf-8")
    shutil.copyfile(ROOT / "domain.yml", folder / "domain.yml")
    return folder


def train(folder: Path, name: str = "small") -> Path:
    """A real `rasa train` of the project in `folder`; the model's path."""
    subprocess.run(
        [sys.executable, "-m", "bot.rasa.training", "train", "--config", str(folder / "config.yml"),
         "--domain", str(folder / "domain.yml"), "--data", str(folder / "data"),
         "--out", str(folder / "models"), "--fixed-model-name", name, "--quiet"],
        cwd=ROOT, check=True, capture_output=True, timeout=900,
    )
    return folder / "models" / f"{name}.tar.gz"
