"""Fixtures for the model pages' tests (imported explicitly by tests/portal/test_training_*.py).

The rows are real: ModelHistory on the test's content database and a model
store in a temporary folder, with reports in bot/retraining/gate.py's layout
and gates decided by gate.compare, as the training pipeline writes them. Only
the trainer, the portal's one seam to the pipeline, is a stand-in: it says what
the next model would learn and starts a training row the way the launcher does
(ModelHistory.start), without a training process; the test then writes the
row's progress and result itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from bot.portal.admin.training import HISTORY_KEY, TRAINER_KEY
from bot.portal.app import create_app
from bot.retraining.gate import compare
from bot.retraining.history import ModelHistory, Version
from bot.stack.settings import StackSettings

# Questions from the frozen evaluation (tests/eval/single_turn.yml), as a report names them.
CASES = {
    "sv-s-002": ("sv/topics", "Berätta kort om kommunens internationella arbete."),
    "sv-s-088": ("sv/partners", "vilka samarbetar ni med"),
    "sv-s-089": ("sv/partners", "vilka samarbetspartners har kommunen"),
}


def report(f1_sv: float, partners_passed: int, passing: set[str], declined: int = 299) -> dict[str, Any]:
    """A measured model: held-out F1 per language, pass counts per group, each case, out of scope."""
    return {
        "heldout": {"sv": {"macro_f1": f1_sv, "examples": 310}, "en": {"macro_f1": 0.9, "examples": 120}},
        "evaluation": {
            "groups": {"sv/topics": {"passed": 58, "total": 60},
                       "sv/partners": {"passed": partners_passed, "total": 30}},
            "conversations": {case: {"group": group, "passed": case in passing, "message": message}
                              for case, (group, message) in CASES.items()},
        },
        "external": {"declined": declined, "total": 300},
    }


LIVE_REPORT = report(0.93, 27, {"sv-s-002", "sv-s-088"})
BETTER_REPORT = report(0.95, 29, {"sv-s-002", "sv-s-089"})  # sv-s-089 better, sv-s-088 worse
WORSE_REPORT = report(0.80, 20, {"sv-s-002"}, declined=250)


@dataclass(frozen=True)
class Correction:
    language: str
    intent: str
    text: str


@dataclass
class Snapshot:
    corrections: list[Correction] = field(default_factory=list)
    qa_examples: list[tuple[str, list[str]]] = field(default_factory=list)
    changed_files: list[tuple[str, str]] = field(default_factory=list)
    fingerprint: str = "f" * 64
    nothing_new: bool = False
    live_known: bool = True
    qa_trained: bool = False


@dataclass
class StandInTrainer:
    """What the next model would learn, and a training started as the launcher starts one."""
    history: ModelHistory
    next: Snapshot = field(default_factory=Snapshot)

    def snapshot(self) -> Snapshot:
        return self.next

    def start(self, who: str) -> int:
        return self.history.start(who, self.next.fingerprint)


@pytest.fixture
def history(sessions, tmp_path) -> ModelHistory:
    return ModelHistory(sessions, tmp_path / "model-store")


@pytest.fixture
def trainer(history) -> StandInTrainer:
    return StandInTrainer(history, Snapshot(
        corrections=[Correction("sv", "ask_partners", "vilka vänorter har ni"),
                     Correction("en", "ask_partners", "which towns are you twinned with")],
        qa_examples=[("Bidrag till utbyten", ["Kan jag söka bidrag för ett utbyte?"])],
        changed_files=[("data/nlu/reviewed.yml", "ändrad")],
        fingerprint="a1b2c3d4e5f6" + "0" * 52,
    ))


@pytest.fixture
def portal(content_url, users, history, trainer, tmp_path):
    settings = StackSettings(database_url=content_url, tracker_db=str(tmp_path / "tracker.db"), model_pull_seconds=25)
    app = create_app(settings, secret_key=Fernet.generate_key().decode(), user_store=users)
    app[HISTORY_KEY] = history
    app[TRAINER_KEY] = trainer
    return app


def model_file(folder: Path, name: str) -> Path:
    """A stand-in model archive: the pages never open it, the store only copies and hashes it."""
    path = folder / name
    path.write_bytes(name.encode() * 100)
    return path


@pytest.fixture
def live(history, tmp_path) -> Version:
    """The model `make train` made, live, measured when the first new model was compared with it."""
    version = history.register(model_file(tmp_path, "bot.tar.gz"), "utvecklare", "9" * 64)
    history.set_report(version.id, LIVE_REPORT)
    return history.get(version.id)


def finish(history: ModelHistory, version_id: int, new_report: dict[str, Any], folder: Path) -> Version:
    """The pipeline's last step: the report, the gates against the live model, ready or refused."""
    live = history.live()
    gates = [gate.as_json() for gate in compare(live.report if live else None, new_report).gates]
    return history.finish(version_id, model_file(folder, f"new-{version_id}.tar.gz"), new_report, gates)


def trained(history: ModelHistory, new_report: dict[str, Any], folder: Path, who: str = "root") -> Version:
    """A portal training run to its end: the three stages, then the report."""
    version_id = history.start(who, "b" * 64)
    for stage in ("data_check", "training", "evaluation"):
        history.progress(version_id, stage, 50, f"{stage} halvvägs")
    return finish(history, version_id, new_report, folder)
