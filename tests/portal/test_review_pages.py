"""The admin review pages over HTTP: roles, the list and its filters, a transcript,
review status, erasure, the learning inbox and its export, statistics and exports."""
from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from html import unescape
from urllib.parse import quote, unquote

import pytest
import yaml

from bot.portal.admin import review
from bot.portal.admin.review import conversations
from bot.portal.app import create_app
from bot.portal.security import CSP, ROLES_KEY
from tests.conversations.conftest import ALL
from tests.portal.review_fixtures import (  # noqa: F401  (pytest fixtures and helpers)
    ADMIN, EDITOR, client, csrf_of, portal_url, project_nlu_untouched, review_portal, tracker_db, tracker_template,
    users,
)


def url(path: str) -> str:
    """A real URL for a route: the conversation pages get ?id=cecilia."""
    path = re.sub(r"\{id:[^}]*\}", "1", path)
    if path.startswith("/admin/review/conversation"):
        path += "?id=cecilia"
    return path


def canonical(path: str) -> str:
    """A route's path as aiohttp names its resource: '{id:\\d+}' → '{id}'."""
    return re.sub(r"\{(\w+):[^}]*\}", r"{\1}", path)


ROUTES = [(method, path) for method, path, _handler, _role in review.ROUTES]
IDS = [f"{m} {p}" for m, p in ROUTES]


def listed(html: str) -> list:
    """The sender ids in the conversation list, in order."""
    return [unquote(unescape(s)) for s in re.findall(r'href="/admin/review/conversation\?id=([^"#]+)"', html)]


def test_every_review_route_needs_the_admin_role():
    assert {role for *_rest, role in review.ROUTES} == {"admin"}


def test_the_portal_registers_the_review_routes(content_url, users):  # noqa: F811
    """create_app itself must serve the review pages."""
    from cryptography.fernet import Fernet

    from bot.stack.settings import StackSettings

    app = create_app(StackSettings(database_url=content_url), secret_key=Fernet.generate_key().decode(),
                     user_store=users)
    roles = app[ROLES_KEY]
    missing = [(m, p) for m, p, _h, _r in review.ROUTES if roles.get((m, canonical(p))) != "admin"]
    assert not missing, ("add the review routes to bot/portal/admin/__init__.py "
                         f"(`*review.ROUTES` in ROUTES): {missing}")


@pytest.mark.parametrize("method, path", ROUTES, ids=IDS)
def test_strangers_are_sent_to_the_login_page(client, method, path):
    response = client.request(method, url(path))
    assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login")


@pytest.mark.parametrize("method, path", ROUTES, ids=IDS)
def test_a_redaktor_gets_403(client, method, path):
    client.login(EDITOR)
    token = csrf_of(client.fetch("/admin"))
    response = client.request(method, url(path), data={"csrf_token": token})
    assert response.status_code == 403
    assert "Sidan är bara för administratörer" in response.text


@pytest.mark.parametrize("path", [p for m, p in ROUTES if m == "GET"])
def test_an_admin_gets_every_page(client, path):
    client.login(ADMIN)
    response = client.get(url(path))
    assert response.status_code == 200, response.text
    if response.headers['Content-Type'].split(';')[0] == "text/html":
        html = response.text
        assert '<html lang="sv">' in html and "<h1>" in html
        assert response.headers["Content-Security-Policy"] == CSP
        assert "style=" not in html and "<style" not in html
        assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []  # no inline scripts


def test_a_post_without_the_csrf_token_is_refused(client, tracker_db):
    client.login(ADMIN)
    response = client.post("/admin/review/conversation/delete?id=cecilia", data={"confirm": "1"})
    assert response.status_code == 403
    with sqlite3.connect(tracker_db) as db:
        assert db.execute("SELECT count(*) FROM events WHERE sender_id='cecilia'").fetchone()[0] > 0


# ---------------------------------------------------------------- the list


