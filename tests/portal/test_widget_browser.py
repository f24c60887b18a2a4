"""The residents' chat widget in a real browser (Debian's Chromium) against the real bot.

The `live_stack` fixture runs Rasa, the action server and the portal on test ports;
each test gets a fresh browser context, so sessionStorage starts empty.
"""
from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

import pytest
from playwright.sync_api import expect

from bot.portal.public import STATIC_DIR
from tests.browser_support import (
    axe_violations, describe_violations, new_context, screenshot,
)
from tests.portal.widget_support import (  # noqa: F401  (no_javascript_errors: an autouse fixture)
    BOT, ERROR, INPUT, LAUNCHER, PANEL, QUESTION, REPLY_TIMEOUT, TYPING, USER, WEBHOOK, active, ask, delivered,
    demo_url, last_bot_message_js, no_javascript_errors, open_chat, open_demo, record_messages, tab_until,
    wait_for_reply, widget_state,
)
from tests.waiting import wait_until

WIDGET_JS = STATIC_DIR / "widget.js"


# ---------------------------------------------------------------- static checks (fast)

def test_widget_script_is_at_most_30_kb():
    size = WIDGET_JS.stat().st_size
    assert size <= 30 * 1024, f"widget.js is {size} bytes; the budget is 30 KB unminified"


def test_widget_source_avoids_html_injection_and_inline_code():
    source = WIDGET_JS.read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/|(?<![:\\])//[^\n]*", "", source, flags=re.S)
    forbidden = {
        "innerHTML": r"\.innerHTML\b",
        "outerHTML": r"\.outerHTML\b",
        "insertAdjacentHTML": r"insertAdjacentHTML",
        "document.write": r"document\.write",
        "eval": r"\beval\s*\(",
        "new Function": r"new\s+Function\b",
        "string timers": r"set(?:Timeout|Interval)\(\s*['\"`]",
        "inline style attribute": r"setAttribute\(\s*['\"]style['\"]|\.style\.",
        "<style> element": r"createElement\(\s*['\"]style['\"]",
        "inline event attribute": r"setAttribute\(\s*['\"]on",
    }
    found = [name for name, pattern in forbidden.items() if re.search(pattern, code)]
    assert not found, f"widget.js uses {found}; a strict CSP forbids it or it risks HTML injection"
    assert "textContent" in code and "document.currentScript" in code


# ---------------------------------------------------------------- conversation

@pytest.mark.slow
def test_first_open_greets_and_answers_a_twin_town_question(live_stack, page):
    sent = record_messages(page)
    open_demo(page, live_stack)
    root = page.locator(".vbw")
    expect(root).to_have_attribute("lang", "sv")
    expect(page.locator(PANEL)).to_be_hidden()
    expect(page.locator(LAUNCHER)).to_have_attribute("aria-expanded", "false")

    open_chat(page)
    dialog = page.get_by_role("dialog", name="Fråga om kommunens internationella arbete")
    expect(dialog).to_be_visible()
    expect(page.locator(INPUT)).to_be_focused()
    assert sent[0]["message"] == "/greet"
    expect(page.locator(USER)).to_have_count(0)  # the greeting request is silent
    greeting = page.locator(BOT).first
    expect(greeting.locator(".vbw-chip")).to_have_count(4)
    expect(greeting.locator(".vbw-chip").nth(1)).to_have_text("Fokusområden")
    expect(dialog).to_contain_text("personnummer")  # the privacy note

    assert "Herning" in ask(page, QUESTION)
    expect(page.locator(USER).last).to_contain_text(QUESTION)
    assert sent[-1]["message"] == QUESTION
    assert sent[-1]["sender"] == sent[0]["sender"] == widget_state(page)["sender"]


