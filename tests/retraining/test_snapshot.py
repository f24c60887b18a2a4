"""What the "Träna om" page shows the next model would learn, and the training
folder a training assembles (never the project's own data/)."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from bot.content.editor import ContentEditor
from bot.content.types import QA
from bot.conversations.learning import LearningDecisions
from bot.paths import ROOT
from bot.retraining.snapshot import (
    ADDED, CHANGED, REMOVED, Correction, inbox_training_data, manifest, next_training, project_training_data,
)
from bot.retraining.staging import Sources, stage, staged_record


@pytest.fixture
def project(small: Sources, tmp_path: Path) -> Sources:
    """A copy of the small project that a test may change."""
    return Sources.folder(Path(shutil.copytree(small.root, tmp_path / "project", ignore=shutil.ignore_patterns("models"))))


def first_example(sources: Sources, intent: str) -> str:
    data = yaml.safe_load((sources.data[0] / "nlu" / f"{intent}.yml").read_text(encoding="utf-8"))
    return data["nlu"][0]["examples"].splitlines()[0][2:]


def live_with(store, data) -> None:
    """A live model whose report records `data` (as a finished training's does)."""
    model = store.history.folder.parent / "live.tar.gz"
    model.write_bytes(b"a live model")
    live = store.history.register(model, "make train")
    store.history.set_report(live.id, {"data": data.record()})


def test_the_next_training_lists_the_inbox_corrections_and_the_staff_questions(store, project):
    store.decide("varför håller ni på med sånt här egentligen", "ask_why")
    store.decide("why do you even bother abroad", "ask_why", "en")
    store.decide(first_example(project, "ask_policy"), "ask_policy")  # the training data has it already
    ContentEditor(store.sessions).create(QA, {"title": "Kan jag göra praktik utomlands?", "answer": "Ja.",
                                              "examples": "praktik i ett annat land\npraktikplats utomlands"}, "anna")

    snapshot = next_training(store.sessions, store.history, project)

    assert snapshot.corrections == [Correction("en", "ask_why", "why do you even bother abroad"),
                                    Correction("sv", "ask_why", "varför håller ni på med sånt här egentligen")]
    assert ("Kan jag göra praktik utomlands?", ["praktik i ett annat land", "praktikplats utomlands"]) \
        in snapshot.qa_examples
    assert not snapshot.qa_trained
    assert not snapshot.live_known and not snapshot.nothing_new  # no live model to compare with: "okänt"


def test_after_the_same_data_went_live_nothing_is_new_until_something_changes(store, project):
    store.decide("varför håller ni på med sånt här egentligen", "ask_why")
    live_with(store, inbox_training_data(store.sessions, project))
    snapshot = next_training(store.sessions, store.history, project)
    assert snapshot.live_known and snapshot.nothing_new
    assert snapshot.fingerprint == store.history.live().report["data"]["fingerprint"]

    store.decide("vem bestämmer om vänorterna", "ask_organisation")
    why = project.data[0] / "nlu" / "ask_why.yml"
    why.write_text(why.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    (project.data[0] / "nlu" / "ask_history.yml").unlink()
    (project.data[0] / "new.yml").write_text('version: "3.1"\nnlu: []\n', encoding="utf-8")

    snapshot = next_training(store.sessions, store.history, project)
    assert snapshot.corrections == [Correction("sv", "ask_organisation", "vem bestämmer om vänorterna")]
    assert snapshot.changed_files == [("data/nlu/new.yml", ADDED), ("data/nlu/nlu/ask_history.yml", REMOVED),
                                      ("data/nlu/nlu/ask_why.yml", CHANGED)]
    assert not snapshot.nothing_new


def test_make_train_after_an_export_and_a_portal_training_have_the_same_fingerprint(store, project):
    store.decide("varför håller ni på med sånt här egentligen", "ask_why")
    store.decide("why do you even bother abroad", "ask_why", "en")
    portal = inbox_training_data(store.sessions, project)
    LearningDecisions(store.sessions).write_nlu(project.data[0], project.reviewed("sv"))

    exported = project_training_data(project)
    assert exported.corrections == portal.corrections
    assert exported.fingerprint == portal.fingerprint
    assert "data/nlu/reviewed.yml" in exported.files and "data/nlu/reviewed.yml" not in portal.files


def test_the_manifest_covers_every_training_input_of_the_project():
    files = manifest()
    assert files["config.yml"] == hashlib.sha256((ROOT / "config.yml").read_bytes()).hexdigest()
    assert "domain.yml" in files
    for folder in ("data/nlu/", "data/nlu/en/", "data/stories/", "data/rules/", "var/nlu/"):
        assert any(path.startswith(folder) for path in files), folder
    assert not any(path.startswith("data/content/") or path.endswith(".built") for path in files)


def test_staging_writes_the_corrections_into_the_training_folder_not_the_project(store, project, tmp_path):
    store.decide("varför håller ni på med sånt här egentligen", "ask_why")
    store.decide("why do you even bother abroad", "ask_why", "en")
    before = manifest(project)
    data = inbox_training_data(store.sessions, project)
    folder = tmp_path / "training" / "7"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "left-over.yml").write_text("från en tidigare träning", encoding="utf-8")

    stage(project, data.by_language(), data.record(), folder)

    assert manifest(project) == before and not project.reviewed("sv").exists()
    assert (folder / "config.yml").read_bytes() == project.config.read_bytes()
    assert (folder / "domain.yml").read_bytes() == project.domain.read_bytes()
    swedish = yaml.safe_load((folder / "data" / "data" / "nlu" / "reviewed.yml").read_text(encoding="utf-8"))
    english = yaml.safe_load((folder / "data" / "data" / "nlu" / "en" / "reviewed.yml").read_text(encoding="utf-8"))
    assert swedish["nlu"] == [{"intent": "ask_why", "examples": "- varför håller ni på med sånt här egentligen\n"}]
    assert english["nlu"] == [{"intent": "ask_why", "examples": "- why do you even bother abroad\n"}]
    assert (folder / "data" / "data" / "nlu" / "nlu" / "ask_why.yml").exists()
    assert not (folder / "data" / "left-over.yml").exists()
    assert staged_record(folder) == data.record()
