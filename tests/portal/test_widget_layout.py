"""The widget's layout as a resident sees it (issue 13): only the conversation scrolls,
header and form stay in view at 200 % zoom, the privacy note folds, a reload shows the
last answer, and the portal has a favicon. Debian's Chromium against the real bot.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser_support import axe_violations, describe_violations, new_context
from tests.waiting import settled, wait_until
from tests.portal.widget_support import (  # noqa: F401  (no_javascript_errors: an autouse fixture)
    BOT, INPUT, LAUNCHER, PANEL, QUESTION, ask, demo_url, no_javascript_errors, open_chat, open_demo, wait_for_reply,
)

pytestmark = pytest.mark.slow

DESKTOP = ({"width": 1280, "height": 800}, 1)
PHONE = ({"width": 375, "height": 812}, 1)
ZOOM_200 = ({"width": 640, "height": 400}, 2)  # a 1280×800 window at 200 % zoom
SIZES = pytest.mark.parametrize("viewport, scale", [DESKTOP, PHONE, ZOOM_200],
                                ids=["1280px", "375px", "zoom200"])
NOTE_TOGGLE = ".vbw-privacy button"

GEOMETRY = """() => {
    const panel = document.querySelector('#vbw-panel'), log = document.querySelector('.vbw-log');
    const box = s => document.querySelector(s).getBoundingClientRect();
    // the bot's last turn: every message after the resident's last one
    const turn = [...log.children].slice([...log.children].findLastIndex(m => m.matches('.vbw-user')) + 1)
        .map(m => m.getBoundingClientRect());
    const answer = {top: turn[0].top, bottom: turn[turn.length - 1].bottom};
    return {
        panelTop: box('#vbw-panel').top, panelBottom: box('#vbw-panel').bottom,
        panelScrollTop: panel.scrollTop, panelScrollHeight: panel.scrollHeight,
        panelClientHeight: panel.clientHeight,
        headerTop: box('.vbw-header').top, formBottom: box('.vbw-form').bottom,
        logTop: box('.vbw-log').top, logBottom: box('.vbw-log').bottom,
        logHeight: log.clientHeight, logScrollTop: log.scrollTop, logScrollHeight: log.scrollHeight,
        answerTop: answer.top, answerBottom: answer.bottom,
    };
}"""


def geometry(page) -> dict[str, Any]:
    return page.evaluate(GEOMETRY)


@contextmanager
def chat_open(browser, live_stack, viewport: dict[str, int], scale: int) -> Iterator[Any]:
    """A page of that size and zoom with the demo page's chat open, closed afterwards."""
    context = new_context(browser, viewport=viewport, device_scale_factor=scale)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        open_demo(page, live_stack)
        open_chat(page)
        yield page
    finally:
        context.close()


