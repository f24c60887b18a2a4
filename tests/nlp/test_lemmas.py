"""The action server's lemma table answers as the Rasa pipeline's lemmatizer does."""
from __future__ import annotations

import pytest

from bot.nlp.lemmas import LemmaTable, build
from bot.nlp.pipeline import build_pipeline


@pytest.fixture(scope="module")
def table(tmp_path_factory) -> LemmaTable:
    return LemmaTable(build(tmp_path_factory.mktemp("lemmas") / "lemmas.sqlite"))


@pytest.fixture(scope="module")
def pipeline():
    return build_pipeline()


@pytest.mark.parametrize("form", ["vänorterna", "samarbeten", "kommunens", "utbyten", "skolor", "områdena"])
def test_a_form_gets_the_lemma_the_pipeline_gives(table, pipeline, form):
    expected = pipeline(form)[0].lemma_
    assert table.lemma(form) == expected
    assert table.is_lemma(expected)


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
