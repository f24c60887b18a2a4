"""Builds the Swedish spaCy pipeline that Rasa's SpacyNLP loads.

No pretrained Swedish model can be downloaded here, so the pipeline is a blank
Swedish tokenizer plus spaCy's lookup lemmatizer, whose tables come from the
`spacy-lookups-data` package. The build is deterministic: same packages, same
pipeline.
"""
from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

from bot.paths import SPACY_MODEL_DIR


def build_pipeline() -> Language:
    """A blank Swedish pipeline with lookup lemmas (vänorterna → vänort)."""
    nlp = spacy.blank("sv")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.meta["name"] = "sv_vanersborg_lookup"
    nlp.meta["description"] = "spacy.blank('sv') + lookup lemmatizer (spacy-lookups-data)"
    return nlp


def save_pipeline(target: Path = SPACY_MODEL_DIR) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    build_pipeline().to_disk(target)
    return target


def load_pipeline(path: Path = SPACY_MODEL_DIR) -> Language:
    """The saved pipeline, built on the fly if it is missing."""
    if not (path / "meta.json").exists():
        save_pipeline(path)
    return spacy.load(path)
