"""The data check before a training: Rasa's own validation, told in Swedish with
the file and the example, and broken YAML as a message instead of a traceback."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.retraining.launcher import start_training
from bot.retraining.staging import Sources, stage
from bot.retraining.validation import Problem, check
from tests.retraining.conftest import SCOPE_ARGS

BROKEN = """version: "3.1"
nlu:
  - intent: ask_policy
    examples: |
      - vad säger policyn
   - intent: ask_why
"""


@pytest.fixture
def project(small: Sources, tmp_path: Path) -> Sources:
    return Sources.folder(Path(shutil.copytree(small.root, tmp_path / "project", ignore=shutil.ignore_patterns("models"))))


def staged(sources: Sources, folder: Path, corrections: dict[str, list[tuple[str, str]]] | None = None) -> Path:
    return stage(sources, corrections or {}, {}, folder)


def test_broken_yaml_is_a_problem_with_its_file_and_line(project, tmp_path):
    (project.data[0] / "policy.yml").write_text(BROKEN, encoding="utf-8")
    (project.data[1] / "latin1.yml").write_bytes("stories: [\"r\xe4tt\"]".encode("latin-1"))

    problems = check(staged(project, tmp_path / "training"))

    assert [(p.file, p.line) for p in problems] == [("data/nlu/policy.yml", 6), ("data/stories/latin1.yml", None)]
    assert str(problems[0]).startswith("data/nlu/policy.yml, rad 6: filen är inte giltig YAML: kontrollera indraget")
    assert str(problems[1]) == "data/stories/latin1.yml: filen är inte text i UTF-8"


def test_rasas_checks_name_the_file_and_the_example_in_swedish(project, tmp_path):
    why = yaml.safe_load((project.data[0] / "nlu" / "ask_why.yml").read_text(encoding="utf-8"))
    example = why["nlu"][0]["examples"].splitlines()[0][2:]
    (project.data[2] / "odd.yml").write_text(
        'version: "3.1"\nrules:\n  - rule: svara med något okänt\n    steps:\n      - intent: greet\n'
        "      - action: action_that_does_not_exist\n", encoding="utf-8")
    # corrections: one under a second intent, one for an intent that has since left the domain
    folder = staged(project, tmp_path / "training",
                    {"sv": [("ask_policy", example), ("ask_old_topic", "finns det kvar")]})

    problems = check(folder)

    assert sorted(problems, key=str) == [
        Problem("data/nlu/reviewed.yml", "avsikten 'ask_old_topic' finns inte i domain.yml", 10),
        Problem("data/nlu/reviewed.yml", f"exemplet '{example}' finns under två avsikter (ask_policy och ask_why); "
                                         "det står också i data/nlu/nlu/ask_why.yml", 13),
        Problem("data/rules/odd.yml", "åtgärden 'action_that_does_not_exist' i 'svara med något okänt' "
                                      "finns inte i domain.yml"),
    ]


def test_a_training_with_broken_data_stops_at_the_data_check_and_lists_the_problems(store, project):
    (project.data[0] / "policy.yml").write_text(BROKEN, encoding="utf-8")
    version_id = start_training(store.sessions, "anna", project, SCOPE_ARGS)
    store.follow(version_id, timeout=300)

    version = store.history.get(version_id)
    assert (version.status, version.stage) == ("failed", "data_check")
    summary, *problems = version.error.splitlines()
    assert summary == ("Träningsdatan har ett problem. Rätta det och starta träningen igen. "
                       "Den aktiva modellen är orörd.")
    assert len(problems) == 1 and problems[0].startswith(
        "data/nlu/policy.yml, rad 6: filen är inte giltig YAML: kontrollera indraget")
    assert "Traceback" not in version.error and store.history.live() is None
    assert not (Path(store.history.folder.parent) / "training" / str(version_id)).exists()
