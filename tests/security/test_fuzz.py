"""Fuzzing with Hypothesis (issue 14): the chat endpoint of the real local stack
and the portal's forms, on loopback only, bounded in count and in time. No
request may get a 500 or a traceback, and nothing oversized may be stored."""
from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterator

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.content.types.partner import Partner
from bot.content.types.qa import QAEntry
from bot.content.types.topic import Topic
from bot.db.engine import session_factory
from bot.portal.models import User
from tests.portal.admin_fixtures import FAST_HASHER
from tests.portal.review_fixtures import ThreadedPortal
from tests.security.support import ADMIN, csrf, log_in, portal_with

SAFE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:"
SENDER_ID = re.compile(r"[A-Za-z0-9_.:-]{8,128}")
BUDGET = 25.0  # seconds per fuzz test: examples past it return at once
FUZZ = settings(max_examples=80, deadline=None, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SHOWN_STATUSES = {200, 303, 400, 401, 403, 404, 405, 409, 413, 415, 422}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
widget_metadata = st.fixed_dictionaries({}, optional={
    "widget": st.dictionaries(st.sampled_from(["page", "lang", "x"]), json_values | st.text(max_size=400)),
    "feedback": st.dictionaries(st.sampled_from(["value", "message_index", "bot_text", "y"]),
                                json_values | st.text(max_size=7000)),
    "other": json_values,
})
senders = st.one_of(st.text(SAFE, min_size=3, max_size=60).map(lambda s: "fuzz-" + s),
                    st.text(max_size=40), json_values)
messages = st.one_of(st.text(max_size=300), st.text(max_size=1100), json_values)
chat_bodies = st.one_of(
    st.fixed_dictionaries({"sender": senders, "message": messages},
                          optional={"metadata": widget_metadata | json_values}).map(
        lambda body: json.dumps(body).encode()),
    st.binary(max_size=300),
    json_values.map(lambda value: json.dumps(value).encode()),
)
content_types = st.sampled_from(["application/json", "application/json; charset=utf-8", "text/plain",
                                 "application/x-www-form-urlencoded", "", "application/json; boundary=x"])


class Budget:
    def __init__(self) -> None:
        self.ends = time.monotonic() + BUDGET

    def spent(self) -> bool:
        return time.monotonic() > self.ends


def test_fuzz_the_chat_endpoint(live_stack):
    url = f"{live_stack.settings.rasa_url}/webhooks/rest/webhook"
    budget = Budget()

    @FUZZ
    @given(body=chat_bodies, content_type=content_types)
    def one(body: bytes, content_type: str) -> None:
        if budget.spent():
            return
        headers = {"Content-Type": content_type} if content_type else {}
        answer = requests.post(url, data=body, headers=headers, timeout=60)
        assert answer.status_code in {200, 400, 413, 415}, (answer.status_code, answer.text[:300])
        assert "Traceback" not in answer.text
        if answer.status_code == 200:
            replies = answer.json()
            assert isinstance(replies, list) and all(isinstance(r, dict) for r in replies)

    one()
    with sqlite3.connect(live_stack.settings.tracker_db) as db:
        senders_stored = [row[0] for row in db.execute("SELECT DISTINCT sender_id FROM events")]
        rows = db.execute("SELECT data FROM events WHERE sender_id LIKE 'fuzz-%'").fetchall()
    assert all(SENDER_ID.fullmatch(s) for s in senders_stored), [s for s in senders_stored
                                                                  if not SENDER_ID.fullmatch(s)][:5]
    for (data,) in rows:
        assert len(data) < 20_000
        event = json.loads(data)
        if event.get("event") == "user":
            assert set(event.get("metadata") or {}) <= {"widget", "feedback", "language", "model_id", "assistant_id"}


# ---------------------------------------------------------------- the portal's forms


@pytest.fixture
def admin_portal(content_url) -> Iterator[tuple[ThreadedPortal, requests.Session, str]]:
    for portal in portal_with(content_url, FAST_HASHER):
        session = requests.Session()
        assert log_in(session, portal.base, ADMIN).status_code == 303
        yield portal, session, csrf(session.get(f"{portal.base}/admin", timeout=30).text)


texts = st.one_of(st.text(max_size=80), st.text(max_size=600), st.just("x" * 5001), st.just("[" * 3000),
                  st.just("\n".join(f"fråga {n}" for n in range(55))), st.sampled_from(
                      ["<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "{{7*7}}", "%00"]))
FORMS = {
    "/admin/content/topics/new": ["key", "title", "body"],
    "/admin/content/qa/new": ["title", "answer", "examples"],
    "/admin/content/partners/new": ["name", "country", "continent", "kind", "description", "aliases"],
    "/admin/content/focus-areas/new": ["position", "title", "description", "aliases"],
    "/admin/users/new": ["username", "role", "password", "repeat"],
    "/admin/account": ["current", "password", "repeat"],
}
forms = st.sampled_from(sorted(FORMS)).flatmap(lambda path: st.tuples(
    st.just(path),
    st.fixed_dictionaries({name: texts for name in FORMS[path]},
                          optional={"do": st.sampled_from(["preview", "save", "x"]), "extra": texts}),
))


def test_fuzz_the_portal_forms(admin_portal, content_url):
    portal, session, token = admin_portal
    budget = Budget()

    @FUZZ
    @given(form=forms, search=st.text(max_size=200))
    def one(form: tuple[str, dict], search: str) -> None:
        if budget.spent():
            return
        path, fields = form
        answer = session.post(portal.base + path, data={"csrf_token": token, **fields},
                              allow_redirects=False, timeout=60)
        assert answer.status_code in SHOWN_STATUSES, (path, answer.status_code, answer.text[:300])
        assert "Traceback" not in answer.text
        found = session.get(f"{portal.base}/admin/search", params={"q": search}, timeout=60)
        assert found.status_code == 200 and "Traceback" not in found.text
        stranger = requests.post(f"{portal.base}/admin/login", timeout=60, allow_redirects=False,
                                 data={"username": fields.get("title", ""), "password": search})
        assert stranger.status_code in (401, 403), stranger.status_code

    one()
    with session_factory(content_url)() as db:
        for row in db.query(Topic):
            assert len(row.body) <= 5000 and len(row.title) <= 300
        for row in db.query(QAEntry):
            assert len(row.answer) <= 5000 and len(row.examples) <= 50
        for row in db.query(Partner):
            assert len(row.description) <= 5000 and len(row.aliases) <= 50
        for row in db.query(User):
            assert re.fullmatch(r"[a-z0-9][a-z0-9._@-]{1,79}", row.username)
