"""The review pages by language, over HTTP and in Chromium: a short label with a full
accessible name on each message, the language filter of the list and the inbox, the
statistics per language and the English export, on a tracker store in two languages."""
from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from playwright.sync_api import expect

from bot.conversations.languages import LANGUAGE_ERROR
from bot.portal.admin import review
from tests.browser_support import axe_violations, describe_violations
from tests.conversations.conftest import BILINGUAL
from tests.conversations.tracker_data import write_conversations
from tests.portal.review_fixtures import (  # noqa: F401  (pytest fixtures and helpers)
    ADMIN, client, csrf_of, portal_url, project_nlu_untouched, review_portal, tracker_db, users,
)
from tests.portal.test_review_browser import log_in

ENGLISH_LABEL = '<span aria-hidden="true">EN</span><span class="visually-hidden">språk: engelska</span>'


@pytest.fixture(scope="module")
def tracker_template(tmp_path_factory) -> Path:
    """The review portal's tracker store: conversations in Swedish, English and both."""
    path = tmp_path_factory.mktemp("bilingual") / "tracker.db"
    write_conversations(path, BILINGUAL)
    return path


def listed(html: str) -> set[str]:
    return {unquote(unescape(s)) for s in re.findall(r'href="/admin/review/conversation\?id=([^"#]+)"', html)}


@pytest.fixture
def admin(client):
    client.login(ADMIN)
    return client


def test_the_list_labels_each_conversations_languages_and_filters_by_one(admin):
    html = admin.fetch("/admin/review")
    assert re.search(r'<label for="f-lang">Språk</label>\s*<select id="f-lang" name="lang"', html)
    assert '<option value="en">Engelska</option>' in html
    assert listed(html) == set(BILINGUAL)
    assert html.count(ENGLISH_LABEL) == 3  # emma, fred and mix

    english = admin.fetch("/admin/review?lang=en")
    assert listed(english) == {"emma", "fred", "mix"}
    assert '<option value="en" selected>' in english
    assert listed(admin.fetch("/admin/review?lang=sv")) == {"anna", "olle", "mix"}

    wrong = admin.fetch("/admin/review?lang=klingon")
    assert f'<a href="#f-lang">{LANGUAGE_ERROR}</a>' in wrong
    assert re.search(r'<select id="f-lang" name="lang"[^>]*aria-invalid="true"', wrong)
    assert listed(wrong) == set(BILINGUAL)


def test_the_transcript_marks_each_message_with_its_language(admin):
    html = admin.fetch("/admin/review/conversation?id=mix")
    assert '<p class="turn__text" lang="en">thanks, and what about Ravenna?</p>' in html
    assert '<p class="turn__text" lang="sv">Berätta om Herning</p>' in html
    assert '<p class="turn__text prewrap" lang="en">Ravenna is in Italy.</p>' in html
    assert html.count(ENGLISH_LABEL) == 2  # the resident's English message and the reply to it
    assert "<dt>Språk</dt><dd>Svenska, engelska</dd>" in html
    assert "<dt>Språk</dt><dd>Svenska</dd>" in admin.fetch("/admin/review/conversation?id=olle")


def test_the_statistics_split_by_language(admin):
    html = admin.fetch("/admin/review/stats?from=2026-11-10&to=2026-11-12")
    english = re.search(r'<tr id="lang-en">(.*?)</tr>', html, re.S).group(1)
    cells = [re.sub(r"[ \n]+", " ", unescape(cell)).strip()
             for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", english, re.S)]
    assert cells == ["Engelska", "3", "4", "25\u00a0% (1 av 4)", "50\u00a0% (1 positiva, 1 negativa)"]
    swedish = re.search(r'<tr id="lang-sv">(.*?)</tr>', html, re.S).group(1)
    assert "0\u00a0% (0 av 3)" in unescape(swedish)


def test_the_inbox_filters_by_language_and_english_corrections_export_to_en(admin, review_portal):
    html = admin.fetch("/admin/review/inbox?lang=en")
    texts = {unescape(t) for t in re.findall(r'<span lang="en">([^<]+)</span>', html)}
    assert texts == {"can i get a building permit", "Where do I pay the dog tax?", "thanks, and what about Ravenna?"}
    assert "Vilka vänorter har ni?" not in html
    assert "Att granska (3)" in html
    assert 'href="/admin/review/inbox?lang=en"' in html  # the tab keeps the filter
    wrong = admin.fetch("/admin/review/inbox?lang=xx")
    assert LANGUAGE_ERROR in wrong and "Att granska (4)" in wrong  # all languages

    form = re.search(r'<input type="hidden" name="sender" value="fred">\s*'
                     r'<input type="hidden" name="event" value="(\d+)">', html)
    response = admin.post("/admin/review/inbox?lang=en", {
        "csrf_token": csrf_of(html), "sender": "fred", "event": form.group(1), "choice": "out_of_scope"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/inbox?lang=en")
    decided = admin.fetch("/admin/review/inbox?visa=beslutade")
    newest = '”<span lang="en">Where do I pay the dog tax?</span>” <span class="lang-label" title="engelska">'
    assert newest + ENGLISH_LABEL in decided  # the newer of fred's two messages

    response = admin.post("/admin/review/inbox/export", {"csrf_token": csrf_of(decided)})
    assert response.status_code == 303
    assert "1 exempel finns nu i en/reviewed.yml" in admin.fetch("/admin/review/inbox")
    swedish_file = Path(review_portal[review.NLU_PATH_KEY])
    english = yaml.safe_load((swedish_file.parent / "en" / "reviewed.yml").read_text(encoding="utf-8"))
    assert english["nlu"] == [{"intent": "out_of_scope", "examples": "- Where do I pay the dog tax?\n"}]
    assert not swedish_file.exists()  # no Swedish corrections: no Swedish file

    download = admin.get("/admin/review/inbox/reviewed.yml?lang=en")
    assert download.status_code == 200 and "intent: out_of_scope" in download.text
    assert "nlu: []" in admin.get("/admin/review/inbox/reviewed.yml").text
    assert admin.get("/admin/review/inbox/reviewed.yml?lang=xx").status_code == 404


@pytest.mark.parametrize("path", [
    "/admin/review?lang=en", "/admin/review?lang=klingon", "/admin/review/conversation?id=mix",
    "/admin/review/inbox?lang=en", "/admin/review/inbox?visa=beslutade",
    "/admin/review/stats?from=2026-11-10&to=2026-11-12",
])
def test_the_pages_with_languages_have_no_wcag_violations(page, portal_url, path):
    log_in(page, portal_url)
    page.goto(portal_url + path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)
