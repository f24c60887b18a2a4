"""Real trainings through the background job on the small project: one that ends
ready with its report and the live model measured beside it (the quality gate
refusing the worse of the two), one that crashes and one that runs out of time,
both leaving the live model as it was."""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from bot.conversations.models import ReviewAudit
from bot.retraining.gate import compare
from bot.retraining.history import Version, file_sha256
from bot.retraining.launcher import start_training
from bot.retraining.snapshot import next_training
from bot.retraining.staging import Sources
from tests.retraining.conftest import SCOPE_ARGS, Store
from tests.waiting import wait_until

pytestmark = pytest.mark.slow

CORRECTION = "varför lägger kommunen tid på samarbeten i andra länder egentligen"
F1_GATE = "Träffsäkerhet (F1) på testfrågor, svenska"


@dataclass
class Run:
    store: Store
    version_id: int
    live: Version  # as it was before the training
    seen: list[tuple[str, int, str]]

    @property
    def version(self) -> Version:
        return self.store.history.get(self.version_id)


@pytest.fixture(scope="module")
def run(small: Sources, worse_model: Path, tmp_path_factory) -> Run:
    """A live model from `make train` without a report (the worse one), an admin's
    correction, and a training of the small project started as the portal starts it."""
    folder = tmp_path_factory.mktemp("job")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MODEL_STORE_DIR", str(folder / "model-store"))
        env.setenv("TRAINING_WORK_DIR", str(folder / "training"))
        env.setenv("RASA_CACHE_DIRECTORY", str(folder / "rasa-cache"))  # DIET trains, epoch by epoch
        store = Store(folder)
        live = store.history.register(worse_model, "make train")
        store.decide(CORRECTION, "ask_why")
        version_id = start_training(store.sessions, "anna", small, SCOPE_ARGS)
        return Run(store, version_id, live, store.follow(version_id))


def test_a_real_training_ends_ready_with_its_report_and_its_data(run):
    version = run.version
    assert (version.status, version.percent, version.error) == ("ready", 100, "")
    assert version.gates and all(gate["passed"] for gate in version.gates), version.gates
    assert file_sha256(run.store.history.folder / version.file) == version.sha256

    report = version.report
    assert set(report["heldout"]) == {"sv"} and 0.3 < report["heldout"]["sv"]["macro_f1"] <= 1
    assert {name: group["total"] for name, group in report["evaluation"]["groups"].items()} == \
        {"sv/topics": 5, "sv/out_of_scope": 5}
    assert len(report["evaluation"]["conversations"]) == 10 and report["external"]["total"] == 5
    assert report["data"]["corrections"] == [["sv", "ask_why", CORRECTION]]
    assert report["data"]["fingerprint"] == version.data_fingerprint
    assert set(report["seconds"]) == {"data_check", "training", "evaluation"}
    staged = run.store.history.folder.parent / "training" / str(run.version_id)
    wait_until(lambda: not staged.exists(), timeout=60, message="the job left its training folder behind")
    with run.store.sessions() as session:
        audit = session.execute(select(ReviewAudit.username, ReviewAudit.action, ReviewAudit.detail)).all()
    assert ("anna", "träning", f"Träning {run.version_id} startad") in audit


def test_the_progress_went_through_every_stage_with_diets_epochs(run):
    stages = list(dict.fromkeys(stage for stage, _percent, _detail in run.seen))
    assert stages == ["data_check", "training", "evaluation"]
    percents = [percent for _stage, percent, _detail in run.seen]
    assert percents == sorted(percents) and percents[-1] == 100
    details = [detail for _stage, _percent, detail in run.seen]
    assert any(re.fullmatch(r"DIETClassifier, epok \d+/40", detail) for detail in details), details
    assert any(detail.startswith("Den nya modellen: Utvärderingen: ") for detail in details), details
    assert any(detail.startswith("Den aktiva modellen: ") for detail in details), details


