"""What staff and admins see in Chromium (issue 13): filter labels at one height,
column headers that never break inside a word, focus on the error summary after a
validation error, the learning inbox in pages, and the statistics saying when
there is little data. axe-core finds no WCAG 2.1 A/AA violation in any state.

The portal runs in this process on the known tracker store (review_fixtures.py).
"""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser_support import axe_violations, describe_violations
from tests.portal.review_fixtures import (  # noqa: F401  (pytest fixtures)
    ADMIN, EDITOR, portal_url, project_nlu_untouched, review_portal, tracker_db, tracker_template, users,
)
from tests.portal.test_review_browser import log_in
from tests.portal.test_review_usability import unsure_messages

# Fields whose boxes share a line (vertical overlap) are in one row; the tops of their labels in pixels.
LABEL_ROWS = """form => {
  const fields = [...form.querySelectorAll('.field')].map(f => ({box: f.getBoundingClientRect(),
      label: Math.round(f.querySelector('label').getBoundingClientRect().top)}));
  const rows = [];
  for (const f of fields) {
    const row = rows.find(r => r.some(o => f.box.top < o.box.bottom && o.box.top < f.box.bottom));
    if (row) row.push(f); else rows.push([f]);
  }
  return rows.map(r => r.map(f => f.label));
}"""

# Column headers whose words are split over two lines: [header text, word].
BROKEN_HEADERS = """() => {
  const broken = [];
  for (const th of document.querySelectorAll('thead th')) {
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push([th.textContent.trim(), match[0]]);
      }
    }
  }
  return broken;
}"""


def assert_accessible(page, what: str) -> None:
    violations = axe_violations(page)  # every impact: zero WCAG 2.1 A/AA violations
    assert not violations, f"{what}:\n{describe_violations(violations)}"


def test_the_filter_labels_of_a_row_sit_at_one_height(page, portal_url):
    log_in(page, portal_url)
    for width in (1280, 900, 600):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(portal_url + "/admin/review")
        rows = page.locator("form.filter-form").evaluate(LABEL_ROWS)
        assert any(len(row) > 1 for row in rows), rows
        assert all(len(set(row)) == 1 for row in rows), f"{width} px: label tops per row {rows}"
        button = page.get_by_role("button", name="Filtrera").bounding_box()
        assert button["width"] < width / 2  # a button, not a bar across the form
    assert_accessible(page, "conversation list at 600 px")


def test_column_headers_never_break_inside_a_word(page, portal_url, content_url):
    from bot.content.editor import ContentEditor
    from bot.content.types import PARTNERS
    from bot.db.engine import session_factory

    editor = ContentEditor(session_factory(content_url))
    partner = editor.list(PARTNERS)[0]
    editor.update(PARTNERS, partner.id, dict(partner.values, description="Ändrad i testet."), partner.version, "anna")
    log_in(page, portal_url, ADMIN)
    page.set_viewport_size({"width": 320, "height": 800})
    for path in ("/admin", "/admin/content/partners", "/admin/content/topics", "/admin/review",
                 "/admin/review/stats?from=2026-11-01&to=2026-11-30"):
        page.goto(portal_url + path)
        expect(page.locator("thead th").first).to_be_attached()
        assert page.evaluate(BROKEN_HEADERS) == [], path
    page.goto(portal_url + "/admin")
    expect(page.get_by_role("cell", name="anna")).to_be_visible()  # the recent changes, at 320 px
    assert_accessible(page, "start page at 320 px")


def test_after_a_validation_error_focus_is_on_the_error_summary(page, portal_url):
    log_in(page, portal_url, EDITOR)
    page.goto(portal_url + "/admin/content/partners/new")
    page.get_by_role("button", name="Spara", exact=True).click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("måste fyllas i")
    assert_accessible(page, "partner form with errors")

    page.context.clear_cookies()
    log_in(page, portal_url, ADMIN)
    page.goto(portal_url + "/admin/review?from=igår")
    expect(page.locator(".error-summary")).to_be_focused()
    page.goto(portal_url + "/admin/review/stats?from=2026-12-01&to=2026-11-01")
    expect(page.locator(".error-summary")).to_be_focused()
    assert_accessible(page, "statistics with a date error")


def test_the_learning_inbox_is_paged_and_stays_a_few_screens_long(page, portal_url, tracker_db):
    unsure_messages(tracker_db, 52)
    log_in(page, portal_url)
    page.goto(portal_url + "/admin/review/inbox")
    expect(page.locator("#inbox-count")).to_have_text("Visar 1–20 av 57 meddelanden att granska, 20 per sida.")
    expect(page.locator(".inbox-item")).to_have_count(20)
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height < 7000, height  # 50 items a page were about 11,900 px
    assert_accessible(page, "learning inbox, page 1")
    pages = page.get_by_role("navigation", name="Sidor i inkorgen")
    pages.get_by_role("link", name="Nästa sida").click()
    expect(page.locator("#inbox-count")).to_contain_text("Visar 21–40 av 57")
    expect(pages.locator('[aria-current="page"]')).to_have_text("Sida 2")
    first = page.locator(".inbox-item").first
    first.get_by_label("Rätt tolkning").select_option(label="Nämner en samarbetspart (inform_partner)")
    first.get_by_role("button").click()
    expect(page.get_by_role("status").first).to_contain_text("tolkas som ”Nämner en samarbetspart”")
    expect(page.locator("#inbox-count")).to_contain_text("Visar 21–40 av 56")  # still on page 2
    assert_accessible(page, "learning inbox, page 2 after a decision")


def test_the_statistics_say_when_there_is_little_data(page, portal_url):
    log_in(page, portal_url)
    page.goto(portal_url + "/admin/review/stats")
    expect(page.locator("#stats-period")).to_contain_text("från den första till den senaste dagen med samtal")
    expect(page.locator(".chart--drawn")).to_have_count(4)
    assert_accessible(page, "statistics over the days with data")
    page.goto(portal_url + "/admin/review/stats?from=2026-10-01&to=2026-10-30")
    expect(page.locator("#little-data")).to_contain_text("Underlaget är litet")
    assert_accessible(page, "statistics with little data")
    page.goto(portal_url + "/admin/review/stats?from=2025-01-01&to=2025-01-31")
    expect(page.locator("#little-data")).to_contain_text("inget att rita")
    assert_accessible(page, "statistics without data")


def test_intents_read_as_swedish_labels_in_the_list_and_the_transcript(page, portal_url):
    log_in(page, portal_url)
    page.goto(portal_url + "/admin/review")
    row = page.get_by_role("row").filter(has_text="Vilka vänorter har ni?")
    expect(row).to_contain_text("Fråga om samarbetsparterna ask_partners")
    assert_accessible(page, "conversation list")
    row.get_by_role("link").click()
    expect(page.locator(".turn--user").first).to_contain_text("Avsikt: Fråga om samarbetsparterna ask_partners")
    assert_accessible(page, "transcript")
    page.goto(portal_url + "/admin/review/stats?from=2026-11-01&to=2026-11-30")
    expect(page.locator("#table-intents")).to_contain_text("Fråga om samarbetsparterna")
    assert_accessible(page, "statistics")