@pytest.mark.parametrize("query, expected", [
    ("", ALL),
    ("from=2026-11-03&to=2026-11-03", {"bertil", "cecilia"}),
    ("q=soptunnan", {"bertil"}),
    ("intent=ask_partners", {"anna"}),
    ("under=70", {"bertil", "cecilia", "erik", "gustav"}),
    ("hit=fallback", {"bertil", "gustav"}),
    ("hit=out_of_scope", {"bertil", "frida"}),
    ("feedback=negative", {"cecilia"}),
    ("status=granskad", set()),
])
def test_the_list_filters(client, query, expected):
    client.login(ADMIN)
    html = client.fetch(f"/admin/review?{query}")
    assert set(listed(html)) == expected
    if expected and query:  # the export form carries the same filters
        for name, value in (pair.split("=") for pair in query.split("&")):
            assert f'<input type="hidden" name="{name}" value="{value}">' in unescape(html)


def test_the_list_is_newest_first_and_paginated(client):
    client.login(ADMIN)
    html = client.fetch("/admin/review")
    assert listed(html)[:3] == ["long", "gustav", "erik"] and listed(html)[-1] == "old"
    assert "9 samtal." in html
    review_per_page, conversations.PER_PAGE = conversations.PER_PAGE, 4
    try:
        second = client.fetch("/admin/review?page=2")
        assert len(listed(second)) == 4 and "visar 5–8" in second
        assert 'aria-current="page"><span class="visually-hidden">Sida </span>2<' in second
    finally:
        conversations.PER_PAGE = review_per_page


def test_bad_filter_values_are_explained(client):
    client.login(ADMIN)
    html = client.fetch("/admin/review?from=igår&under=abc")
    assert "Skriv datumet som ÅÅÅÅ-MM-DD" in html and "Skriv ett tal mellan 0 och 100" in html
    assert set(listed(html)) == ALL


# ---------------------------------------------------------------- one conversation


def test_a_transcript_shows_intent_confidence_replies_actions_and_feedback(client):
    client.login(ADMIN)
    html = client.fetch("/admin/review/conversation?id=cecilia")
    assert "Vad är Erasmus+?" in html
    assert ('Avsikt: Fråga om regionala organisationer och nätverk <code class="intent-id">ask_networks</code>, '
            "säkerhet 62\u00a0%") in html
    assert "Kommunen är med i flera nätverk" in html
    assert "Åtgärd: <code>action_answer_topic</code>" in html
    assert "Svaret var inte till hjälp (negativ)" in html
    bertil = client.fetch("/admin/review/conversation?id=bertil")
    assert ('Bästa gissning: Fråga om utbyten, konferenser och projekt <code class="intent-id">ask_activities</code>, '
            "41\u00a0%") in bertil
    assert "Boten förstod inte (reservsvar)" in bertil
    missing = client.get("/admin/review/conversation?id=ingen")
    assert missing.status_code == 404 and "Samtalet finns inte" in missing.text


def test_an_admin_marks_reviewed_tags_and_notes(client):
    client.login(ADMIN)
    path = "/admin/review/conversation?id=cecilia"
    token = csrf_of(client.fetch(path))
    response = client.post(path, data={"csrf_token": token, "status": "granskad"})
    assert response.status_code == 303 and response.headers["Location"] == path
    html = client.fetch(path)
    assert "Samtalet är markerat som granskat." in html and "Granskad av root" in html
    response = client.post(path, data={"csrf_token": token, "status": "granskad", "tags": "EU, saknat svar",
                                             "note": "Invånaren lämnade 070-123 45 67"})
    assert response.status_code == 303
    html = client.fetch(path)
    assert 'value="EU, saknat svar"' in html and "Invånaren lämnade [TELEFON]" in html
    assert set(listed(client.fetch("/admin/review?status=granskad"))) == {"cecilia"}
    assert set(listed(client.fetch("/admin/review?tag=EU"))) == {"cecilia"}


