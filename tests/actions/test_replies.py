"""The conversation glue is sent in the staff's wording, also when the store is down."""
from __future__ import annotations

from actions.base import use_repository
from actions.replies import ActionSayGreet, ActionSayThank
from bot.content import texts
from bot.content.editor import ContentEditor
from bot.content.repository import ContentRepository
from bot.content.types import TEXTS
from bot.db.engine import session_factory


def _save(sessions, key: str, text: str) -> None:
    editor = ContentEditor(sessions)
    item = next(i for i in editor.list(TEXTS) if i.values["key"] == key)
    editor.update(TEXTS, item.id, {"key": key, "text": text}, item.version, "anna")


def test_the_greeting_and_its_topic_buttons_are_staff_texts(turn, sessions):
    _save(sessions, "greet", "Välkommen! Vad undrar du?")
    _save(sessions, "button_partners", "Våra kontakter")
    reply = turn(ActionSayGreet(), "hej", "greet")
    assert reply.text == "Välkommen! Vad undrar du?"
    buttons = reply.dispatcher.messages[0]["buttons"]
    assert {"title": "Våra kontakter", "payload": "/ask_partners"} in buttons
    assert len(buttons) == 4


def test_glue_replies_send_their_default_when_the_store_is_down(turn, tmp_path):
    use_repository(ContentRepository(session_factory(f"sqlite:///{tmp_path / 'gone' / 'x.db'}")))
    try:
        assert turn(ActionSayThank(), "tack", "thank").text == texts.defaults()["thank"]
    finally:
        use_repository(None)
