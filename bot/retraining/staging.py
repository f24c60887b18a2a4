"""The training folder a portal training assembles for itself, var/training/<id>/.

The repository's data/ is never written: the job copies the training inputs
(config, domain and the data folders) into its own folder and writes the
learning inbox's corrections there, as the inbox's export would write them to
data/nlu/reviewed.yml and data/nlu/en/reviewed.yml. Rasa then trains on that
folder alone, so what a model learned is exactly what its folder held.

    var/training/<id>/config.yml, domain.yml
                      data/<path in the project>   e.g. data/data/nlu/ask_why.yml
                      training.json                 what the report keeps under "data"
                      models/candidate.tar.gz
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.conversations.inbox import NLU_FILE_NAME, render_nlu
from bot.conversations.languages import LANGUAGES, nlu_file
from bot.paths import ROOT, VAR_DIR

YAML_SUFFIXES = (".yml", ".yaml")
DATA = "data"
RECORD = "training.json"
MODEL_NAME = "candidate"


def work_dir() -> Path:
    """Where trainings assemble their folders (`TRAINING_WORK_DIR`, default var/training/)."""
    return Path(os.environ.get("TRAINING_WORK_DIR") or VAR_DIR / "training")


@dataclass(frozen=True)
class Sources:
    """A Rasa project's training inputs. The first data folder is the NLU folder the
    inbox's corrections belong to (its reviewed.yml, and en/reviewed.yml)."""
    root: Path
    config: Path
    domain: Path
    data: tuple[Path, ...]

    @classmethod
    def project(cls) -> Sources:
        """This repository, as `make train` trains it."""
        return cls(ROOT, ROOT / "config.yml", ROOT / "domain.yml",
                   tuple(ROOT / name for name in ("data/nlu", "data/stories", "data/rules", "var/nlu")))

    @classmethod
    def folder(cls, folder: Path) -> Sources:
        """A project laid out as config.yml, domain.yml and data/nlu, data/stories, data/rules."""
        return cls(folder, folder / "config.yml", folder / "domain.yml",
                   tuple(folder / DATA / name for name in ("nlu", "stories", "rules")))

    def reviewed(self, language: str) -> Path:
        """Where the export writes the corrections in `language`."""
        return nlu_file(self.data[0] / NLU_FILE_NAME, language)

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def files(self) -> dict[str, Path]:
        """Every training input by its path in the project, in a stable order."""
        found = {self.relative(self.config): self.config, self.relative(self.domain): self.domain}
        for folder in self.data:
            for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in YAML_SUFFIXES):
                found[self.relative(path)] = path
        return found

    def reviewed_files(self) -> set[str]:
        """The project paths of the export's files, which a training writes itself."""
        return {self.relative(self.reviewed(language)) for language in LANGUAGES}


def stage(sources: Sources, corrections: dict[str, list[tuple[str, str]]], record: dict[str, Any],
          folder: Path) -> Path:
    """Assemble the training folder: the sources' files, then each language's
    corrections ((intent, example) pairs) as its reviewed.yml, replacing the
    project's copy; `record` is kept beside them for the report. Returns `folder`."""
    shutil.rmtree(folder, ignore_errors=True)
    data = folder / DATA
    data.mkdir(parents=True)
    for relative, path in sources.files().items():
        if path == sources.config:
            target = folder / "config.yml"
        elif path == sources.domain:
            target = folder / "domain.yml"
        else:
            target = data / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    for language in LANGUAGES:
        target = data / sources.relative(sources.reviewed(language))
        pairs = corrections.get(language) or []
        if pairs:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(render_nlu(pairs, {}).text, encoding="utf-8")
        else:
            target.unlink(missing_ok=True)
    (folder / RECORD).write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    return folder


def staged_record(folder: Path) -> dict[str, Any]:
    return json.loads((folder / RECORD).read_text(encoding="utf-8"))


def shown_path(folder: Path, path: Path) -> str:
    """A staged file as the admin knows it: its path in the project."""
    try:
        inside = path.resolve().relative_to(folder.resolve())
    except ValueError:
        return str(path)
    parts = inside.parts
    return Path(*parts[1:]).as_posix() if parts and parts[0] == DATA and len(parts) > 1 else inside.as_posix()