def test_the_live_model_was_measured_for_a_fair_comparison_and_stayed_live(run):
    live = run.store.history.live()
    assert (live.id, live.sha256) == (run.live.id, run.live.sha256)
    assert file_sha256(run.store.history.folder / live.file) == run.live.sha256
    assert live.report["scope"] == run.version.report["scope"]
    assert set(live.report) >= {"heldout", "evaluation", "external"}


def test_the_gate_refuses_the_deliberately_worse_model(run):
    better, worse = run.version.report, run.store.history.live().report
    refused = compare(better, worse)
    assert not refused.passed
    assert [gate.name for gate in refused.gates if not gate.passed][0] == F1_GATE
    assert worse["heldout"]["sv"]["macro_f1"] < better["heldout"]["sv"]["macro_f1"] - 0.1

    passed = compare(worse, better)
    assert passed.passed and passed.better and not passed.worse


def test_once_the_new_model_is_live_the_next_training_has_nothing_new(run, small):
    assert not next_training(run.store.sessions, run.store.history, small).nothing_new
    run.store.history.activate(run.version_id, "bertil")
    snapshot = next_training(run.store.sessions, run.store.history, small)
    assert snapshot.nothing_new and snapshot.corrections == [] and snapshot.changed_files == []


# ------------------------------------------------------------ failures


@pytest.fixture
def live(store, tmp_path) -> Version:
    model = tmp_path / "live.tar.gz"
    model.write_bytes(b"the model residents talk to")
    return store.history.register(model, "make train")


def with_component(small: Sources, folder: Path, old: str, new: str) -> Sources:
    project = Sources.folder(Path(shutil.copytree(small.root, folder, ignore=shutil.ignore_patterns("models"))))
    config = yaml.safe_load(project.config.read_text(encoding="utf-8"))
    for component in config["pipeline"]:
        if component["name"] == old:
            component["name"] = new
    project.config.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return project


def assert_untouched(store: Store, live: Version) -> None:
    now = store.history.live()
    assert (now.id, now.status, now.sha256) == (live.id, "live", live.sha256)
    assert sorted(p.name for p in store.history.folder.iterdir()) == [live.file]


def test_a_crashing_training_fails_with_rasas_reason_and_the_live_model_untouched(store, live, small, tmp_path):
    project = with_component(small, tmp_path / "project", "DIETClassifier", "NoSuchClassifier")
    version_id = start_training(store.sessions, "anna", project, SCOPE_ARGS)
    store.follow(version_id, timeout=600)

    version = store.history.get(version_id)
    assert (version.status, version.stage) == ("failed", "training")
    assert version.error.startswith("Träningen misslyckades: Rasa avslutade med felkod 1. Rasas sista besked: ")
    assert "InvalidConfigException: Can't load class for name 'NoSuchClassifier'" in version.error
    assert "\x1b" not in version.error and version.error.endswith("Den aktiva modellen är orörd.")
    assert_untouched(store, live)


def rasa_trainings_of(folder: Path) -> list[int]:
    """The `rasa train` processes that train the staged `folder`."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if "bot.rasa.training" in words and any(word.startswith(str(folder)) for word in words):
            found.append(int(cmdline.parent.name))
    return found


def test_a_training_out_of_time_is_stopped_with_rasa_and_says_so(store, live, small, fresh_rasa_cache, monkeypatch):
    monkeypatch.setenv("TRAINING_TIME_LIMIT", "0.75")
    version_id = start_training(store.sessions, "anna", small, SCOPE_ARGS)
    store.follow(version_id, timeout=600)

    version = store.history.get(version_id)
    assert (version.status, version.stage) == ("failed", "training")
    assert version.error == ("Träningen avbröts: den tog längre än tidsgränsen på 0,75 minuter "
                             "(TRAINING_TIME_LIMIT). Den aktiva modellen är orörd.")
    assert rasa_trainings_of(store.history.folder.parent / "training" / str(version_id)) == []
    assert_untouched(store, live)
