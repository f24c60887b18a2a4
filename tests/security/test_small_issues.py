"""Issue 14, item 11: exports are POSTs with a CSRF token (an export writes an
audit row), no version in the portal's Server header, and CSV cells that a
spreadsheet would run as a formula are neutralised, leading spaces or not."""
from __future__ import annotations

import pytest

from bot.conversations.export import _cell
from tests.portal.review_fixtures import (  # noqa: F401  (pytest fixtures)
    ADMIN, client, csrf_of, portal_url, review_portal, tracker_db, tracker_template, users,
)


def audit_exports(client) -> int:
    return client.fetch("/admin/review/audit").count("Export av samtal")


def test_an_export_needs_a_post_with_the_csrf_token(client):
    client.login(ADMIN)
    for path in ("/admin/review/export.csv", "/admin/review/export.json"):
        assert client.get(path).status_code == 405
        assert client.post(path, {"q": "anna"}).status_code == 403  # no token
    assert audit_exports(client) == 0
    token = csrf_of(client.fetch("/admin/review"))
    answer = client.post("/admin/review/export.csv", {"csrf_token": token, "q": "anna"})
    assert answer.status_code == 200 and "attachment" in answer.headers["Content-Disposition"]
    assert audit_exports(client) == 1


def test_the_store_exports_need_a_post_with_the_csrf_token(client):
    client.login(ADMIN)
    for path in ("/admin/transfer/content.yml", "/admin/transfer/qa-nlu.yml"):
        assert client.get(path).status_code == 405
        assert client.post(path, {}).status_code == 403
        token = csrf_of(client.fetch("/admin/transfer"))
        assert client.post(path, {"csrf_token": token}).status_code == 200


def test_the_portal_does_not_name_its_server_software(client):
    for path in ("/", "/healthz", "/static/widget.js", "/admin/login"):
        server = client.get(path).headers.get("Server", "")
        assert "aiohttp" not in server and "Python" not in server, (path, server)


@pytest.mark.parametrize("text", ["=1+1", " =1+1", "   =HYPERLINK(\"http://x\")", " +1", "\t=1", "\n-1",
                                  "\r@SUM(A1)", " \t @SUM(A1)"])
def test_csv_cells_that_could_run_as_formulas_are_neutralised(text):
    assert _cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Hej", "1+1=2", "Vad kostar det?", " hej = ja"])
def test_other_cells_are_left_alone(text):
    assert _cell(text) == text
