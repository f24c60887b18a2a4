"""The policy's focus areas, as a list and one at a time."""
from actions import ActionFocusAreas


def test_the_list_has_all_six_in_order(turn):
    reply = turn(ActionFocusAreas(), "vilka fokusområden finns", "ask_focus_areas")
    assert "6 prioriterade fokusområden" in reply.text
    assert reply.text.index("1. Goda levnadsvillkor") < reply.text.index("6. Frivilligorganisationernas")


def test_one_focus_area_from_a_short_or_misspelt_name(turn):
    reply = turn(ActionFocusAreas(), "vad innebär jamstalldhet", "ask_focus_area", [("focus_area", "jamstalldhet")])
    assert "”Ökad jämställdhet och mångfald i samhällslivet” är fokusområde 5 av 6" in reply.text


def test_one_focus_area_found_in_the_text_when_no_entity(turn):
    reply = turn(ActionFocusAreas(), "berätta om livslångt lärande", "ask_focus_area")
    assert "”Livslångt lärande” är fokusområde 3" in reply.text
