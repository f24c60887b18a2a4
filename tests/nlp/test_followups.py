"""Reading ordinals, exclusions and place adjectives from residents' words."""
import pytest

from bot.nlp.followups import LAST, adjective_of, is_excluded, ordinal


@pytest.mark.parametrize("text, position", [
    ("berätta mer om det fjärde", 4), ("nummer fem", 5), ("det första", 1), ("det sista", LAST),
    ("och det andra då?", 2), ("nr 3", 3), ("den 2:a", 2), ("det sjunde", 7), ("the second one", 2),
    ("number 4 please", 4), ("och fjarde", 4),
])
def test_ordinals_in_words_and_digits(text, position):
    assert ordinal(text) == position


@pytest.mark.parametrize("text", ["berätta om 2023", "vad är policyn", "nummer"])
def test_no_ordinal(text):
    assert ordinal(text) is None


def test_exclusions():
    assert is_excluded("vilka finns utanför europa", "Europa")
    assert is_excluded("alla förutom Danmark", "danmark")
    assert is_excluded("partners outside europe", "europe")
    assert not is_excluded("vilka finns i europa", "Europa")
    assert not is_excluded("utanför kommunen, finns det något i Italien", "Italien")


@pytest.mark.parametrize("word, place, expected", [
    ("danska", "Danmark", True), ("italienska", "Italien", True), ("botswanska", "Botswana", True),
    ("danish", "Danmark", True), ("norska", "Danmark", False), ("afrikanska", "Afrika", True),
    ("den", "Danmark", False),
])
def test_place_adjectives(word, place, expected):
    assert adjective_of(word, place) is expected


@pytest.mark.parametrize("text, position", [("4", 4), ("nr 4 tack", 4), ("den 2", 2)])
def test_a_bare_number_in_a_short_follow_up_picks_from_the_list(text, position):
    assert ordinal(text) == position


@pytest.mark.parametrize("text", [
    "hur klarade skolorna pandemin med covid-19 i kommunen",
    "vad hände på mötet den 12 mars i stadshuset",
    "(3 maj 2022)",
    "2019",
    "<script>alert(1)</script>",
    "' or 1=1 --",
])
def test_a_number_inside_a_longer_question_is_no_position(text):
    assert ordinal(text) is None
