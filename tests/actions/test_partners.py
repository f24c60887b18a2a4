"""Partners: lookups that forgive typos, follow-ups, and honest unknowns."""
import pytest

from actions import ActionPartner, ActionPartners
from bot.content.types.partner import Partner


@pytest.mark.parametrize(
    "text, entities",
    [
        ("berätta om ravena", [("partner", "ravena")]),
        ("Berätta om Ravenna", []),
        ("vad gör ni med RAVENNA?", []),
    ],
)
def test_one_partner_by_name_despite_typos(turn, text, entities):
    reply = turn(ActionPartner(), text, "ask_partner", entities)
    assert "Ravenna i Italien" in reply.text
    assert reply.slot("partner") == "Ravenna"


def test_which_country_follows_up_on_the_partner_in_the_slot(turn):
    reply = turn(ActionPartner(), "Vilket land ligger den i?", "ask_partner_country", slots={"partner": "Ravenna"})
    assert reply.text.startswith("Ravenna ligger i Italien, i Europa.")


def test_and_then_another_partner_repeats_the_last_kind_of_question(turn):
    reply = turn(
        ActionPartner(), "och Herning då?", "inform_partner", [("partner", "Herning")],
        slots={"partner": "Ravenna", "partner_aspect": "country"},
    )
    assert reply.text.startswith("Herning ligger i Danmark")


def test_unknown_partner_gets_an_honest_answer_never_an_invented_one(turn):
    reply = turn(ActionPartner(), "har ni samarbete med Paris", "ask_partner", [("partner", "Paris")],
                 slots={"partner": "Ravenna"})
    assert "Jag har ingen information om något samarbete med Paris" in reply.text
    assert "Ravenna i Italien" not in reply.text
    assert reply.slot("partner") is None


def test_a_partner_added_to_the_store_is_found_without_retraining(turn, sessions):
    with sessions.begin() as session:
        session.add(Partner(name="Tammerfors", country="Finland", continent="Europa",
                                   kind="twin_town", description="Testpartner.", aliases=["Tampere"]))
    assert "Testpartner." in turn(ActionPartner(), "berätta om tampere", "ask_partner", [("partner", "tampere")]).text


def test_partners_by_continent(turn):
    reply = turn(ActionPartners(), "har ni partner i afrika", "ask_partners", [("continent", "Afrika")])
    # the one partner there: under the heading, described
    assert reply.text.startswith("Samarbetsparter i Afrika:\nVänersborgs kommun har kontakter med Chobe District Council")
    assert "Herning" not in reply.text


def test_twin_towns_are_answered_honestly_and_name_the_known_contacts(turn):
    reply = turn(ActionPartners(), "Vilka vänorter har ni?", "ask_partners", [("partner_kind", "vänort")])
    # Plainly: the page does not say which are twin towns; then the contacts it names.
    assert reply.text.startswith("Sidan om internationellt arbete säger inte vilka kommunens vänorter är.")
    assert "känner till" not in reply.text
    assert "Herning (Danmark, Europa)" in reply.text


def test_no_partners_in_a_country_the_store_does_not_have(turn):
    reply = turn(ActionPartners(), "partner i frankrike", "ask_partners", [("country", "Frankrike")])
    assert "ingen information om samarbetsparter i Frankrike" in reply.text
