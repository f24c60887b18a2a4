"""Fixtures for the learning loop's tests: a content store with the model history,
the small real Rasa project (tests/retraining/small_project.py), and a model
trained on deliberately wrong examples, shared by the whole session."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content.store import migrate, seed_if_empty
from bot.conversations.inbox import key_hash
from bot.conversations.models import LearningDecision
from bot.db.engine import session_factory
from bot.retraining.history import ModelHistory
from bot.retraining.staging import Sources
from tests.retraining import small_project
from tests.waiting import wait_until

EPOCHS = 40
# The measurement the job tests use: a few groups, five conversations each, five external questions.
SCOPE_ARGS = ["--languages", "sv", "--groups", "topics", "out_of_scope", "--limit", "5"]


class Store:
    """One content database with its model history, its files in a folder of its own."""

    def __init__(self, folder: Path) -> None:
        self.url = f"sqlite:///{folder / 'content.db'}"
        migrate(self.url)
        seed_if_empty(self.url)
        self.sessions = session_factory(self.url)
        self.history = ModelHistory(self.sessions, folder / "model-store")

    def decide(self, text: str, intent: str, language: str = "sv") -> None:
        """An admin's correction in the learning inbox: `text` meant `intent`."""
        with self.sessions() as session, session.begin():
            session.add(LearningDecision(text=text, text_key=key_hash(text), decision="intent", intent=intent,
                                         language=language, decided_by="anna"))

    def follow(self, version_id: int, timeout: float = 900) -> list[tuple[str, int, str]]:
        """Waits for the training to end; every (stage, percent, detail) seen on the way."""
        seen: list[tuple[str, int, str]] = []

        def ended() -> bool:
            version = self.history.get(version_id)
            state = (version.stage, version.percent, version.detail)
            if not seen or seen[-1] != state:
                seen.append(state)
            return version.status != "training"

        wait_until(ended, timeout=timeout, interval=0.2, message=f"training {version_id} never ended")
        return seen


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A store whose trainings stage and keep their files under tmp_path (the job
    inherits the environment)."""
    monkeypatch.setenv("MODEL_STORE_DIR", str(tmp_path / "model-store"))
    monkeypatch.setenv("TRAINING_WORK_DIR", str(tmp_path / "training"))
    return Store(tmp_path)


def _rotated(path: Path, topics: list[str]) -> None:
    """Each topic intent's examples moved to the next topic: a model that answers the wrong topic."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for block in data.get("nlu") or []:
        if block.get("intent") in topics:
            block["intent"] = topics[(topics.index(block["intent"]) + 1) % len(topics)]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="session")
def small(tmp_path_factory) -> Sources:
    """The small project, as the job reads it."""
    return Sources.folder(small_project.build(tmp_path_factory.mktemp("small"), epochs=EPOCHS))


@pytest.fixture(scope="session")
def worse_model(tmp_path_factory) -> Path:
    """A real model of the small project trained with its topics' examples swapped round."""
    folder = small_project.build(tmp_path_factory.mktemp("worse"), epochs=EPOCHS)
    files = sorted((folder / "data" / "nlu").rglob("*.yml"))
    topics = sorted({block["intent"] for path in files
                     for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []
                     if str(block.get("intent", "")).startswith("ask_")})
    for path in files:
        _rotated(path, topics)
    return small_project.train(folder, "worse")


@pytest.fixture
def fresh_rasa_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rasa trains every component again (its cache would restore them from an earlier run)."""
    monkeypatch.setenv("RASA_CACHE_DIRECTORY", str(tmp_path / "rasa-cache"))
