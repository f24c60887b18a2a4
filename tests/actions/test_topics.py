"""Topic answers come from the store, cite the page, and follow edits at once."""
from sqlalchemy import update

from actions import ActionAnswerTopic, ActionOutOfScope
from actions.base import use_repository
from bot.content.repository import ContentRepository
from bot.content.system_messages import TECHNICAL_ERROR
from bot.content.types.topic import Topic
from bot.db.engine import session_factory


def test_topic_answer_is_read_from_the_store_with_its_source(turn):
    reply = turn(ActionAnswerTopic(), "vem har antagit policyn", "ask_policy")
    assert "antagits av kommunfullmäktige" in reply.text
    assert reply.text.endswith("\nKälla: Internationellt arbete, 8 maj 2023")
    # the widget links the line to the page (the municipality's site until staff set its address)
    assert reply.dispatcher.messages[-1]["custom"] == {
        "citation": {"text": "Källa: Internationellt arbete, 8 maj 2023", "url": "https://www.vanersborg.se"}}


def test_an_edit_in_the_store_shows_in_the_next_reply(turn, sessions):
    with sessions.begin() as session:
        session.execute(
            update(Topic).where(Topic.key == "why").values(body="Nytt svar om varför.")
        )
    assert "Nytt svar om varför." in turn(ActionAnswerTopic(), "varför", "ask_why").text


def test_a_topic_missing_from_the_store_gets_the_honest_no_answer(turn, sessions):
    with sessions.begin() as session:
        session.query(Topic).filter_by(key="history").delete()
    reply = turn(ActionAnswerTopic(), "hur länge har ni hållit på", "ask_history")
    assert "ingen information" in reply.text
    assert "Källa" not in reply.text


def test_out_of_scope_points_to_the_municipality(turn):
    reply = turn(ActionOutOfScope(), "när töms soporna", "out_of_scope")
    assert "bara svara på frågor om Vänersborgs kommuns internationella arbete" in reply.text
    assert "www.vanersborg.se" in reply.text


def test_an_unreachable_database_gives_a_polite_reply(turn):
    use_repository(ContentRepository(session_factory("postgresql://nobody@127.0.0.1:1/none")))
    reply = turn(ActionAnswerTopic(), "varför", "ask_why")
    assert reply.text == TECHNICAL_ERROR


def test_markdown_written_by_staff_is_sent_as_plain_chat_text(turn, sessions):
    with sessions.begin() as session:
        session.execute(
            update(Topic).where(Topic.key == "why")
            .values(body="**Viktigt:** läs [sidan](https://www.vanersborg.se).\n\n- ett\n- två")
        )
    text = turn(ActionAnswerTopic(), "varför", "ask_why").text
    assert "**" not in text and "](" not in text
    assert "Viktigt: läs sidan (https://www.vanersborg.se)" in text
    assert "• ett" in text
