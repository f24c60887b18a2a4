"""What a message asks (bot/nlp/questions.py): the question without the personal details
around it, and two questions in one."""
from bot.nlp.questions import questions, without_personal_details


def test_personal_details_around_a_question_are_not_what_is_classified():
    text = "jag heter Anna, mejla svaret till [E-POST]: vilka fokusområden har ni?"
    assert without_personal_details(text) == "vilka fokusområden har ni?"
    assert without_personal_details("ring mig på [TELEFON]. vem antog policyn") == "vem antog policyn"
    assert without_personal_details("mitt personnummer är [PERSONNUMMER], varför jobbar ni internationellt?") \
        == "varför jobbar ni internationellt?"


def test_english_personal_details_around_a_question_are_taken_out_too():
    assert without_personal_details("I'm Sara and I live on Kungsgatan 12 – which partners do you have?") \
        == "which partners do you have?"
    assert without_personal_details("Maria here, [TELEFON], why does the municipality work abroad") \
        == "why does the municipality work abroad"
    assert without_personal_details("my name is Omar, email me at [E-POST]. who adopted the policy?") \
        == "who adopted the policy?"
    assert without_personal_details("my social security number is [PERSONNUMMER] - why work internationally?") \
        == "why work internationally?"
    assert without_personal_details("could you mail the focus areas to [E-POST]") == "could you mail the focus areas"
    assert without_personal_details("skicka policyn till [E-POST] tack") == "skicka policyn tack"


def test_a_message_without_personal_details_is_left_as_it_is():
    for text in ("vilka vänorter har ni", "Berätta om Ravenna!", "hej", "och det åttonde?", "hej, vilka partner har ni",
                 "jag är nyfiken på vänorterna", "I am interested in the partners", "is Herning here in Sweden?",
                 "we live on the west coast, what about Ravenna?"):
        assert without_personal_details(text) == text


def test_two_questions_are_split_and_one_is_not():
    assert questions("vad är policyn och vem har antagit den?") == ["vad är policyn", "vem har antagit den?"]
    assert questions("vilka vänorter har ni? varför samarbetar ni") == ["vilka vänorter har ni", "varför samarbetar ni"]
    assert questions("samarbetar ni med herning och ravenna") == ["samarbetar ni med herning och ravenna"]
    assert questions("vilken hjälp och vilka pengar kan en förening få") == ["vilken hjälp och vilka pengar kan en förening få"]
    assert questions("what is the policy and who adopted it?") == ["what is the policy", "who adopted it?"]