def assert_accessible(page, state: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{state}:\n{describe_violations(violations)}"


def have_a_long_conversation(page) -> None:
    """Two questions and answers, more than the conversation log shows at once."""
    assert "Herning" in ask(page, QUESTION)
    before = page.locator(BOT).count()
    page.locator(BOT).first.get_by_role("button", name="Fokusområden").click()
    assert "Livslångt lärande" in wait_for_reply(page, before)


def assert_header_and_form_in_place(g: dict[str, Any]) -> None:
    assert g["panelScrollTop"] == 0, f"the panel itself scrolled by {g['panelScrollTop']} px"
    assert abs(g["headerTop"] - g["panelTop"]) <= 1, "the header left the top of the panel"
    assert g["formBottom"] <= g["panelBottom"] + 1, "the form is below the panel's edge"


@SIZES
def test_the_mouse_wheel_scrolls_only_the_conversation(live_stack, browser, viewport, scale):
    with chat_open(browser, live_stack, viewport, scale) as page:
        have_a_long_conversation(page)
        before = geometry(page)
        log = page.locator(".vbw-log").bounding_box()
        page.mouse.move(log["x"] + log["width"] / 2, log["y"] + log["height"] / 2)
        page.mouse.wheel(0, -2000)  # to the top of the conversation, then down again
        settled(lambda: geometry(page)["logScrollTop"])
        for _ in range(6):
            page.mouse.wheel(0, 400)
        after = settled(lambda: geometry(page))
        print(f"\n{viewport} ×{scale}: before {before}\nafter {after}")
        assert_header_and_form_in_place(after)
        assert after["answerBottom"] > after["logTop"] and after["answerTop"] < after["logBottom"], \
            "the last answer is not in the visible part of the conversation (a blank panel)"
        assert after["panelScrollHeight"] == after["panelClientHeight"], \
            "the panel has content below its edge (the screen-reader labels extend it)"
        expect(page.locator(INPUT)).to_be_in_viewport()
        expect(page.locator(".vbw-send")).to_be_in_viewport()


def test_at_200_percent_zoom_header_and_form_show_and_the_privacy_note_folds(live_stack, browser):
    with chat_open(browser, live_stack, *ZOOM_200) as page:
        g = geometry(page)
        print(f"\nzoom 200 %, folded: {g}")
        assert_header_and_form_in_place(g)
        for control in (".vbw-title", ".vbw-close", ".vbw-restart", INPUT, ".vbw-send"):
            expect(page.locator(control)).to_be_in_viewport(ratio=1)
        assert g["logHeight"] >= 160, f"the conversation gets only {g['logHeight']} px"

        dialog = page.get_by_role("dialog", name="Fråga om kommunens internationella arbete")
        toggle = page.get_by_role("button", name="Läs mer")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        details = page.locator("#" + toggle.get_attribute("aria-controls"))
        expect(details).to_be_hidden()
        expect(page.locator(".vbw-privacy")).to_contain_text("Skriv inte personuppgifter")
        # folded, the whole note is still the dialog's description, read out when it opens
        expect(dialog).to_have_accessible_description(re.compile(r"personnummer.*maskeras"))
        assert_accessible(page, "privacy note folded at 200 % zoom")

        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(details).to_be_visible()
        expect(details).to_be_in_viewport(ratio=1)
        expect(details).to_contain_text("maskeras automatiskt")
        g = geometry(page)
        print(f"zoom 200 %, expanded: {g}")
        assert_header_and_form_in_place(g)
        expect(page.locator(".vbw-send")).to_be_in_viewport(ratio=1)
        assert_accessible(page, "privacy note expanded at 200 % zoom")

        toggle.press("Enter")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(details).to_be_hidden()


def test_on_a_roomy_screen_the_note_shows_until_the_first_question(live_stack, page):
    open_demo(page, live_stack)
    open_chat(page)
    toggle = page.locator(NOTE_TOGGLE)
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".vbw-privacy")).to_contain_text("maskeras automatiskt")
    ask(page, QUESTION)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    page.reload()
    expect(page.locator(PANEL)).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")  # the resident has read it


@pytest.mark.parametrize("viewport, scale", [DESKTOP, ZOOM_200], ids=["1280px", "zoom200"])
def test_after_a_reload_the_conversation_shows_the_last_answer(live_stack, browser, viewport, scale):
    with chat_open(browser, live_stack, viewport, scale) as page:
        have_a_long_conversation(page)
        g = geometry(page)
        assert g["logScrollHeight"] > g["logHeight"], "the conversation fits: this test proves nothing"
        messages = page.locator(BOT).count()

        page.reload()
        expect(page.locator(PANEL)).to_be_visible()
        expect(page.locator(BOT)).to_have_count(messages)
        wait_until(lambda: geometry(page)["logScrollTop"] > 0,
                   message="after the reload the conversation still shows its beginning")
        g = settled(lambda: geometry(page))
        print(f"\n{viewport} ×{scale} after reload: {g}")
        assert g["answerTop"] < g["logBottom"] and g["answerBottom"] > g["logTop"], \
            "the last answer is not in view after the reload"
        expect(page.locator(BOT).first.locator(".vbw-chip").first).not_to_be_in_viewport()
        assert_accessible(page, f"after a reload at {viewport}")


def test_the_portal_has_a_favicon(live_stack, page):
    problems: list[str] = []
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    response = page.goto(demo_url(live_stack, "/favicon.ico"))
    assert response.status == 200, f"/favicon.ico answers {response.status}"
    assert response.headers["content-type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert response.body()[:4] == b"\x00\x00\x01\x00", "not an .ico file"

    open_demo(page, live_stack)
    icon = page.locator("link[rel=icon]")
    expect(icon).to_have_count(1)
    sizes = page.evaluate("""async () => Promise.all(['/favicon.ico',
        document.querySelector('link[rel=icon]').href].map(async src => {
            const img = new Image(); img.src = src; await img.decode(); return img.naturalWidth; }))""")
    assert all(width >= 16 for width in sizes), sizes
    expect(page.locator(LAUNCHER)).to_be_visible()
    assert problems == [], problems
