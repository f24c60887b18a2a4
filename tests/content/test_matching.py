"""Fuzzy matching of names the way residents type them."""
import pytest

from bot.content.matching import best_match, normalise

NAMES = ["Herning", "Ravenna", "Chobe District Council"]


def test_normalise_folds_case_diacritics_and_punctuation():
    assert normalise("  Vänorter? ÅÄÖ!! ") == "vanorter aao"


@pytest.mark.parametrize(
    "query, expected",
    [("ravena", "Ravenna"), ("HERNIG", "Herning"), ("chobe district counsil", "Chobe District Council")],
)
def test_typos_are_tolerated(query, expected):
    assert best_match(query, NAMES, lambda n: [n]) == expected


def test_names_are_found_inside_a_sentence():
    assert best_match("berätta om ravena tack", NAMES, lambda n: [n], within_text=True) == "Ravenna"


@pytest.mark.parametrize("query", ["Paris", "Oslo", "", "Hernösand kommun"])
def test_unknown_places_do_not_match(query):
    assert best_match(query, NAMES, lambda n: [n]) is None
