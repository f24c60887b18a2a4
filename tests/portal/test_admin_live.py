"""End to end: staff change content through the live portal's HTML forms, and
the live bot uses it on the very next REST message, without retraining.

The stack (`live_stack`) is shared by the whole test session, so every test
puts back what it changed (in `finally`, through the editor if the portal
could not), and uses unique user names.
"""
from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape

import pytest
import requests

from bot.content.editor import ContentEditor
from bot.content.store import export_text, import_file
from bot.content.types import FOCUS_AREAS, PARTNERS, QA, TOPICS
from bot.content.types.declaration import ContentType
from bot.dates import swedish_date
from bot.db.engine import session_factory
from bot.portal.admin.content_pages import PAGE_OF_TYPE
from bot.portal.auth import UserStore

pytestmark = pytest.mark.slow

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class Portal:
    """A staff member's browser, talking HTML forms to the live portal."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()

    def get(self, path: str) -> str:
        reply = self.http.get(self.base + path, timeout=10)
        assert reply.status_code == 200, (path, reply.status_code, reply.text[:1000])
        return reply.text

    def post(self, path: str, data: dict[str, str], form_page: str = "", expect: int = 303) -> requests.Response:
        html = self.get(form_page or path)
        fields = {name: unescape(value) for name, value in _HIDDEN.findall(html)}
        reply = self.http.post(self.base + path, data={**fields, **data}, allow_redirects=False, timeout=10)
        assert reply.status_code == expect, (path, reply.status_code, reply.text[:3000])
        return reply

    def log_in(self, username: str, password: str) -> None:
        self.post("/admin/login", {"username": username, "password": password}, form_page="/admin/login")
        assert "Inloggad som" in self.get("/admin")


@pytest.fixture(scope="module", autouse=True)
def store_as_found(live_stack) -> Iterator[None]:
    """A staff edit makes an item cite the municipality even when its text is put
    back, so the whole store, with each item's source, is restored afterwards:
    later tests cite the page as residents see it."""
    url = live_stack.settings.database_url
    before = export_text(url)
    yield
    import_file(("före-e2e.yml", before), url, who="e2e-städning")


@pytest.fixture
def editor(live_stack) -> ContentEditor:
    return ContentEditor(session_factory(live_stack.settings.database_url))


@pytest.fixture
def portal(live_stack) -> Iterator[Portal]:
    """A redaktör, created directly in the live stack's content database, logged in over HTTP."""
    username, password = unique("redaktor"), "ett långt lösenord för e2e"
    UserStore(session_factory(live_stack.settings.database_url)).create(username, password, "redaktör")
    browser = Portal(live_stack.settings.portal_url)
    browser.log_in(username, password)
    yield browser


def sender() -> str:
    return unique("e2e-admin")


def as_form(item, **changes) -> dict[str, str]:
    values = {k: ("\n".join(v) if isinstance(v, list) else str(v)) for k, v in item.values.items()}
    values.update(changes)
    return values


@contextmanager
def edited(portal: Portal, editor: ContentEditor, kind: ContentType, item, **changes: str) -> Iterator[str]:
    """The item saved with `changes` through the live portal's form for the block
    (which gets the item's URL), and put back as it was afterwards."""
    path = f"/admin/content/{PAGE_OF_TYPE[kind.name].slug}/{item.id}"
    portal.post(path, as_form(item, **changes))
    try:
        yield path
    finally:
        current = editor.get(kind, item.id)
        if current.values != item.values:
            editor.update(kind, item.id, item.values, current.version, "e2e-städning")


def test_a_changed_focus_area_is_in_the_next_answer(live_stack, portal, editor):
    area = next(a for a in editor.list(FOCUS_AREAS) if a.title == "Livslångt lärande")
    new_title = f"Livslångt lärande för alla åldrar {uuid.uuid4().hex[:6]}"
    with edited(portal, editor, FOCUS_AREAS, area, title=new_title) as path:
        reply = live_stack.text(sender(), "vilka fokusområden har ni")
        assert new_title in reply

        first = editor.history(FOCUS_AREAS, area.id)[-1]
        portal.post(f"{path}/history/{first.id}/restore", {}, form_page=f"{path}/history/{first.id}")
        assert "Livslångt lärande\n" in live_stack.text(sender(), "vilka fokusområden har ni") + "\n"


def test_a_changed_topic_answer_is_in_the_next_answer(live_stack, portal, editor):
    topic = next(t for t in editor.list(TOPICS) if t.values["key"] == "policy")
    marker = f"Policyn gäller från 2024 ({uuid.uuid4().hex[:6]})."
    with edited(portal, editor, TOPICS, topic, body=f"{topic.values['body']} {marker}"):
        reply = live_stack.text(sender(), "Vem har antagit den internationella policyn?")
        assert marker in reply and "kommunfullmäktige" in reply
    assert marker not in live_stack.text(sender(), "Vem har antagit den internationella policyn?")


