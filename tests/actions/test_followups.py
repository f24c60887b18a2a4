"""Follow-ups on the list the bot gave last: ordinals, places and adjectives."""
from actions.focus_areas import ActionFocusAreas
from actions.lists import ActionSelectItem
from actions.partners import ActionPartners

FOCUS_LIST = {"listed": {"kind": "focus_areas", "items": ["1", "2", "3", "4", "5", "6"]}}
PARTNER_LIST = {"listed": {"kind": "partners", "items": ["Herning", "Ravenna", "Chobe District Council"]}}


def test_the_focus_area_list_is_remembered_for_follow_ups(turn):
    reply = turn(ActionFocusAreas(), "vilka fokusområden finns", "ask_focus_areas")
    assert reply.slot("listed") == {"kind": "focus_areas", "items": ["1", "2", "3", "4", "5", "6"]}


def test_the_fourth_focus_area_by_word_and_by_digit(turn):
    for text in ("berätta mer om det fjärde", "nummer 4", "och det fjarde då?"):
        reply = turn(ActionSelectItem(), text, "select_item", slots=FOCUS_LIST)
        assert "Resurssnåla kretslopp" in reply.text, text
        assert "Livslångt lärande" not in reply.text


def test_the_last_and_the_fifth_by_a_number_word(turn):
    assert "Frivilligorganisationernas humanitära arbete" in turn(
        ActionSelectItem(), "det sista", "select_item", slots=FOCUS_LIST).text
    assert "Ökad jämställdhet" in turn(ActionSelectItem(), "nummer fem", "select_item", slots=FOCUS_LIST).text


def test_an_ordinal_beyond_the_list_says_how_many_there_are(turn):
    reply = turn(ActionSelectItem(), "berätta om det sjunde", "select_item", slots=FOCUS_LIST)
    assert reply.text.startswith("Det finns 6 fokusområden.")
    assert "6. Frivilligorganisationernas humanitära arbete" in reply.text


def test_a_partner_by_position_by_place_and_by_adjective(turn):
    first = turn(ActionSelectItem(), "berätta mer om den första", "select_item", slots=PARTNER_LIST)
    assert "Herning i Danmark" in first.text
    assert first.slot("partner") == "Herning"
    botswana = turn(ActionSelectItem(), "den i botswana", "select_item", [("country", "Botswana")],
                    slots=PARTNER_LIST)
    assert "Chobe District Council i Botswana" in botswana.text
    danish = turn(ActionSelectItem(), "den danska", "select_item", slots=PARTNER_LIST)
    assert "Herning i Danmark" in danish.text and "Ravenna" not in danish.text


def test_a_place_none_of_the_listed_partners_is_in(turn):
    reply = turn(ActionSelectItem(), "den i kina", "select_item", [("country", "Kina")], slots=PARTNER_LIST)
    assert "Ingen av de samarbetsparter jag nämnde ligger i Kina." in reply.text
    assert len(reply.dispatcher.messages[0]["buttons"]) == 3


def test_a_follow_up_without_a_list_asks_which_list(turn):
    reply = turn(ActionSelectItem(), "det andra", "select_item")
    assert "Vilken lista menar du?" in reply.text
    payloads = [b["payload"] for b in reply.dispatcher.messages[0]["buttons"]]
    assert payloads == ["/ask_focus_areas", "/ask_partners"]


def test_partners_outside_a_place_and_all_but_a_country(turn):
    outside = turn(ActionPartners(), "vilka finns utanför europa", "ask_partners", [("continent", "Europa")])
    assert outside.text.startswith("Samarbetsparter utanför Europa:\nVänersborgs kommun har kontakter med Chobe")
    assert "Herning" not in outside.text
    assert outside.slot("partner") == "Chobe District Council"
    but = turn(ActionPartners(), "alla förutom danmark", "ask_partners", [("country", "Danmark")])
    assert "Ravenna" in but.text and "Chobe" in but.text and "Herning" not in but.text
    assert but.slot("listed")["items"] == ["Ravenna", "Chobe District Council"]


def test_a_continent_with_no_partners_is_said_plainly(turn):
    reply = turn(ActionPartners(), "och i asien?", "ask_partners", [("continent", "Asien")])
    assert reply.text.startswith("Jag har ingen information om samarbetsparter i Asien.")


def test_partners_other_than_the_ones_named(turn):
    reply = turn(ActionPartners(), "vilka kontakter har ni förutom herning", "ask_partners")
    assert reply.text.startswith("Samarbetsparter förutom Herning:")
    assert "Ravenna" in reply.text and "Chobe" in reply.text and "• Herning" not in reply.text


def test_inside_one_place_but_not_another_and_a_region(turn):
    reply = turn(ActionPartners(), "partners i europa men inte i danmark", "ask_partners",
                 [("continent", "Europa"), ("country", "Danmark")])
    assert "Ravenna" in reply.text and "Herning" not in reply.text and "Chobe" not in reply.text
    nordic = turn(ActionPartners(), "vilka partners finns i norden", "ask_partners")
    assert "Herning" in nordic.text and "Ravenna" not in nordic.text
