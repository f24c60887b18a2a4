"""The residents' REST channel masks text and metadata before Rasa gets the message."""
from __future__ import annotations

from types import SimpleNamespace

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels.rest import ResidentRestInput, guarded
from bot.content.system_messages import EMPTY_MESSAGE, MAX_MESSAGE_CHARS, TOO_LONG

RAW = "Mitt personnummer är 19121212-1212, ring 070-123 45 67 eller mejla anna@example.se"
MASKED = "Mitt personnummer är [PERSONNUMMER], ring [TELEFON] eller mejla [E-POST]"


async def _handled(message: UserMessage):
    seen = []

    async def rasa(received: UserMessage) -> None:
        seen.append((received.text, received.metadata))
        await received.output_channel.send_text_message(received.sender_id, "svar")

    await guarded(rasa)(message)
    return seen


async def test_rasa_only_ever_sees_the_masked_text_and_metadata():
    metadata = {"feedback": {"value": "negative", "message_index": 4, "bot_text": "Ring 0521-72 10 00"},
                "widget": {"page": "/", "lang": "sv"}}
    seen = await _handled(UserMessage(RAW, CollectingOutputChannel(), "web-1", metadata=metadata))
    assert seen == [(MASKED, {"feedback": {"value": "negative", "message_index": 4, "bot_text": "Ring [TELEFON]"},
                              "widget": {"page": "/", "lang": "sv"}, "language": "sv"})]


async def test_the_widget_feedback_payload_reaches_rasa_unchanged():
    payload = '/feedback{"value": "negative"}'
    seen = await _handled(UserMessage(payload, CollectingOutputChannel(), "web-1", metadata=None))
    assert seen == [(payload, {"language": "sv"})]


async def test_the_other_guards_still_answer_before_rasa():
    for text, expected in (("   ", EMPTY_MESSAGE), ("x" * (MAX_MESSAGE_CHARS + 1), TOO_LONG)):
        collector = CollectingOutputChannel()
        seen = await _handled(UserMessage(text, collector, "web-1"))
        assert seen == [] and collector.messages[0]["text"] == expected
        assert collector.messages[0]["lang"] == "sv"  # system_reply writes Swedish


def test_the_channel_masks_where_it_reads_the_request_so_rasa_logs_no_raw_text():
    """Rasa's REST channel logs `text` itself when handling fails; it reads it here."""
    channel = ResidentRestInput()
    request = SimpleNamespace(json={"sender": "web-1", "message": RAW,
                                    "metadata": {"feedback": {"bot_text": "mejla a@b.se"}}})
    assert channel._extract_message(request) == MASKED
    assert channel.get_metadata(request) == {"feedback": {"bot_text": "mejla [E-POST]"}}
    assert channel.get_metadata(SimpleNamespace(json={"message": "hej"})) is None
