"""How the channel reads a message before Rasa does (bot/channels/questions.py): personal
details taken out of what is classified, two questions answered as two."""
import asyncio

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels.questions import MASKED_FLAG, understood
from bot.nlp.questions import without_personal_details


def _parser(intents: dict[str, tuple[str, float]]):
    async def parse(text: str) -> dict:
        name, confidence = intents.get(text, ("nlu_fallback", 0.3))
        return {"text": text, "intent": {"name": name, "confidence": confidence}, "entities": []}
    return parse


def _message(text: str) -> UserMessage:
    return UserMessage(text, CollectingOutputChannel(), "s1", metadata={"lang": "sv"})


def test_two_in_scope_questions_become_two_turns_the_first_keeping_the_whole_text():
    text = "vilka vänorter har ni och varför samarbetar ni?"
    parse = _parser({"vilka vänorter har ni": ("ask_partners", 0.9), "varför samarbetar ni?": ("ask_why", 0.8)})
    first, second = asyncio.run(understood(_message(text), parse, masked=False))
    assert (first.text, first.parse_data["intent"]["name"]) == (text, "ask_partners")
    assert first.parse_data["text"] == "vilka vänorter har ni"
    assert (second.text, second.parse_data["intent"]["name"]) == ("varför samarbetar ni?", "ask_why")


def test_one_question_with_personal_details_is_parsed_without_them_and_flagged():
    text = "jag heter Anna, mejla svaret till [E-POST]: vilka fokusområden har ni?"
    parse = _parser({"vilka fokusområden har ni?": ("ask_focus_areas", 0.97)})
    (message,) = asyncio.run(understood(_message(text), parse, masked=True))
    assert message.text == text
    assert message.parse_data["intent"]["name"] == "ask_focus_areas"
    assert message.parse_data["text"] == "vilka fokusområden har ni?"
    assert message.metadata == {"lang": "sv", MASKED_FLAG: True}


def test_a_plain_question_is_left_to_rasa_and_a_weak_second_part_is_dropped():
    (plain,) = asyncio.run(understood(_message("vad är policyn"), _parser({}), masked=False))
    assert plain.parse_data is None
    text = "vad är policyn och vad kostar bussen"
    parse = _parser({"vad är policyn": ("ask_policy", 0.9), "vad kostar bussen": ("out_of_scope", 0.9)})
    (only,) = asyncio.run(understood(_message(text), parse, masked=False))
    assert only.text == text and only.parse_data["intent"]["name"] == "ask_policy"


def test_a_name_and_street_address_are_taken_out_and_flagged_though_nothing_was_masked():
    text = "Jag heter Karl Svensson och bor på Storgatan 12, vad ger det internationella arbetet invånarna?"
    parse = _parser({"vad ger det internationella arbetet invånarna?": ("ask_benefits_residents", 0.9)})
    (message,) = asyncio.run(understood(_message(text), parse, masked=False))
    assert message.parse_data["intent"]["name"] == "ask_benefits_residents"
    assert message.metadata[MASKED_FLAG] is True
    assert without_personal_details("jag bor i uddevalla, har ni samarbete med uddevalla") \
        == "jag bor i uddevalla, har ni samarbete med uddevalla"
