"""The issue's "done when", in Debian's Chromium against the real bot.

A newcomer chats through the widget (the live stack's demo page) and types a
personnummer and a phone number; twice the answer does not help and they say
so. An admin then logs in to the review pages (served in this process on the
live stack's tracker and content databases, exporting to a temporary folder),
sees the conversation, filters to the misunderstood ones, corrects the two
messages in the learning inbox and exports them. The personnummer appears
masked everywhere: in the tracker database, every review page and the export.
"""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bot.db.engine import session_factory
from bot.portal.auth import UserStore
from tests.browser_support import axe_violations, describe_violations, screenshot
from tests.portal.review_fixtures import FAST_HASHER, ThreadedPortal, review_app

pytestmark = pytest.mark.slow

PNR, PHONE = "19121212-1212", "070-123 45 67"
FIRST = "Kan jag boka bastun i simhallen på lördag?"
SECOND = f"Mitt personnummer är {PNR}, ring mig på {PHONE} om vänorterna"
SECOND_MASKED = "Mitt personnummer är [PERSONNUMMER], ring mig på [TELEFON] om vänorterna"
REPLY_TIMEOUT = 30_000
BOT = ".vbw-log .vbw-bot:not(.vbw-typing)"


def ask_and_thumbs_down(page, text: str) -> None:
    before = page.locator(BOT).count()
    page.locator("#vbw-input").fill(text)
    page.locator("#vbw-input").press("Enter")
    page.wait_for_function(
        """n => document.querySelectorAll('.vbw-log .vbw-bot:not(.vbw-typing)').length > n
                && !document.querySelector('.vbw-log .vbw-typing')""", arg=before, timeout=REPLY_TIMEOUT)
    feedback = page.locator(".vbw-feedback").last
    feedback.get_by_role("button", name="Nej").click()
    expect(feedback.locator(".vbw-thanks")).to_be_visible(timeout=REPLY_TIMEOUT)


def assert_accessible(page, what: str) -> None:
    violations = axe_violations(page, impacts=("serious", "critical"))
    assert not violations, f"{what}:\n{describe_violations(violations)}"


def test_a_newcomer_chats_and_an_admin_corrects_two_messages_and_exports_them(
        live_stack, page, tmp_path, monkeypatch):
    # the newcomer, in the widget
    page.goto(live_stack.settings.portal_url + "/")
    page.locator(".vbw-launcher").click()
    expect(page.locator(BOT).first.locator(".vbw-chip").first).to_be_visible(timeout=REPLY_TIMEOUT)
    ask_and_thumbs_down(page, FIRST)
    ask_and_thumbs_down(page, SECOND)
    sender = page.evaluate(
        "() => JSON.parse(sessionStorage.getItem(Object.keys(sessionStorage).find(k => k.startsWith('vbw:')))).sender")
    assert sender.startswith("web-")

    db = Path(live_stack.settings.tracker_db)
    assert PNR.encode() not in b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))

    # the admin, in the review pages
    monkeypatch.delenv("TRACKER_DB_URL", raising=False)
    users = UserStore(session_factory(live_stack.settings.database_url), FAST_HASHER)
    admin = (f"granskare-{uuid.uuid4().hex[:6]}", "ett långt lösenord för granskning")
    users.create(*admin, role="admin")
    export = tmp_path / "reviewed.yml"
    app = review_app(live_stack.settings.database_url, live_stack.settings.tracker_db, users, export)
    with ThreadedPortal(app) as served:
        base = served.base
        page.goto(f"{base}/admin/login")
        page.get_by_label("Användarnamn").fill(admin[0])
        page.get_by_label("Lösenord").fill(admin[1])
        page.get_by_role("button", name="Logga in").click()

        page.goto(f"{base}/admin/review")
        expect(page.get_by_role("link", name=FIRST)).to_be_visible()  # newest first: on the first page
        page.get_by_label("Återkoppling").select_option("negative")
        page.get_by_role("button", name="Filtrera").click()
        expect(page.get_by_role("link", name=FIRST)).to_be_visible()
        assert PNR not in page.content()

        page.get_by_role("link", name=FIRST).click()
        transcript = page.locator(".transcript")
        expect(transcript).to_contain_text(SECOND_MASKED)
        expect(transcript).to_contain_text("Svaret var inte till hjälp (negativ)")
        assert PNR not in page.content() and PHONE not in page.content()
        assert_accessible(page, "the newcomer's transcript")
        screenshot(page, "review-done-when-transcript.png", full_page=True)

        page.goto(f"{base}/admin/review/inbox")
        for text, choice in ((FIRST, "out_of_scope"), (SECOND_MASKED, "intent:ask_partners")):
            item = page.locator(".inbox-item").filter(has_text=f"”{text}”")
            expect(item).to_have_count(1)
            expect(item).to_contain_text("Negativ återkoppling")
            item.get_by_label("Rätt tolkning").select_option(choice)
            item.get_by_role("button").click()
            expect(page.get_by_role("status").first).to_contain_text("Sparat")
        assert PNR not in page.content()
        page.get_by_role("button", name="Exportera till reviewed.yml").click()
        expect(page.get_by_role("status").first).to_contain_text("finns nu i reviewed.yml")

    written = export.read_text(encoding="utf-8")
    assert f"      - {SECOND_MASKED}\n" in written and PNR not in written
    assert "  - intent: ask_partners\n" in written
    assert "  - intent: out_of_scope\n" in written and f"      - {FIRST}\n" in written
