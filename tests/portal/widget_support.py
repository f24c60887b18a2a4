"""Selectors and steps shared by the widget's browser tests (tests/portal/test_widget_*.py).

Every wait polls the page from Python (`wait_until`), so the steps also work under
the portal's strict Content-Security-Policy, where `page.wait_for_function` is refused.
"""
from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.waiting import wait_until

WEBHOOK = "**/webhooks/rest/webhook"
LAUNCHER = ".vbw-launcher"
PANEL = "#vbw-panel"
INPUT = "#vbw-input"
BOT = ".vbw-log .vbw-bot:not(.vbw-typing)"
USER = ".vbw-log .vbw-user"
TYPING = ".vbw-log .vbw-typing"
ERROR = ".vbw-error"
QUESTION = "Vilka vänorter har ni?"
REPLY_TIMEOUT = 30_000


def demo_url(live_stack, path: str = "/") -> str:
    return live_stack.settings.portal_url + path


def open_demo(page, live_stack, path: str = "/") -> None:
    page.goto(demo_url(live_stack, path))
    expect(page.locator(LAUNCHER)).to_be_visible()


def open_chat(page) -> None:
    """Opens the panel and waits for the first greeting with its suggested topics."""
    page.locator(LAUNCHER).click()
    expect(page.locator(PANEL)).to_be_visible()
    expect(page.locator(BOT).first.locator(".vbw-chip").first).to_be_visible(timeout=REPLY_TIMEOUT)


def wait_for_reply(page, bot_messages_before: int) -> str:
    """Waits until the bot's reply is shown and the typing indicator is gone; the reply's text.

    One turn can bring several bot messages (an answer and its source, say): all are joined.
    """
    wait_until(
        lambda: page.locator(BOT).count() > bot_messages_before and page.locator(TYPING).count() == 0,
        timeout=REPLY_TIMEOUT / 1000, message="the bot did not answer",
    )
    texts = page.locator(f"{BOT} .vbw-bubble").all_text_contents()
    return "\n".join(texts[bot_messages_before:])


def ask(page, text: str) -> str:
    before = page.locator(BOT).count()
    page.locator(INPUT).fill(text)
    page.locator(INPUT).press("Enter")
    return wait_for_reply(page, before)


def widget_state(page) -> dict[str, Any] | None:
    return page.evaluate(
        """() => {
            for (let i = 0; i < sessionStorage.length; i++) {
                const key = sessionStorage.key(i);
                if (key.startsWith('vbw:')) return JSON.parse(sessionStorage.getItem(key));
            }
            return null;
        }"""
    )


def record_messages(page) -> list[dict[str, Any]]:
    """Every body the page POSTs to the bot, in order."""
    sent: list[dict[str, Any]] = []

    def on_request(request) -> None:
        if request.method == "POST" and request.url.endswith("/webhooks/rest/webhook"):
            sent.append(json.loads(request.post_data))

    page.on("request", on_request)
    return sent


def active(page, expression: str) -> bool:
    """Evaluates a JS expression about the focused element `el`."""
    return page.evaluate(f"() => {{ const el = document.activeElement; return !!({expression}); }}")


def tab_until(page, expression: str, backwards: bool = False, limit: int = 40) -> None:
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if active(page, expression):
            return
    pytest.fail(f"{key} never reached an element where {expression}")


def last_bot_message_js() -> str:
    return "[...document.querySelectorAll('.vbw-log .vbw-bot:not(.vbw-typing)')].pop()"


@pytest.fixture(autouse=True)
def no_javascript_errors(request):
    """Fails a test whose page threw a JavaScript error."""
    page = request.getfixturevalue("page") if "page" in request.fixturenames else None
    yield
    if page is not None:
        assert not page.js_errors, f"JavaScript errors on the page: {page.js_errors}"


def delivered(page) -> bool:
    """A round trip to the page, so that Playwright hands over the events (routes,
    console messages) that arrived meanwhile: its sync API delivers them only then."""
    return page.evaluate("() => true")
