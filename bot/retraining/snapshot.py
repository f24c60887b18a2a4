"""What the next model would learn, beside what the live model learned.

A model's training data is its project's files plus the learning inbox's
corrections (bot/retraining/staging.py). Each model's report keeps that under
"data" (`TrainingData.record()`): the SHA-256 of every input file, the
corrections, and a fingerprint of the two. The "Träna om" page compares the
data the next training would read with the live model's record.

Staff Q&A entries are not trained: they are answered at once by retrieval
(bot/content/retrieval.py), so the page lists them as answered without
training. Training them as an intent would need a `qa_staff` intent, an action
and a rule in domain.yml, which a training in the portal does not write; and,
measured once on the real project, it gained nothing (the evaluation's staff
questions: 12 of 12 answered either way) while two more of the external
out-of-scope questions got a staff answer (100 of 110 declined instead of 102).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import sessionmaker

from bot.content.repository import ContentRepository
from bot.conversations.inbox import file_examples
from bot.conversations.languages import DEFAULT, LANGUAGES
from bot.conversations.learning import LearningDecisions
from bot.retraining.history import ModelHistory, file_sha256
from bot.retraining.staging import Sources

ADDED, CHANGED, REMOVED = "ny", "ändrad", "borttagen"
QA_TRAINED = False  # staff Q&A examples are answered by retrieval, not trained (see above)


@dataclass(frozen=True, order=True)
class Correction:
    language: str
    intent: str
    text: str


def manifest(sources: Sources | None = None) -> dict[str, str]:
    """Project path → SHA-256 of each training input (config.yml, domain.yml,
    data/nlu, data/stories, data/rules, var/nlu)."""
    return {relative: file_sha256(path) for relative, path in (sources or Sources.project()).files().items()}


@dataclass(frozen=True)
class TrainingData:
    """What a model is trained on: its input files and the inbox's corrections."""
    files: dict[str, str]
    corrections: list[Correction]
    fingerprint: str

    def by_language(self) -> dict[str, list[tuple[str, str]]]:
        """language → (intent, example) pairs, as the export writes them."""
        return {language: [(c.intent, c.text) for c in self.corrections if c.language == language]
                for language in LANGUAGES}

    def record(self) -> dict[str, Any]:
        """The report's "data" entry."""
        return {"files": self.files, "fingerprint": self.fingerprint,
                "corrections": [[c.language, c.intent, c.text] for c in self.corrections]}


def _training_data(sources: Sources, corrections: list[Correction]) -> TrainingData:
    """The fingerprint covers every input file except the export's, whose examples
    count as corrections: a model trained by `make train` after an export and one
    trained in the portal from the same decisions get the same fingerprint."""
    files = manifest(sources)
    generated = sources.reviewed_files()
    corrections = sorted(set(corrections))
    payload = {"files": {path: sha for path, sha in files.items() if path not in generated},
               "corrections": [[c.language, c.intent, c.text] for c in corrections]}
    fingerprint = hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return TrainingData(files, corrections, fingerprint)


def inbox_training_data(sessions: sessionmaker, sources: Sources | None = None) -> TrainingData:
    """The next training's data: the project's files plus every correction of the
    inbox that the rest of the NLU data does not hold already (as the export does)."""
    sources = sources or Sources.project()
    decisions = LearningDecisions(sessions)
    corrections = [Correction(language, intent, text)
                   for language in LANGUAGES
                   for intent, text in decisions.nlu_export(sources.data[0], sources.reviewed(DEFAULT), language).written]
    return _training_data(sources, corrections)


def project_training_data(sources: Sources | None = None) -> TrainingData:
    """The data `make train` reads: the project's files, with the corrections an
    export wrote into them. For the report of a model registered at stack start."""
    sources = sources or Sources.project()
    corrections = [Correction(language, intent, text)
                   for language in LANGUAGES
                   for intent, text in file_examples(sources.reviewed(language))]
    return _training_data(sources, corrections)


@dataclass(frozen=True)
class Snapshot:
    corrections: list[Correction]  # not in the live model's data
    qa_examples: list[tuple[str, list[str]]]  # (title, example questions) of each staff Q&A entry
    changed_files: list[tuple[str, str]]  # (project path, ADDED | CHANGED | REMOVED) since the live model
    fingerprint: str  # of the whole training data
    live_known: bool  # False: no live model, or one without a record of its data ("okänt")
    data: TrainingData = field(repr=False)
    qa_trained: bool = QA_TRAINED

    @property
    def nothing_new(self) -> bool:
        """The next model would learn what the live one did."""
        return self.live_known and not self.corrections and not self.changed_files


def changes(before: dict[str, str], now: dict[str, str]) -> list[tuple[str, str]]:
    found = [(path, ADDED if path not in before else CHANGED) for path, sha in now.items() if before.get(path) != sha]
    found += [(path, REMOVED) for path in before if path not in now]
    return sorted(found)


def qa_examples(sessions: sessionmaker) -> list[tuple[str, list[str]]]:
    """Each entry's title with its example questions, the English ones after the Swedish."""
    swedish = ContentRepository(sessions)
    english = {entry.id: entry for entry in swedish.in_language("en").qa_entries()}
    found = []
    for entry in swedish.qa_entries():
        examples = list(entry.examples)
        other = english.get(entry.id)
        examples += [e for e in (other.examples if other else ()) if e not in examples]
        found.append((entry.title, examples))
    return found


def live_record(history: ModelHistory) -> dict[str, Any] | None:
    """The live model's "data" record, when it has one."""
    live = history.live()
    data = ((live.report if live else None) or {}).get("data")
    return data if isinstance(data, dict) and isinstance(data.get("files"), dict) else None


def next_training(sessions: sessionmaker, history: ModelHistory, sources: Sources | None = None) -> Snapshot:
    """What the next model would learn, against the live model's data."""
    data = inbox_training_data(sessions, sources)
    live = live_record(history)
    if live is None:
        new, changed = data.corrections, []
    else:
        learned = {Correction(*item) for item in live.get("corrections") or []}
        new = [c for c in data.corrections if c not in learned]
        changed = changes(live["files"], data.files)
    return Snapshot(new, qa_examples(sessions), changed, data.fingerprint, live is not None, data)