@pytest.mark.slow
@pytest.mark.parametrize("motion", ["no-preference", "reduce"])
def test_typing_indicator_shows_while_waiting_and_respects_reduced_motion(live_stack, browser, motion):
    context = new_context(browser, reduced_motion=motion)
    page = context.new_page()
    held: list[Any] = []
    try:
        page.route(WEBHOOK, lambda route: held.append(route))  # hold it: the bot "thinks"
        open_demo(page, live_stack)
        page.locator(LAUNCHER).click()
        typing = page.locator(TYPING)
        expect(typing).to_be_visible()
        expect(typing).to_contain_text("Assistenten skriver")
        animation = page.eval_on_selector(".vbw-dots span", "el => getComputedStyle(el).animationName")
        assert animation == ("none" if motion == "reduce" else "vbw-blink")

        page.unroute(WEBHOOK)
        wait_until(lambda: delivered(page) and held, timeout=5, message="the greeting request never reached the route")
        for route in held:
            route.continue_()
        expect(typing).to_have_count(0, timeout=REPLY_TIMEOUT)
        expect(page.locator(BOT).first.locator(".vbw-chip").first).to_be_visible()
    finally:
        context.close()


@pytest.mark.slow
def test_quick_reply_sends_payload_shows_title_and_stays_usable(live_stack, page):
    sent = record_messages(page)
    open_demo(page, live_stack)
    open_chat(page)
    greeting = page.locator(BOT).first

    before = page.locator(BOT).count()
    greeting.get_by_role("button", name="Samarbetsparter").click()
    answer = wait_for_reply(page, before)
    expect(page.locator(USER).last).to_have_text(re.compile(r"Samarbetsparter$"))
    assert sent[-1]["message"] == "/ask_partners"
    assert "Herning" in answer

    # The greeting's buttons still work after the conversation has moved on.
    before = page.locator(BOT).count()
    chip = greeting.get_by_role("button", name="Fokusområden")
    expect(chip).to_be_enabled()
    chip.click()
    answer = wait_for_reply(page, before)
    assert sent[-1]["message"] == "/ask_focus_areas"
    assert "Livslångt lärande" in answer


def asked_once(page, live_stack) -> list[dict]:
    """The demo page's chat, opened and asked QUESTION; the messages sent, recorded from the start."""
    sent = record_messages(page)
    open_demo(page, live_stack)
    open_chat(page)
    ask(page, QUESTION)
    return sent


@pytest.mark.slow
def test_history_survives_reload_and_navigation(live_stack, page):
    sent = asked_once(page, live_stack)
    texts = page.locator(".vbw-log .vbw-msg").all_text_contents()

    page.reload()
    expect(page.locator(PANEL)).to_be_visible()  # it was open, so it still is
    expect(page.locator(".vbw-log .vbw-msg")).to_have_text(texts)
    expect(page.locator(".vbw-log")).to_contain_text("Herning")
    sender = widget_state(page)["sender"]

    page.goto(demo_url(live_stack, "/?sida=2"))
    expect(page.locator(".vbw-log .vbw-msg")).to_have_text(texts)
    assert widget_state(page)["sender"] == sender
    assert {m["sender"] for m in sent} == {sender}, "the conversation changed sender id"
    assert [m["message"] for m in sent].count("/greet") == 1, "history lost: greeted again"

    page.get_by_role("button", name="Stäng chatten").click()
    page.reload()
    expect(page.locator(PANEL)).to_be_hidden()
    page.locator(LAUNCHER).click()
    expect(page.locator(".vbw-log .vbw-msg")).to_have_text(texts)


@pytest.mark.slow
def test_new_conversation_starts_over(live_stack, page):
    sent = asked_once(page, live_stack)
    old_sender = widget_state(page)["sender"]

    page.get_by_role("button", name="Ny konversation").click()
    expect(page.locator(USER)).to_have_count(0)
    expect(page.locator(BOT)).to_have_count(1, timeout=REPLY_TIMEOUT)
    expect(page.locator(BOT).first.locator(".vbw-chip").first).to_be_visible()
    expect(page.locator(".vbw-log")).not_to_contain_text("Herning")
    state = widget_state(page)
    assert state["sender"] != old_sender
    assert len(state["messages"]) == 1
    assert sent[-1] == {**sent[-1], "sender": state["sender"], "message": "/greet"}
    expect(page.locator(INPUT)).to_be_focused()


