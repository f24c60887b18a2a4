"""A portal training learns what staff changed in the store since `make train`: the job
makes the generated NLU data (partner names, bot.nlp.build) anew from the content store."""
from __future__ import annotations

from pathlib import Path

from bot.content.editor import ContentEditor
from bot.content.types import PARTNERS
from bot.db.engine import session_factory
from bot.retraining.job import GENERATED, refresh_generated
from bot.retraining.staging import DATA


class Steps:
    """Stands in for the job's Reporter: the progress lines, in order."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def set(self, stage: str, _share: float, detail: str) -> None:
        self.seen.append((stage, detail))


def test_a_partner_added_in_the_portal_is_in_the_staged_training_data(content_url, tmp_path: Path, monkeypatch):
    ContentEditor(session_factory(content_url)).create(
        PARTNERS, {"name": "Tammerfors", "kind": "partner", "country": "Finland"}, "anna")
    monkeypatch.setenv("DATABASE_URL", content_url)
    generated = tmp_path / "staged" / DATA / GENERATED
    generated.mkdir(parents=True)
    (generated / "partner_names.yml").write_text("nlu: []\n", encoding="utf-8")  # as make train left it
    steps = Steps()

    refresh_generated(tmp_path / "staged", steps)

    names = (generated / "partner_names.yml").read_text(encoding="utf-8")
    assert "Tammerfors" in names and "Herning" in names
    assert (generated / "ask_partner.yml").is_file() and (generated / "en").is_dir()
    assert steps.seen == [("data_check", "Läser samarbetsparterna ur innehållet")]


def test_a_project_without_generated_data_is_left_as_it_is(tmp_path: Path):
    steps = Steps()
    refresh_generated(tmp_path, steps)
    assert steps.seen == [] and list(tmp_path.iterdir()) == []