def test_an_admin_erases_a_conversation_and_the_audit_log_says_so(client, tracker_db):
    client.login(ADMIN)
    form = "/admin/review/conversation/delete?id=cecilia"
    html = client.fetch(form)
    assert "Radera samtalet?" in html
    response = client.post(form, data={"csrf_token": csrf_of(html)})
    assert response.status_code == 422 and "Kryssa i rutan" in response.text
    with sqlite3.connect(tracker_db) as db:
        before = dict(db.execute("SELECT sender_id, count(*) FROM events GROUP BY sender_id"))
    response = client.post(form, data={"csrf_token": csrf_of(html), "confirm": "1"})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/review"
    with sqlite3.connect(tracker_db) as db:
        after = dict(db.execute("SELECT sender_id, count(*) FROM events GROUP BY sender_id"))
    assert after == {s: n for s, n in before.items() if s != "cecilia"}
    assert "Samtalet är raderat ur loggen" in client.fetch("/admin/review")
    audit = client.fetch("/admin/review/audit")
    assert "<code>cecilia</code>" in audit and "Radering av ett samtal" in audit and "root" in audit
    assert "Erasmus" not in audit
    assert (client.get("/admin/review/conversation?id=cecilia")).status_code == 404


def test_odd_sender_ids_work(client, tracker_db):
    from tests.conversations.conftest import at
    from tests.conversations.tracker_data import write_conversations

    odd = "web/ä? &id=x#1"
    write_conversations(tracker_db, {odd: (at("2026-11-09 10:00"), [("user", "hej", "greet", 0.9)])})
    client.login(ADMIN)
    assert odd in listed(client.fetch("/admin/review"))
    html = client.fetch(f"/admin/review/conversation?id={quote(odd, safe='')}")
    assert "<code>web/ä? &amp;id=x#1</code>" in html


# ---------------------------------------------------------------- the learning inbox


def test_the_learning_inbox_decides_and_exports(client, review_portal):
    client.login(ADMIN)
    html = client.fetch("/admin/review/inbox")
    assert "”Mitt nummer är [TELEFON], berätta om Herning”" in html
    assert "Att granska (5)" in html
    fields = dict(re.findall(r'name="(sender|event)" value="([^"]+)"', html[html.index("Mitt nummer är"):])[:2])
    assert fields["sender"] == "erik"
    token = csrf_of(html)
    response = client.post("/admin/review/inbox", data={"csrf_token": token, "choice": "intent:ask_partner",
                                                              **fields})
    assert response.status_code == 303, response.text
    html = client.fetch("/admin/review/inbox")
    assert "tolkas som ”Fråga om en viss samarbetspart” (ask_partner)" in html and "Att granska (4)" in html

    bad = client.post("/admin/review/inbox", data={"csrf_token": token, "choice": "intent:påhittad",
                                                         **fields})
    assert bad.status_code == 422 and "Välj en avsikt ur listan." in bad.text

    response = client.post("/admin/review/inbox/export", data={"csrf_token": token})
    assert response.status_code == 303
    assert "1 exempel finns nu i reviewed.yml" in client.fetch("/admin/review/inbox")
    written = yaml.safe_load(open(review_portal[review.NLU_PATH_KEY], encoding="utf-8"))
    assert written["nlu"] == [{"intent": "ask_partner",
                               "examples": "- Mitt nummer är [TELEFON], berätta om Herning\n"}]
    download = client.get("/admin/review/inbox/reviewed.yml")
    assert "attachment" in download.headers["Content-Disposition"]
    assert "- Mitt nummer är [TELEFON], berätta om Herning" in download.text

    decided = client.fetch("/admin/review/inbox?visa=beslutade")
    decision_id = re.search(r"/admin/review/inbox/decisions/(\d+)/undo", decided).group(1)
    response = client.post(f"/admin/review/inbox/decisions/{decision_id}/undo", data={"csrf_token": token})
    assert response.status_code == 303
    assert "Att granska (5)" in client.fetch("/admin/review/inbox")


def test_exporting_with_no_decisions_writes_nothing(client, review_portal):
    client.login(ADMIN)
    token = csrf_of(client.fetch("/admin/review/inbox"))
    client.post("/admin/review/inbox/export", data={"csrf_token": token})
    assert "Det finns inga rättelser att exportera" in client.fetch("/admin/review/inbox")
    from pathlib import Path

    assert not Path(review_portal[review.NLU_PATH_KEY]).exists()


# ---------------------------------------------------------------- statistics and exports


