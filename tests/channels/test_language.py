"""The REST channel stores each message's language and marks each reply with it."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

import bot.channels.rest as rest
from bot.channels.guards import allowed_metadata
from bot.channels.rest import guarded, last_language


class Agent:
    """A Rasa agent with a tracker store and a model that answers each message."""

    def __init__(self, events: list | None = None, intents: dict[str, str] | None = None) -> None:
        self.events = events or []
        self.intents = intents or {}
        self.tracker_store = SimpleNamespace(retrieve=self.retrieve)

    def is_ready(self) -> bool:
        return True

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return DialogueStateTracker.from_events(sender_id, self.events) if self.events else None

    async def parse_message(self, text: str) -> dict:
        return {"text": text, "intent": {"name": self.intents.get(text, "ask_overview"), "confidence": 0.9},
                "entities": []}


def _conversation(*languages: str) -> list:
    events: list = []
    for language in languages:
        events += [UserUttered("…", metadata={"language": language}), ActionExecuted("action_listen"),
                   BotUttered("svar")]
    return events


async def _sent(monkeypatch, agent: Agent, text: str, metadata: dict | None = None):
    monkeypatch.setattr(rest, "_agent", lambda: agent)
    seen: list[UserMessage] = []

    async def rasa(received: UserMessage) -> None:
        seen.append(received)
        await received.output_channel.send_text_message(received.sender_id, "reply")

    collector = CollectingOutputChannel()
    await guarded(rasa)(UserMessage(text, collector, "web-1", metadata=metadata))
    return [m.metadata["language"] for m in seen], [r["lang"] for r in collector.messages]


async def test_an_english_question_in_a_new_conversation_is_answered_in_english(monkeypatch):
    assert await _sent(monkeypatch, Agent(), "what are your twin towns") == (["en"], ["en"])


async def test_a_one_word_message_keeps_the_conversations_language(monkeypatch):
    assert await _sent(monkeypatch, Agent(_conversation("sv", "en")), "thanks") == (["en"], ["en"])
    assert await _sent(monkeypatch, Agent(_conversation("en", "sv")), "Herning") == (["sv"], ["sv"])


async def test_a_clear_swedish_message_switches_an_english_conversation(monkeypatch):
    assert await _sent(monkeypatch, Agent(_conversation("en")), "vem har antagit policyn") == (["sv"], ["sv"])


async def test_the_widget_choice_wins_over_the_messages_language(monkeypatch):
    languages = await _sent(monkeypatch, Agent(), "vilka vänorter har ni", {"widget": {"lang": "en"}})
    assert languages == (["en"], ["en"])


async def test_each_question_of_a_split_message_carries_the_language(monkeypatch):
    agent = Agent(intents={"what is the policy": "ask_policy", "why do you work abroad?": "ask_why"})
    languages = await _sent(monkeypatch, agent, "what is the policy and why do you work abroad?")
    assert languages == (["en", "en"], ["en", "en"])


async def test_without_a_readable_tracker_store_the_conversation_starts_in_swedish(monkeypatch):
    async def broken(sender_id: str):
        raise ConnectionError("store down")

    agent = Agent()
    agent.tracker_store = SimpleNamespace(retrieve=broken)
    assert await _sent(monkeypatch, agent, "ok") == (["sv"], ["sv"])


def test_the_previous_language_is_the_last_user_messages():
    assert last_language(_conversation("sv", "en")) == "en"
    assert last_language([]) is None
    assert last_language([UserUttered("hej")]) is None


@pytest.mark.parametrize("lang", ["de", "EN", "english", ""])
def test_only_sv_or_en_is_kept_as_the_widgets_choice(lang):
    assert allowed_metadata({"widget": {"page": "/", "lang": lang}}) == {"widget": {"page": "/"}}
    assert allowed_metadata({"widget": {"lang": "en"}}) == {"widget": {"lang": "en"}}


async def test_the_channels_own_replies_come_in_the_conversations_language(monkeypatch):
    monkeypatch.setattr(rest, "_agent", lambda: Agent(_conversation("en")))
    for text, expected in (("x" * 1001, "Your message is too long for me"), ("   ", "Feel free to type a question")):
        collector = CollectingOutputChannel()
        await guarded(lambda _message: None)(UserMessage(text, collector, "web-1"))
        assert [r["lang"] for r in collector.messages] == ["en"]
        assert collector.messages[0]["text"].startswith(expected)