def test_a_new_partner_is_known_at_once(live_stack, portal, editor):
    before = live_stack.text(sender(), "Berätta om Tammerfors")
    assert "Tammerfors i Finland" not in before
    description = "Vänersborgs kommun har kontakter med Tammerfors i Finland genom ett kulturutbyte."
    try:
        portal.post("/admin/content/partners/new", {
            "name": "Tammerfors", "country": "Finland", "continent": "Europa", "kind": "twin_town",
            "description": description, "aliases": "Tampere",
        }, form_page="/admin/content/partners/new")
        who = sender()
        assert description in live_stack.text(who, "Berätta om Tammerfors")
        assert "Tammerfors ligger i Finland" in live_stack.text(who, "Vilket land ligger den i?")
    finally:
        added = [p for p in editor.list(PARTNERS) if p.title == "Tammerfors"]
        for partner in added:
            portal.post(f"/admin/content/partners/{partner.id}/delete", {},
                        form_page=f"/admin/content/partners/{partner.id}/delete")
    assert "ingen information om något samarbete med" in live_stack.text(sender(), "Samarbetar ni med Tammerfors?")


SUMMER_JOBS = {
    "title": "Kan unga få sommarjobb eller praktik utomlands?",
    "answer": ("Kommunen förmedlar inga sommarjobb utomlands, men unga kan söka praktik och "
               "volontärarbete i Europa genom **Europeiska solidaritetskåren**, se "
               "[youth.europa.eu](https://youth.europa.eu/solidarity_sv)."),
    "examples": "Finns det sommarjobb utomlands för ungdomar?\nKan jag som ung göra praktik i en annan "
                "europeisk stad?\nferiejobb i utlandet via kommunen\nvolontärarbete i Europa för unga",
}
TRIPS = {
    "title": "Kan invånare följa med på vänortsresor?",
    "answer": "Kommunens vänortsresor görs av förtroendevalda och tjänstepersoner.",
    "examples": "Får invånare följa med på resor till vänorterna?\nkan jag åka med på kommunens vänortsbesök\n"
                "vänortsresa för allmänheten",
}
REPHRASE = "formulera frågan"


def test_new_qa_entries_answer_residents_without_retraining(live_stack, portal, editor):
    # Paraphrases of the entries, not their stored examples. The trained model
    # calls the first out of scope and is unsure of the second (nlu_fallback),
    # so both fallback actions are exercised. A question the model confidently
    # gives to a trained intent keeps that intent's answer; if retraining moves
    # one of these there, the first assertions say so: pick another question.
    jobs_question = "Kan min son få sommarjobb i ett annat land?"
    trips_question = "kan jag hänga på nästa resa till vänorten"
    out_of_scope = next(t for t in editor.list(TOPICS) if t.values["key"] == "out_of_scope").values["body"]
    assert live_stack.text(sender(), jobs_question) == out_of_scope, "the model no longer calls it out of scope"
    assert REPHRASE in live_stack.text(sender(), trips_question), "the model is no longer unsure of it"
    try:
        for entry in (SUMMER_JOBS, TRIPS):
            portal.post("/admin/content/qa/new", entry, form_page="/admin/content/qa/new")
        reply = live_stack.text(sender(), jobs_question)
        assert reply == (
            "Kommunen förmedlar inga sommarjobb utomlands, men unga kan söka praktik och volontärarbete i "
            "Europa genom Europeiska solidaritetskåren, se youth.europa.eu "
            f"(https://youth.europa.eu/solidarity_sv).\nKälla: Vänersborgs kommun, {swedish_date(dt.date.today())}"
        )
        reply = live_stack.text(sender(), trips_question)
        assert reply.startswith("Kommunens vänortsresor görs av förtroendevalda och tjänstepersoner.")
        assert REPHRASE not in reply

        unrelated = live_stack.text(sender(), "När töms soptunnan på min gata?")
        assert unrelated == out_of_scope  # other questions still get the out-of-scope reply
        nonsense = live_stack.text(sender(), "blorp fnask")  # never a staff answer
        assert not any(entry["answer"][:40] in nonsense for entry in (SUMMER_JOBS, TRIPS)), nonsense
    finally:
        for entry in [q for q in editor.list(QA) if q.title in (SUMMER_JOBS["title"], TRIPS["title"])]:
            editor.delete(QA, entry.id, entry.version, "e2e-städning")
    assert live_stack.text(sender(), jobs_question) == out_of_scope  # gone on the next message too