def test_the_statistics_page_has_charts_and_the_same_numbers_in_tables(client):
    client.login(ADMIN)
    html = client.fetch("/admin/review/stats?from=2026-11-01&to=2026-11-30")
    assert re.search(r'id="kf-conversations">8<', html)
    assert re.search(r'id="kf-messages">10<', html)
    assert "22\u00a0%<span class=\"meta\"> (2 av 9 skrivna)" in html  # fallback rate
    assert "50\u00a0%<span class=\"meta\"> (1 positiva, 1 negativa)" in html
    assert html.count("<canvas") == 4 and html.count('role="img"') == 4
    for table in ("table-days", "table-intents", "table-unanswered", "table-feedback"):
        assert f'<table id="{table}"' in html
    assert '<th scope="row">Kan jag få bygglov för en altan?</th><td>2</td>' in html
    assert '<script src="/static/vendor/chartjs/chart.umd.min.js" defer></script>' in html
    bad = client.get("/admin/review/stats?from=2026-12-01&to=2026-11-01")
    assert bad.status_code == 422 and "Slutdatumet måste vara" in bad.text


def test_csv_and_json_exports_of_the_filtered_set(client):
    client.login(ADMIN)
    token = csrf_of(client.fetch("/admin/review"))
    assert client.get("/admin/review/export.json?feedback=any").status_code == 405  # a GET exports nothing
    response = client.post("/admin/review/export.json", {"csrf_token": token, "feedback": "any"})
    assert response.headers['Content-Type'].split(';')[0] == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    document = json.loads(response.text)
    assert {c["sender_id"] for c in document["conversations"]} == {"anna", "cecilia"}
    response = client.post("/admin/review/export.csv", {"csrf_token": token, "hit": "out_of_scope"})
    assert response.headers['Content-Type'].split(';')[0] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff")), delimiter=";"))
    assert {row[0] for row in rows[1:]} == {"bertil", "frida"}
    audit = client.fetch("/admin/review/audit")
    assert audit.count("Export av samtal") == 2


def test_the_vendored_chart_library_is_served_locally_with_its_licence(client):
    response = client.get("/static/vendor/chartjs/chart.umd.min.js")
    assert response.status_code == 200
    assert "Chart.js v4.6.1" in response.text[:200]
    assert (client.get("/static/vendor/chartjs/LICENSE.md")).status_code == 200
    assert (client.get("/static/review-charts.js")).status_code == 200


def test_the_vendored_chart_library_is_the_pinned_npm_package():
    import json as _json

    from bot.paths import ROOT

    pinned = _json.loads((ROOT / "package.json").read_text())["dependencies"]["chart.js"]
    installed = ROOT / "node_modules" / "chart.js"
    assert installed.is_dir(), "node_modules/chart.js is missing: run `npm ci` (make test does)"
    assert _json.loads((installed / "package.json").read_text())["version"] == pinned
    vendored = ROOT / "bot" / "portal" / "static" / "vendor" / "chartjs"
    assert (vendored / "chart.umd.min.js").read_bytes() == (installed / "dist" / "chart.umd.min.js").read_bytes()
    assert f"Chart.js v{pinned}" in (vendored / "chart.umd.min.js").read_text()[:100]
    assert (vendored / "LICENSE.md").read_bytes() == (installed / "LICENSE.md").read_bytes()


def test_an_admin_links_a_message_to_a_staff_qa_entry(client, content_url):
    from bot.content.editor import QA, ContentEditor
    from bot.db.engine import session_factory

    editor = ContentEditor(session_factory(content_url))
    entry = editor.create(QA, {"title": "Erasmus+ för skolor", "answer": "Skolor kan söka Erasmus+.",
                               "examples": ["Kan skolan söka Erasmus?"]}, "anna")
    client.login(ADMIN)
    html = client.fetch("/admin/review/inbox")
    assert f'<option value="qa:{entry.id}">Erasmus+ för skolor</option>' in html
    fields = dict(re.findall(r'name="(sender|event)" value="([^"]+)"', html[html.index("”Vad är Erasmus+?”"):])[:2])
    response = client.post("/admin/review/inbox", {"csrf_token": csrf_of(html), "choice": f"qa:{entry.id}", **fields})
    assert response.status_code == 303, response.text[:2000]
    assert "är tillagd som exempelfråga" in client.fetch("/admin/review/inbox")
    assert editor.get(QA, entry.id).values["examples"] == ["Kan skolan söka Erasmus?", "Vad är Erasmus+?"]
    assert editor.history(QA, entry.id)[0].username == "root"
