"""Bot texts, the restore diff and the "Borttaget" views in Chromium: every new
page and state has zero axe violations (WCAG 2.1 A/AA, any impact)."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser_support import axe_violations, describe_violations
from tests.portal.test_admin_browser import BASE, log_in, portal_process  # noqa: F401  (fixture)


def assert_no_violations(page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}:\n{describe_violations(violations)}"


def open_text(page, label: str) -> None:
    page.goto(f"{BASE}/admin/content/texts")
    assert_no_violations(page, "bot texts list")
    page.get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(label)


def test_editing_a_bot_text_with_preview_and_errors_passes_axe(page, portal_process):
    log_in(page)
    open_text(page, "Ingen information om en namngiven samarbetspart")
    assert_no_violations(page, "bot text form")

    text = page.locator("#f-text")
    text.fill("Jag känner inte till {namn} eller {adress}.")
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.get_by_role("heading", name="Förhandsgranskning")).to_be_visible()
    assert_no_violations(page, "bot text preview with a problem")

    page.locator("#f-text").fill("Jag känner inte till {namn}.")
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.locator(".preview__html")).to_have_text("Jag känner inte till Oslo.")
    assert_no_violations(page, "bot text preview")

    page.locator("#f-text").fill("Jag känner inte till det.")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("alert").first).to_contain_text("Texten måste innehålla platshållaren {namn}.")
    assert_no_violations(page, "bot text validation error")

    page.locator("#f-text").fill("Jag vet inget om samarbete med {namn}.")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Ändringarna är sparade.")).to_be_visible()
    page.get_by_role("link", name="Historik och tidigare versioner").click()
    assert_no_violations(page, "bot text history")