@pytest.mark.slow
def test_whole_flow_with_the_keyboard_alone(live_stack, page):
    page.goto(demo_url(live_stack))
    expect(page.locator(LAUNCHER)).to_be_visible()

    tab_until(page, "el.classList.contains('vbw-launcher')")
    page.keyboard.press("Enter")
    expect(page.locator(PANEL)).to_be_visible()
    expect(page.locator(INPUT)).to_be_focused()
    expect(page.locator(BOT).first.locator(".vbw-chip").first).to_be_visible(timeout=REPLY_TIMEOUT)

    before = page.locator(BOT).count()
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    assert "Herning" in wait_for_reply(page, before)
    expect(page.locator(INPUT)).to_be_focused()

    # Feedback on the answer: the controls sit just before the input.
    tab_until(page, f"el.matches('.vbw-fb[data-value=positive]') && el.closest('.vbw-msg') === {last_bot_message_js()}",
              backwards=True)
    page.keyboard.press("Space")
    answer = page.locator(BOT).last
    expect(answer.locator(".vbw-fb[data-value=positive]")).to_have_attribute("aria-pressed", "true")
    expect(answer.locator(".vbw-thanks")).to_be_visible(timeout=REPLY_TIMEOUT)
    assert active(page, "el.matches('.vbw-fb[data-value=positive]')"), "focus was lost after feedback"

    # A quick reply from the greeting.
    tab_until(page, "el.matches('.vbw-chip') && el.textContent === 'Fokusområden'", backwards=True)
    before = page.locator(BOT).count()
    page.keyboard.press("Enter")
    assert "Livslångt lärande" in wait_for_reply(page, before)

    # Escape closes and gives focus back to the launcher; Enter opens again, history kept.
    page.keyboard.press("Escape")
    expect(page.locator(PANEL)).to_be_hidden()
    expect(page.locator(LAUNCHER)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(INPUT)).to_be_focused()
    expect(page.locator(USER)).to_have_count(2)

    # Start over, then close with the close button.
    tab_until(page, "el.classList.contains('vbw-restart')", backwards=True)
    page.keyboard.press("Enter")
    expect(page.locator(USER)).to_have_count(0)
    expect(page.locator(BOT).first.locator(".vbw-chip").first).to_be_visible(timeout=REPLY_TIMEOUT)
    tab_until(page, "el.classList.contains('vbw-close')", backwards=True)
    page.keyboard.press("Enter")
    expect(page.locator(PANEL)).to_be_hidden()
    expect(page.locator(LAUNCHER)).to_be_focused()


@pytest.mark.slow
def test_feedback_reaches_the_tracker_store(live_stack, page):
    open_demo(page, live_stack)
    open_chat(page)
    assert "Herning" in ask(page, QUESTION)
    answer = page.locator(BOT).last  # feedback sits on the last message of the bot's turn
    no = answer.get_by_role("button", name="Nej")
    yes = answer.get_by_role("button", name="Ja")
    expect(answer.get_by_role("group", name="Var svaret till hjälp?")).to_be_visible()
    expect(no).to_have_attribute("aria-pressed", "false")

    no.click()
    expect(no).to_have_attribute("aria-pressed", "true")
    expect(yes).to_have_attribute("aria-pressed", "false")
    expect(answer.locator(".vbw-thanks")).to_have_text("Tack för din återkoppling!", timeout=REPLY_TIMEOUT)
    state = widget_state(page)
    index = len(state["messages"]) - 1
    assert state["messages"][index]["fb"] == "negative"

    yes.click()
    expect(yes).to_have_attribute("aria-pressed", "true")
    expect(no).to_have_attribute("aria-pressed", "false")
    expect(answer.locator(".vbw-thanks")).to_have_text("Tack för din återkoppling!", timeout=REPLY_TIMEOUT)

    events = feedback_events(live_stack.settings.tracker_db, state["sender"], expected=2)
    assert [e["parse_data"]["intent"]["name"] for e in events] == ["feedback", "feedback"]
    values = [e["metadata"]["feedback"]["value"] for e in events]
    assert values == ["negative", "positive"]
    for event in events:
        meta = event["metadata"]["feedback"]
        assert meta["message_index"] == index
        assert "Herning" in meta["bot_text"]
        assert event["text"] == '/feedback{"value":"%s"}' % meta["value"]
        entities = {e["entity"]: e["value"] for e in event["parse_data"]["entities"]}
        assert entities.get("value") == meta["value"]


