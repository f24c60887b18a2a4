"""Unknown places, the staff rule, "Menade du …?" and the personal-data reminder."""
from actions.fallback import ActionRephrase
from actions.partners import ActionPartner
from actions.topics import ActionAnswerTopic
from bot.content.editor import ContentEditor
from bot.content.types import QA


def test_an_unknown_place_gets_an_honest_answer_in_the_residents_spelling(turn):
    text = "är uddevalla en vänort?"
    reply = turn(ActionPartner(), text, "ask_partner",
                 message={"entities": [{"entity": "place", "value": "Uddevalla", "start": 3, "end": 12}]})
    assert reply.text.startswith("Jag har ingen information om något samarbete med Uddevalla.")
    assert "Herning" in reply.text and "Ravenna" in reply.text and "Chobe District Council" in reply.text


def test_a_city_the_store_does_not_know_keeps_its_capital_letter(turn):
    text = "Har ni något samarbete med Hamburg?"
    reply = turn(ActionPartner(), text, "ask_partner",
                 message={"entities": [{"entity": "place", "value": "Hamburg", "start": 27, "end": 34}]})
    assert "samarbete med Hamburg." in reply.text


def test_a_place_with_one_partner_is_answered_with_that_partner(turn):
    reply = turn(ActionPartner(), "den där staden i danmark", "ask_partner", [("country", "Danmark")])
    assert reply.text.startswith("Samarbetsparter i Danmark:\nVänersborgs kommun har kontakter med Herning i Danmark.")
    assert reply.slot("partner") == "Herning"


def test_a_continent_with_several_partners_lists_them(turn):
    reply = turn(ActionPartner(), "samarbetar ni med europa", "ask_partner", [("continent", "Europa")])
    assert reply.text.startswith("Samarbetsparter i Europa:")
    assert "Ravenna" in reply.text and "Herning" in reply.text and "Chobe" not in reply.text


def test_a_misspelled_partner_inside_a_longer_message(turn):
    reply = turn(ActionPartner(), "vad gör ni med herrning danmark", "ask_partner", [("country", "Danmark")])
    assert "Herning i Danmark" in reply.text


def test_a_staff_entrys_own_example_question_wins_over_the_trained_intent(turn, repo, sessions):
    ContentEditor(sessions).create(QA, {
        "title": "Praktik", "answer": "Kontakta kommunen om praktik.",
        "examples": "Kan jag göra praktik i en vänort?"}, "test")
    reply = turn(ActionAnswerTopic(), "kan jag göra praktik i en vänort", "ask_activities")
    assert reply.text.startswith("Kontakta kommunen om praktik.")
    other = turn(ActionAnswerTopic(), "vilka utbyten gör ni", "ask_activities")
    assert other.text.startswith("Vänersborgs kommun deltar i flertalet utbyten")


def test_a_close_runner_up_is_offered_as_did_you_mean(turn):
    ranking = [{"name": "ask_organisation", "confidence": 0.48}, {"name": "ask_policy", "confidence": 0.41}]
    reply = turn(ActionAnswerTopic(), "vem bestämmer", "ask_organisation", message={"intent_ranking": ranking})
    assert reply.dispatcher.messages[0]["text"].startswith("För att nå målen")
    assert reply.dispatcher.messages[1]["text"] == "Menade du kanske det här?"
    assert reply.dispatcher.messages[1]["buttons"] == [
        {"title": "Den internationella policyn", "payload": "/ask_policy"}]


def test_a_confident_answer_offers_nothing_else(turn):
    ranking = [{"name": "ask_organisation", "confidence": 0.95}, {"name": "ask_policy", "confidence": 0.03}]
    reply = turn(ActionAnswerTopic(), "hur är arbetet organiserat", "ask_organisation",
                 message={"intent_ranking": ranking})
    assert len(reply.dispatcher.messages) == 1


