"""Issue 14, items 3–6 and 11: the chat endpoint and the action server guard
themselves (not only nginx in front of them). Against the real servers of the
local profile (`live_stack`)."""
from __future__ import annotations

import json
import uuid

import pytest
import requests

from tests.security.support import events_of, raw_post, tracker_size


def sender() -> str:
    return f"sec-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="module")
def webhook(live_stack) -> str:
    return f"{live_stack.settings.rasa_url}/webhooks/rest/webhook"


@pytest.fixture(scope="module")
def tracker_db(live_stack) -> str:
    return live_stack.settings.tracker_db


def post_json(url: str, body, **headers) -> requests.Response:
    return requests.post(url, data=json.dumps(body), timeout=30,
                         headers={"Content-Type": "application/json", **headers})


# ---------------------------------------------------------------- 3. size


def test_a_20_mb_body_is_refused_politely_before_it_is_read(webhook, tracker_db):
    from bot.content.system_messages import TOO_LARGE

    before = tracker_size(tracker_db)
    body = json.dumps({"sender": sender(), "message": "a" * 20_000_000}).encode()
    status, text = raw_post(webhook, body)
    assert status == 413 and json.loads(text) == {"error": TOO_LARGE}
    assert tracker_size(tracker_db) == before


def test_metadata_of_1_mb_is_refused_and_the_tracker_does_not_grow(webhook, tracker_db):
    before = tracker_size(tracker_db)
    who = sender()
    body = json.dumps({"sender": who, "message": "Hej", "metadata": {"x": "m" * 1_000_000}}).encode()
    assert raw_post(webhook, body)[0] == 413
    assert tracker_size(tracker_db) == before and events_of(tracker_db, who) == []


def test_only_the_widgets_metadata_is_stored_and_each_text_is_capped(webhook, tracker_db):
    who = sender()
    metadata = {
        "widget": {"page": "/" + "p" * 2000, "lang": "sv", "extra": "bort"},
        "feedback": {"value": "negative", "message_index": 3, "bot_text": "b" * 7000, "more": [1, 2]},
        "tracking": {"id": "x" * 500}, "anything": "else",
    }
    assert post_json(webhook, {"sender": who, "message": "Hej", "metadata": metadata}).status_code == 200
    stored = [json.loads(event) for event in events_of(tracker_db, who)]
    user = [event for event in stored if event["event"] == "user"]
    assert user, stored
    kept = user[0]["metadata"]
    assert set(kept) <= {"widget", "feedback", "language", "model_id", "assistant_id"}  # the channel adds the language, Rasa its own two
    assert kept["widget"] == {"page": "/" + "p" * 299, "lang": "sv"}
    assert kept["feedback"] == {"value": "negative", "message_index": 3, "bot_text": "b" * 6000}
    assert max(len(event) for event in events_of(tracker_db, who)) < 20_000


# ---------------------------------------------------------------- 4. sender ids


@pytest.mark.parametrize("body", [
    {"message": "Hej"}, {"sender": None, "message": "Hej"}, {"sender": "", "message": "Hej"},
    {"sender": 12345678, "message": "Hej"}, {"sender": ["abcdefgh"], "message": "Hej"},
    {"sender": "kort", "message": "Hej"}, {"sender": "x" * 129, "message": "Hej"},
    {"sender": "x" * 5000, "message": "Hej"}, {"sender": "med mellanslag", "message": "Hej"},
    {"sender": "<script>alert(1)</script>", "message": "Hej"}, {"sender": "../../etc/passwd", "message": "Hej"},
], ids=["missing", "null", "empty", "number", "list", "short", "129", "5000", "space", "html", "path"])
def test_a_sender_id_must_be_8_to_128_safe_characters(webhook, tracker_db, body):
    from bot.content.system_messages import BAD_SENDER

    before = tracker_size(tracker_db)
    answer = post_json(webhook, body)
    assert answer.status_code == 400 and answer.json() == {"error": BAD_SENDER}
    assert tracker_size(tracker_db) == before
    assert events_of(tracker_db, "default") == []


def test_a_100_000_character_sender_id_is_never_stored(webhook, tracker_db):
    before = tracker_size(tracker_db)
    status, _text = raw_post(webhook, json.dumps({"sender": "s" * 100_000, "message": "Hej"}).encode())
    assert status in (400, 413) and tracker_size(tracker_db) == before