def feedback_events(tracker_db: str, sender: str, expected: int) -> list[dict[str, Any]]:
    """The user events with intent `feedback` of one conversation, read from Rasa's SQLite
    store once `expected` of them are there (Rasa stores a turn after answering it)."""
    def stored() -> list[dict[str, Any]] | None:
        with sqlite3.connect(f"file:{tracker_db}?mode=ro", uri=True) as db:
            rows = db.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
                (sender,),
            ).fetchall()
        events = [json.loads(data) for (data,) in rows]
        found = [e for e in events if (e.get("parse_data") or {}).get("intent", {}).get("name") == "feedback"]
        return found if len(found) >= expected else None

    return wait_until(stored, timeout=15, interval=0.5, message=f"fewer than {expected} feedback events were stored")


# ---------------------------------------------------------------- accessibility and looks

@pytest.mark.slow
def test_axe_finds_no_wcag_violations_with_the_panel_closed_and_open(live_stack, page):
    open_demo(page, live_stack)
    closed = axe_violations(page)
    assert closed == [], describe_violations(closed)

    open_chat(page)
    ask(page, QUESTION)
    answer = page.locator(BOT).last
    answer.get_by_role("button", name="Ja").click()
    expect(answer.locator(".vbw-thanks")).to_be_visible(timeout=REPLY_TIMEOUT)
    opened = axe_violations(page)
    assert opened == [], describe_violations(opened)

    page.route(WEBHOOK, lambda route: route.abort())
    page.locator(INPUT).fill("Berätta om Ravenna")
    page.locator(INPUT).press("Enter")
    expect(page.locator(ERROR)).to_contain_text("går inte att nå", timeout=REPLY_TIMEOUT)
    failed = axe_violations(page)
    assert failed == [], describe_violations(failed)

    page.set_viewport_size({"width": 375, "height": 700})
    narrow = axe_violations(page)
    assert narrow == [], describe_violations(narrow)


@pytest.mark.slow
@pytest.mark.parametrize("width, height", [(1280, 800), (375, 812)])
def test_screenshots(live_stack, browser, width, height):
    context = new_context(browser, viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        open_demo(page, live_stack)
        screenshot(page, f"widget-{width}-closed.png")
        open_chat(page)
        ask(page, QUESTION)
        path = screenshot(page, f"widget-{width}.png")
        assert path.stat().st_size > 10_000
        box = page.locator(PANEL).bounding_box()
        assert box["x"] >= 0 and box["y"] >= 0
        assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height
        if width < 480:
            assert box["width"] == width, "on a phone the panel fills the screen"
    finally:
        context.close()


@pytest.mark.slow
@pytest.mark.parametrize(
    "viewport, scale",
    [({"width": 320, "height": 640}, 1), ({"width": 640, "height": 400}, 2)],
    ids=["320px", "zoom200"],
)
def test_usable_at_320_px_and_at_200_percent_zoom(live_stack, browser, viewport, scale):
    """200% zoom of a 1280×800 window leaves a 640×400 CSS-pixel viewport."""
    context = new_context(browser, viewport=viewport, device_scale_factor=scale)
    page = context.new_page()
    try:
        open_demo(page, live_stack)
        open_chat(page)
        box = page.locator(PANEL).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]
        no_sideways = page.eval_on_selector(PANEL, "el => el.scrollWidth <= el.clientWidth")
        assert no_sideways, "the panel scrolls sideways"
        assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
        for control in (INPUT, ".vbw-send", ".vbw-close", ".vbw-restart"):
            page.locator(control).scroll_into_view_if_needed()
            expect(page.locator(control)).to_be_in_viewport()
        assert "Herning" in ask(page, QUESTION)
    finally:
        context.close()
