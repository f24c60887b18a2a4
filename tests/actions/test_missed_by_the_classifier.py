"""Messages the classifier missed (fallback or out of scope) that the words settle:
a position in the list given last, cooperation with a place, a partner's name."""
from actions.fallback import ActionOutOfScope, ActionRephrase
from actions.partners import ActionPartners

def user_turns(*turns: tuple[str, str, float]) -> list[dict]:
    """The tracker's user events for (text, intent, confidence), oldest first."""
    return [{"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": confidence}}}
            for text, intent, confidence in turns]


FOCUS_AREAS_LISTED = {"listed": {"kind": "focus_areas", "items": ["1", "2", "3", "4", "5", "6"]}}


def test_a_position_past_the_end_of_the_list_given_last_says_how_many_there_are(turn):
    for text in ("och det tolfte?", "nittonde", "nummer 9 tack"):
        reply = turn(ActionRephrase(), text, "nlu_fallback", slots=FOCUS_AREAS_LISTED)
        assert reply.text.startswith("Det finns 6 fokusområden."), text


def test_a_position_in_the_list_given_last_names_that_item(turn):
    reply = turn(ActionOutOfScope(), "det fjärde då", "out_of_scope", slots=FOCUS_AREAS_LISTED)
    assert "Resurssnåla kretslopp" in reply.text and "Livslångt lärande" not in reply.text


def test_without_a_list_a_number_is_not_taken_for_a_follow_up(turn):
    reply = turn(ActionRephrase(), "det fjärde", "nlu_fallback")
    assert "formulera" in reply.text


def test_cooperation_with_a_place_is_a_partner_question_whatever_the_classifier_said(turn):
    text = "finns det något utbyte med Lysekil"
    for action, intent in ((ActionOutOfScope(), "out_of_scope"), (ActionRephrase(), "nlu_fallback")):
        reply = turn(action, text, intent,
                     message={"entities": [{"entity": "place", "value": "Lysekil", "start": 27, "end": 34}]})
        assert reply.text.startswith("Jag har ingen information om något samarbete med Lysekil."), intent
        assert "Herning" in reply.text


def test_a_place_in_a_question_about_something_else_stays_out_of_scope(turn):
    text = "när går bussen till Lysekil"
    reply = turn(ActionOutOfScope(), text, "out_of_scope",
                 message={"entities": [{"entity": "place", "value": "Lysekil", "start": 20, "end": 27}]})
    assert "samarbete med" not in reply.text
    assert "bara svara på frågor om" in reply.text


def test_a_partner_glued_into_a_word_is_that_partner_when_the_classifier_was_unsure(turn):
    reply = turn(ActionRephrase(), "ravennakontakten, vad är det", "nlu_fallback")
    assert "Ravenna i Italien" in reply.text


def test_a_partners_country_glued_into_a_word_filters_by_that_country(turn):
    text = "italiensamarbetet"
    reply = turn(ActionPartners(), text, "ask_partners",
                 message={"entities": [{"entity": "country", "value": text, "start": 0, "end": len(text)}]})
    assert reply.text.startswith("Samarbetsparter i Italien:")
    assert "Ravenna" in reply.text and "ingen information" not in reply.text


def test_a_short_place_just_after_a_partner_question_narrows_it(turn):
    events = user_turns(("har ni samarbete med kina", "ask_partner", 0.9), ("och afrika?", "nlu_fallback", 0.3))
    entities = [{"entity": "continent", "value": "Afrika", "start": 4, "end": 10}]
    reply = turn(ActionRephrase(), "och afrika?", "nlu_fallback",
                 message={"entities": entities}, events=events)
    assert "Chobe District Council" in reply.text and "Herning" not in reply.text
    alone = turn(ActionRephrase(), "och afrika?", "nlu_fallback", message={"entities": entities})
    assert "formulera" in alone.text  # nothing to narrow: ask again


def test_a_long_question_that_mentions_contact_with_a_place_stays_out_of_scope(turn):
    text = "hur får mitt barn kontakt med sina kusiner i Norge efter flytten till en ny stad"
    reply = turn(ActionOutOfScope(), text, "out_of_scope",
                 message={"entities": [{"entity": "country", "value": "Norge", "start": 45, "end": 50}]})
    assert "bara svara på frågor om" in reply.text and "Herning" not in reply.text


def test_a_country_without_partners_in_a_list_question_is_an_unknown_place(turn):
    reply = turn(ActionPartners(), "samarbetar kommunen med tyskland", "ask_partners",
                 message={"entities": [{"entity": "country", "value": "Tyskland", "start": 24, "end": 32}]})
    assert reply.text.startswith("Jag har ingen information om något samarbete med Tyskland.")
    continent = turn(ActionPartners(), "vilka partner har ni i asien", "ask_partners",
                     message={"entities": [{"entity": "continent", "value": "Asien", "start": 23, "end": 28}]})
    assert continent.text.startswith("Jag har ingen information om samarbetsparter i Asien.")


def test_more_in_a_continent_just_after_a_partner_question_narrows_it_even_out_of_scope(turn):
    events = user_turns(("berätta om chobe", "ask_partner", 0.9), ("finns det fler i asien?", "out_of_scope", 0.99))
    entities = [{"entity": "continent", "value": "Asien", "start": 17, "end": 22}]
    reply = turn(ActionOutOfScope(), "finns det fler i asien?", "out_of_scope",
                 message={"entities": entities}, events=events)
    assert reply.text.startswith("Jag har ingen information om samarbetsparter i Asien.")


def test_cooperation_with_a_named_place_counts_in_a_long_message_too(turn):
    text = "vi har precis flyttat hit från Lysekil och undrar om ni har något utbyte med lysekil"
    start = text.rindex("lysekil")
    reply = turn(ActionOutOfScope(), text, "out_of_scope",
                 message={"entities": [{"entity": "place", "value": "Lysekil", "start": start, "end": start + 7}]})
    assert reply.text.startswith("Jag har ingen information om något samarbete med Lysekil.")


def test_cooperation_with_a_partner_inside_a_message_about_someone_else(turn):
    reply = turn(ActionOutOfScope(), "min granne undrar om kommunen samarbetar med herning", "out_of_scope")
    assert "Herning i Danmark" in reply.text
    travel = turn(ActionOutOfScope(), "vad blir det för väder i ravenna i helgen", "out_of_scope")
    assert "bara svara på frågor om" in travel.text
