"""The review pages in a real browser (Debian's Chromium through Playwright):
statistics with charts under the strict CSP, a transcript, and axe-core scans of
every review page (no serious or critical WCAG 2.1 A/AA violations).

The portal runs in this process, in a thread of its own, on the known tracker
store from tests/conversations (review_fixtures.py); no trained model is needed.
"""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser_support import axe_violations, describe_violations, new_context, screenshot
from tests.portal.review_fixtures import (  # noqa: F401  (pytest fixtures)
    ADMIN, EDITOR, portal_url, project_nlu_untouched, review_portal, tracker_db, tracker_template, users,
)

SERIOUS = ("serious", "critical")
STATS = "/admin/review/stats?from=2026-11-01&to=2026-11-30"


def log_in(page, base: str, who=ADMIN) -> None:
    page.goto(f"{base}/admin/login")
    page.get_by_label("Användarnamn").fill(who[0])
    page.get_by_label("Lösenord").fill(who[1])
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def assert_accessible(page, what: str) -> None:
    violations = axe_violations(page, impacts=SERIOUS)
    assert not violations, f"{what}:\n{describe_violations(violations)}"


def test_the_statistics_draw_their_charts_under_the_strict_csp(browser, portal_url):
    context = new_context(browser, bypass_csp=False)  # the real Content-Security-Policy
    page = context.new_page()
    problems = []
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" and "status of 404" not in message.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
    try:
        log_in(page, portal_url)
        page.goto(portal_url + STATS)
        expect(page.get_by_role("heading", level=1)).to_have_text("Statistik")
        expect(page.locator(".chart--drawn")).to_have_count(4)
        sizes = page.eval_on_selector_all("canvas", "cs => cs.map(c => [c.width, c.height])")
        assert all(width > 100 and height > 100 for width, height in sizes), sizes
        assert page.evaluate("() => typeof window.Chart") == "function"
        assert not problems, problems  # no CSP refusals, no script errors
        # the same numbers as a table
        row = page.get_by_role("row", name="Kan jag få bygglov för en altan? 2")
        expect(row).to_be_visible()
        expect(page.locator("#kf-conversations")).to_have_text("8")
        screenshot(page, "review-stats.png", full_page=True)
    finally:
        context.close()


def test_an_admin_opens_the_statistics_and_a_transcript_and_every_review_page_passes_axe(page, portal_url):
    log_in(page, portal_url)
    page.goto(portal_url + "/admin/review")
    expect(page.get_by_role("heading", level=1)).to_have_text("Samtal")
    assert_accessible(page, "conversation list")
    screenshot(page, "review-list.png", full_page=True)

    page.get_by_label("Boten förstod inte").select_option("fallback")
    page.get_by_role("button", name="Filtrera").click()
    expect(page.get_by_role("status").filter(has_text="samtal")).to_have_text("2 samtal.")
    assert_accessible(page, "filtered list")

    page.get_by_role("link", name="Kan jag få bygglov för en altan?").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Samtal 3 november 2026")
    expect(page.locator(".turn--user").first).to_contain_text("ask_activities")
    expect(page.locator(".turn--user").first).to_contain_text("41 %")
    assert_accessible(page, "transcript")
    screenshot(page, "review-transcript.png", full_page=True)

    page.get_by_role("button", name="Markera som granskad").click()
    expect(page.get_by_role("status").first).to_contain_text("markerat som granskat")
    page.get_by_label("Taggar").fill("bygglov, saknat svar")
    page.get_by_label("Anteckning").fill("Vanlig fråga om bygglov, hänvisa till kommunens växel.")
    page.get_by_role("button", name="Spara granskningen").click()
    expect(page.get_by_label("Taggar")).to_have_value("bygglov, saknat svar")
    assert_accessible(page, "transcript after saving")

    page.get_by_role("link", name="Radera samtalet …").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Radera samtalet?")
    assert_accessible(page, "erase confirmation")
    page.get_by_role("button", name="Ja, radera samtalet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Radera samtalet?")  # the box was not ticked
    page.get_by_label("Jag förstår att samtalet raderas för gott").check()
    page.get_by_role("button", name="Ja, radera samtalet").click()
    expect(page.get_by_role("status").first).to_contain_text("Samtalet är raderat ur loggen")

    page.goto(portal_url + "/admin/review/inbox")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inlärning")
    assert_accessible(page, "learning inbox")
    screenshot(page, "review-inbox.png", full_page=True)
    first = page.locator(".inbox-item").first
    first.get_by_label("Rätt tolkning").select_option("out_of_scope")
    first.get_by_role("button").click()
    expect(page.get_by_role("status").first).to_contain_text("är utanför ämnet")
    page.get_by_role("button", name="Exportera till reviewed.yml").click()
    expect(page.get_by_role("status").first).to_contain_text("1 exempel finns nu i reviewed.yml")
    page.get_by_role("link", name="Beslutade (1)").click()
    assert_accessible(page, "decided messages")

    page.goto(portal_url + STATS)
    expect(page.locator(".chart--drawn")).to_have_count(4)
    assert_accessible(page, "statistics")

    page.goto(portal_url + "/admin/review/audit")
    expect(page.get_by_role("cell", name="Radering av ett samtal")).to_be_visible()
    assert_accessible(page, "audit log")


def test_a_redaktor_is_refused_in_the_browser(page, portal_url):
    log_in(page, portal_url, EDITOR)
    response = page.goto(portal_url + "/admin/review")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Sidan är bara för administratörer")
