"""The lemma table answers as spaCy's own lookup lemmatizer does, for the Rasa
pipeline (bot/nlp/pipeline.py) and the action server."""
from __future__ import annotations

import pytest
import spacy

from bot.nlp.lemmas import LemmaTable, build
from bot.nlp.pipeline import save_pipeline


@pytest.fixture(scope="module")
def table(tmp_path_factory) -> LemmaTable:
    return LemmaTable(build(tmp_path_factory.mktemp("lemmas") / "lemmas.sqlite"))


@pytest.fixture(scope="module")
def spacy_lookup():
    """spaCy's lookup lemmatizer over the same package's table: the reference."""
    nlp = spacy.blank("sv")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


@pytest.mark.parametrize("form", ["vänorterna", "samarbeten", "kommunens", "utbyten", "skolor", "områdena"])
def test_a_form_gets_the_lemma_spacy_gives(table, spacy_lookup, form):
    expected = spacy_lookup(form)[0].lemma_
    assert table.lemma(form) == expected
    assert table.is_lemma(expected)


def test_the_saved_pipeline_lemmatises_as_spacy_does(spacy_lookup, tmp_path):
    texts = ["Vilka vänorter har kommunen?", "berätta om utbytena med skolorna", "Blorpfnask Ravenna 2023"]
    save_pipeline(tmp_path / "sv")
    saved = spacy.load(tmp_path / "sv")
    for ours, theirs in zip(saved.pipe(texts), spacy_lookup.pipe(texts)):
        assert [t.lemma_ for t in ours] == [t.lemma_ for t in theirs]


def test_folded_lemmas_meet_words_typed_without_diacritics(table):
    assert table.is_folded_lemma("vanort")
    assert not table.is_lemma("vanort")


def test_an_unknown_word_has_no_lemma(table):
    assert table.lemma("blorpfnask") is None
    assert not table.is_lemma("blorpfnask") and not table.is_folded_lemma("blorpfnask")


def test_a_missing_table_is_built_on_first_use(tmp_path):
    path = tmp_path / "lemmas.sqlite"
    assert LemmaTable(path).lemma("vänorterna") == "vänort" and path.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["lemmas.sqlite"]  # no temporary file left