def test_the_widgets_sender_ids_are_accepted(webhook):
    answer = post_json(webhook, {"sender": "web-" + uuid.uuid4().hex, "message": "Hej"})
    assert answer.status_code == 200 and answer.json()[0]["text"]


# ---------------------------------------------------------------- 5. malformed requests


@pytest.mark.parametrize("body", [b"", b"[]", b"[1, 2]", b"null", b'"Hej"', b"{", b"\xff\xfe",
                                  b"[" * 5000, b'{"sender": "abcdefgh1", "message": 5}',
                                  b'{"sender": "abcdefgh2", "message": ["Hej"]}'],
                         ids=["empty", "array", "numbers", "null", "string", "broken", "not-utf8",
                              "deep", "number-message", "list-message"])
def test_malformed_bodies_get_400_with_a_short_message(webhook, body):
    from bot.content.system_messages import BAD_MESSAGE, BAD_SENDER, MALFORMED_BODY

    answer = requests.post(webhook, data=body, headers={"Content-Type": "application/json"}, timeout=30)
    assert answer.status_code == 400 and "Traceback" not in answer.text
    assert answer.json() in ({"error": MALFORMED_BODY}, {"error": BAD_SENDER}, {"error": BAD_MESSAGE})


# ---------------------------------------------------------------- 6. only JSON


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", None])
def test_only_application_json_is_accepted(webhook, tracker_db, content_type):
    from bot.content.system_messages import NOT_JSON_TYPE

    before = tracker_size(tracker_db)
    headers = {"Origin": "https://evil.example"}
    if content_type:
        headers["Content-Type"] = content_type
    answer = requests.post(webhook, data=json.dumps({"sender": sender(), "message": "Hej"}).encode(),
                           headers=headers, timeout=30)
    assert answer.status_code == 415 and answer.json() == {"error": NOT_JSON_TYPE}
    assert tracker_size(tracker_db) == before


def test_json_with_a_charset_is_json(webhook):
    answer = requests.post(webhook, data=json.dumps({"sender": sender(), "message": "Hej"}).encode(),
                           headers={"Content-Type": "application/json; charset=utf-8"}, timeout=30)
    assert answer.status_code == 200


# ---------------------------------------------------------------- 5. the action server


@pytest.fixture(scope="module")
def action_url(live_stack) -> str:
    return f"http://127.0.0.1:{live_stack.settings.action_port}/webhook"


@pytest.mark.parametrize("body", [
    b"", b"[]", b"{", b'{"next_action": "action_answer_topic"}',
    b'{"next_action": "action_answer_topic", "tracker": {}}',
    b'{"next_action": "action_answer_topic", "tracker": {"sender_id": "x", "events": "nej"}}',
    b'{"next_action": ["action_answer_topic"], "tracker": {"sender_id": "x"}}',
], ids=["empty", "array", "broken", "no-tracker", "no-sender", "events-not-list", "action-not-text"])
def test_forged_action_calls_get_400_without_an_echo(action_url, body):
    answer = requests.post(action_url, data=body, headers={"Content-Type": "application/json"}, timeout=30)
    assert answer.status_code == 400, answer.text
    assert "request_body" not in answer.text and "Traceback" not in answer.text
    assert "action_answer_topic" not in answer.text and len(answer.text) < 200


# ---------------------------------------------------------------- 11. versions


def test_no_server_says_which_version_it_runs(live_stack):
    rasa_root = requests.get(f"{live_stack.settings.rasa_url}/", timeout=10)
    assert rasa_root.status_code == 200
    assert "Rasa" not in rasa_root.text and "3.6" not in rasa_root.text
    answers = [rasa_root, requests.get(f"http://127.0.0.1:{live_stack.settings.action_port}/health", timeout=10),
               requests.get(f"http://127.0.0.1:{live_stack.settings.portal_port}/healthz", timeout=10),
               requests.get(f"http://127.0.0.1:{live_stack.settings.portal_port}/admin/login", timeout=10)]
    for answer in answers:
        server = answer.headers.get("Server", "")
        assert not any(word in server for word in ("aiohttp", "Python", "Sanic", "3.")), server
