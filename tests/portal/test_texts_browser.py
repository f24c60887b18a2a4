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
    expect(page.locator(".preview__html[lang=sv]")).to_have_text("Jag känner inte till Oslo.")
    expect(page.locator(".preview__html[lang=en]")).to_have_text("I have no information about any cooperation with Oslo.")
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


def test_the_restore_diff_and_the_borttaget_view_pass_axe(page, portal_process):
    log_in(page)
    page.goto(f"{BASE}/admin/content/partners")
    page.get_by_role("link", name="Ravenna", exact=True).click()
    assert_no_violations(page, "partner form with its citation")
    expect(page.get_by_text("Källan som chattboten anger:")).to_contain_text("Internationellt arbete, 8 maj 2023")
    page.locator("#f-description").fill("Ravenna ligger i Italien. En ny mening.")
    page.get_by_role("button", name="Spara").click()
    page.get_by_role("link", name="Historik och tidigare versioner").click()
    page.get_by_role("link", name="Visa version 1").click()
    expect(page.get_by_text("Så här ändras innehållet om du återställer version 1")).to_be_visible()
    expect(page.locator("dl.diff del").first).to_be_visible()
    assert_no_violations(page, "version page with the restore diff")

    page.goto(f"{BASE}/admin/content/partners")
    page.get_by_role("link", name="Chobe District Council", exact=True).click()
    page.get_by_role("link", name="Ta bort samarbetsparten").click()
    page.get_by_role("button", name="Ja, ta bort").click()
    page.get_by_role("link", name="Borttaget (1 st.)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Borttaget: samarbetsparter")
    assert_no_violations(page, "Borttaget view")
    page.get_by_role("button", name="Återskapa Chobe District Council").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chobe District Council")
    page.goto(f"{BASE}/admin/content/partners/deleted")
    expect(page.get_by_text("Inget är borttaget.")).to_be_visible()
    assert_no_violations(page, "empty Borttaget view")
