"""Where keyboard focus goes in the widget (issue 13): to the text box after a quick
reply, and, on a phone, round and round inside the full-screen panel, which is a modal
dialog. Debian's Chromium against the real bot.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_support import axe_violations, describe_violations
from tests.portal.widget_support import (  # noqa: F401  (no_javascript_errors: an autouse fixture)
    BOT, INPUT, LAUNCHER, PANEL, QUESTION, active, ask, no_javascript_errors, open_demo, tab_until, wait_for_reply,
)

pytestmark = pytest.mark.slow

IN_PANEL = "el.closest('#vbw-panel') !== null"


def test_a_quick_reply_moves_focus_to_the_text_box(live_stack, page):
    open_demo(page, live_stack)
    tab_until(page, "el.classList.contains('vbw-launcher')")
    page.keyboard.press("Enter")
    expect(page.locator(BOT).first.locator(".vbw-chip").first).to_be_visible(timeout=30_000)
    tab_until(page, "el.matches('.vbw-chip') && el.textContent === 'Samarbetsparter'", backwards=True)

    before = page.locator(BOT).count()
    page.keyboard.press("Enter")
    expect(page.locator(INPUT)).to_be_focused()
    assert "Herning" in wait_for_reply(page, before)
    expect(page.locator(INPUT)).to_be_focused()

    before = page.locator(BOT).count()
    page.locator(BOT).first.get_by_role("button", name="Fokusområden").click()  # with the mouse
    expect(page.locator(INPUT)).to_be_focused()
    wait_for_reply(page, before)


def test_on_a_phone_the_panel_is_a_modal_dialog_that_keeps_focus(live_stack, page):
    page.set_viewport_size({"width": 375, "height": 812})
    open_demo(page, live_stack)
    tab_until(page, "el.classList.contains('vbw-launcher')")
    page.keyboard.press("Enter")
    panel = page.locator(PANEL)
    expect(panel).to_have_attribute("aria-modal", "true")
    expect(page.get_by_role("dialog", name="Fråga om kommunens internationella arbete")).to_be_visible()
    ask(page, QUESTION)  # more controls to pass: links, feedback buttons

    for key in ("Tab", "Shift+Tab"):
        seen = set()
        for _ in range(40):
            page.keyboard.press(key)
            assert active(page, IN_PANEL), f"{key} left the full-screen panel for " + page.evaluate(
                "() => document.activeElement.outerHTML.slice(0, 80)")
            seen.add(page.evaluate("() => document.activeElement.className"))
        assert {"vbw-close vbw-iconbtn", "vbw-input", "vbw-send"} <= seen, seen

    tab_until(page, "el.classList.contains('vbw-send')")
    page.keyboard.press("Tab")
    assert active(page, "el.classList.contains('vbw-close')"), "Tab after the last control: not the first"
    page.keyboard.press("Shift+Tab")
    assert active(page, "el.classList.contains('vbw-send')"), "Shift+Tab on the first control: not the last"

    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)

    page.reload()  # the panel opens again, still modal: the first Tab lands inside it
    expect(panel).to_have_attribute("aria-modal", "true")
    page.keyboard.press("Tab")
    assert active(page, IN_PANEL), "after a reload Tab went to the page behind the panel"
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(page.locator(LAUNCHER)).to_be_focused()

    # On a wide screen the panel sits beside the page: not modal, Tab may leave it.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.keyboard.press("Enter")
    expect(panel).to_be_visible()
    expect(panel).not_to_have_attribute("aria-modal", "true")
    tab_until(page, f"!({IN_PANEL})")
