"""Builds the Swedish spaCy pipeline that Rasa's SpacyNLP loads.

No pretrained Swedish model can be downloaded here, so the pipeline is a blank
Swedish tokenizer plus lookup lemmas from the `spacy-lookups-data` package. The
lemmas are those of spaCy's lookup lemmatizer (`table.get(text, text)`), read
from the indexed table in bot/nlp/lemmas.py: spaCy's own Lookups keep the
660,000 forms in every Rasa worker's memory (about 450 MB each). The build is
deterministic: same packages, same pipeline.

spaCy finds the `table_lemmatizer` factory by name when it loads the saved
pipeline, so this module must be imported first: bot/nlp/featurizer.py, a
component of the Rasa pipeline, imports it.
"""
# No `from __future__ import annotations`: spaCy validates a factory's arguments
# by their type hints, which must then be real types, not strings.
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from bot.nlp.lemmas import LEMMA_DB, LemmaTable, build
from bot.paths import SPACY_MODEL_DIR


class TableLemmatizer:
    """Sets each token's lemma from the lemma table; a form it lacks is its own lemma."""

    def __init__(self) -> None:
        self._table: LemmaTable | None = None

    def __call__(self, doc: Doc) -> Doc:
        if self._table is None:
            self._table = LemmaTable()
        for token in doc:
            token.lemma_ = self._table.lemma(token.text) or token.text
        return doc


@Language.factory("table_lemmatizer")
def make_table_lemmatizer(nlp: Language, name: str) -> TableLemmatizer:
    return TableLemmatizer()


def build_pipeline() -> Language:
    """A blank Swedish pipeline with lookup lemmas (vänorterna → vänort)."""
    nlp = spacy.blank("sv")
    nlp.add_pipe("table_lemmatizer")
    nlp.meta["name"] = "sv_vanersborg_lookup"
    nlp.meta["description"] = "spacy.blank('sv') + spacy-lookups-data's lemma lookup table (bot/nlp/lemmas.py)"
    return nlp


def save_pipeline(target: Path = SPACY_MODEL_DIR) -> Path:
    """The pipeline for Rasa, and the lemma table it reads (built once)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    build_pipeline().to_disk(target)
    if not LEMMA_DB.exists():
        build()
    return target
