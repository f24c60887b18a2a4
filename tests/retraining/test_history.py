"""The model store's records: one training at a time, activation only through the
gate, rollback, bounded disk, and an audit row for each step."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.conversations.models import ReviewAudit
from bot.retraining.history import NotActivatable, TrainingRunning, file_sha256
from bot.retraining.models import ModelVersion

PASSED = [{"name": "Träffsäkerhet", "passed": True, "detail": "0,93 mot 0,92"}]
FAILED = [{"name": "Träffsäkerhet", "passed": False, "detail": "0,50 mot 0,92"}]


def model_file(folder: Path, name: str) -> Path:
    path = folder / f"{name}.tar.gz"
    path.write_bytes(f"a model called {name}".encode())
    return path


def trained(store, tmp_path: Path, name: str, gates: list[dict]) -> int:
    version_id = store.history.start("anna", f"fingerprint-{name}")
    store.history.finish(version_id, model_file(tmp_path, name), {"heldout": {}}, gates)
    return version_id


def audit(store) -> list[tuple[str, str, str]]:
    with store.sessions() as session:
        rows = session.execute(select(ReviewAudit).order_by(ReviewAudit.id)).scalars()
        return [(row.username, row.action, row.detail) for row in rows]


def test_a_second_training_is_refused_while_one_runs(store):
    first = store.history.start("anna", "abc")
    with pytest.raises(TrainingRunning):
        store.history.start("bertil", "abc")
    store.history.fail(first, "Avbruten")
    assert store.history.start("bertil", "abc") > first


def test_the_database_refuses_a_second_training_that_slips_past_the_check(store, monkeypatch):
    store.history.start("anna", "abc")
    monkeypatch.setattr(store.history, "running", lambda: None)  # two clicks at the same instant
    with pytest.raises(TrainingRunning):
        store.history.start("bertil", "abc")
    assert [v.trained_by for v in store.history.all()] == ["anna"]


def test_a_training_whose_process_went_silent_is_failed_and_a_new_one_may_start(store):
    version_id = store.history.start("anna", "abc")
    with store.sessions() as session, session.begin():
        session.execute(update(ModelVersion).values(heartbeat_at=dt.datetime(2020, 1, 1)))
    assert store.history.running() is None
    assert "svarade inte längre" in store.history.get(version_id).error
    store.history.start("bertil", "abc")


def test_only_a_model_that_passed_every_gate_can_go_live(store, tmp_path):
    refused = trained(store, tmp_path, "refused", FAILED)
    assert store.history.get(refused).status == "refused"
    with pytest.raises(NotActivatable):
        store.history.activate(refused, "anna")
    failed = store.history.start("anna", "x")
    store.history.fail(failed, "Rasa avslutade med felkod 1")
    with pytest.raises(NotActivatable):
        store.history.activate(failed, "anna")
    ready = trained(store, tmp_path, "ready", PASSED)
    assert store.history.activate(ready, "cecilia").status == "live"
    assert store.history.live().id == ready and store.history.live().activated_by == "cecilia"
    assert store.history.get(refused).report == {"heldout": {}}  # kept for inspection


def test_rollback_brings_an_earlier_live_model_back_and_is_audited(store, tmp_path):
    first = store.history.register(model_file(tmp_path, "make-train"), "make train")
    second = trained(store, tmp_path, "second", PASSED)
    store.history.activate(second, "anna")
    assert store.history.get(first.id).status == "retired"

    store.history.rollback(first.id, "bertil")
    assert store.history.live().id == first.id
    assert store.history.live_file()[1] == first.sha256
    with pytest.raises(NotActivatable):
        store.history.rollback(trained(store, tmp_path, "never-live", PASSED), "bertil")
    actions = audit(store)
    assert ("anna", "aktivering", f"Modell {second} aktiverad") in actions
    assert ("bertil", "återställning", f"Återställd till modell {first.id}") in actions
    assert [a for _who, a, _detail in actions].count("träning") == 2


def test_pruning_keeps_the_newest_files_and_always_the_live_one(store, tmp_path):
    live = store.history.register(model_file(tmp_path, "live"), "make train")
    newer = [trained(store, tmp_path, f"m{n}", PASSED) for n in range(3)]
    assert store.history.prune(keep=2) == [newer[0]]
    files = sorted(p.name for p in store.history.folder.iterdir())
    assert files == sorted([live.file, f"model-{newer[1]}.tar.gz", f"model-{newer[2]}.tar.gz"])
    assert file_sha256(store.history.folder / live.file) == live.sha256
    assert store.history.get(newer[0]).file is None  # the row stays, as history
    with pytest.raises(NotActivatable):
        store.history.activate(newer[0], "anna")