def test_low_confidence_offers_the_likely_topics_as_buttons(turn):
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "ask_goals_link", "confidence": 0.42},
               {"name": "ask_benefits_residents", "confidence": 0.35}, {"name": "greet", "confidence": 0.1}]
    reply = turn(ActionRephrase(), "ger det nåt alls", "nlu_fallback", message={"intent_ranking": ranking})
    titles = [b["title"] for b in reply.dispatcher.messages[0]["buttons"]]
    assert titles == ["Kopplingen till kommunens mål", "Vad arbetet ger dig som invånare"]


def test_masked_personal_data_gets_one_reminder_and_is_not_repeated(turn):
    text = "jag heter Anna, mejla svaret till [E-POST]: vad är policyn?"
    reply = turn(ActionAnswerTopic(), text, "ask_policy", message={"metadata": {"personal_data_masked": True}})
    assert reply.dispatcher.messages[0]["text"].startswith("Grunden för arbetet är den internationella policyn")
    assert reply.dispatcher.messages[-1]["text"].startswith("Tänk på att inte skriva personuppgifter")
    assert "[E-POST]" not in reply.text
    plain = turn(ActionAnswerTopic(), "vad är policyn?", "ask_policy")
    assert "personuppgifter" not in plain.text


def test_two_partners_in_one_question_are_both_described(turn):
    reply = turn(ActionPartner(), "berätta om herning och ravenna", "ask_partner", [("partner", "Herning")])
    assert "Herning i Danmark" in reply.text and "Ravenna i Italien" in reply.text
    assert reply.text.count("Källa:") == 1


def test_is_a_partner_a_twin_town_is_answered_plainly(turn):
    reply = turn(ActionPartner(), "är herning en vänort", "ask_partner",
                 [("partner", "herning"), ("partner_kind", "vänort")])
    assert reply.text.startswith("Sidan om internationellt arbete säger inte vilka kommunens vänorter är.")
    assert "Ravenna" in reply.text and "Chobe District Council" in reply.text


def test_a_question_about_where_is_answered_with_the_place(turn):
    reply = turn(ActionPartner(), "vilken kontinent är ravenna på", "ask_partner", [("partner", "ravenna")])
    assert reply.text.startswith("Ravenna ligger i Italien, i Europa.")


def test_a_detail_the_answer_lacks_is_said_to_be_missing_first(turn):
    reply = turn(ActionAnswerTopic(), "vilket år antogs den internationella policyn", "ask_policy")
    assert reply.text.startswith("Sidan anger inget årtal för det.")
    assert "kommunfullmäktige" in reply.text
    assert not turn(ActionAnswerTopic(), "vem har antagit policyn", "ask_policy").text.startswith("Sidan anger")


def test_a_detail_of_the_international_work_asked_as_out_of_scope_gets_no_answer_not_not_my_area(turn, repo):
    from actions.fallback import ActionOutOfScope
    reply = turn(ActionOutOfScope(), "vad är budgeten för vänortsarbetet", "out_of_scope")
    assert reply.text.startswith("Det har jag tyvärr ingen information om.")
    other = turn(ActionOutOfScope(), "vad kostar ett bygglov", "out_of_scope")
    assert other.text.startswith("Jag kan bara svara på frågor om Vänersborgs kommuns internationella arbete.")


def test_a_missing_detail_after_an_in_scope_question_is_no_answer_not_rephrase(turn):
    from actions.fallback import ActionRephrase
    from tests.actions.conftest import Turn, make_tracker
    tracker = make_tracker("har personen ett telefonnummer?", "nlu_fallback")
    tracker.events = [{"event": "user", "parse_data": {"intent": {"name": "ask_contact"}}},
                      {"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}}]
    assert Turn(ActionRephrase(), tracker).text.startswith("Det har jag tyvärr ingen information om.")
    assert "formulera" in turn(ActionRephrase(), "har personen ett telefonnummer?", "nlu_fallback").text
