"""The widget in a real browser when things go wrong or turn hostile: a bot text with
HTML and links in it, an over-long message, a server error, a strict Content-Security-Policy
and a bot that goes away (slowest: last). The conversation itself: test_widget_browser.py."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser_support import launch_chromium, new_context
from tests.portal.widget_support import (  # noqa: F401  (no_javascript_errors: an autouse fixture)
    BOT, ERROR, INPUT, LAUNCHER, QUESTION, REPLY_TIMEOUT, USER, WEBHOOK, ask, delivered, demo_url,
    no_javascript_errors, open_chat, open_demo, wait_for_reply,
)
from tests.waiting import wait_until


@pytest.mark.slow
def test_bot_text_is_rendered_safely_with_clickable_links(live_stack, page):
    nasty = (
        'Se <img src=x onerror="window.pwned=1"> och <b>fet</b> <script>window.pwned=2</script>\n'
        "Läs mer på https://www.vanersborg.se/kommun/internationellt. "
        "Eller (www.example.org), men inte javascript:alert(1)"
    )
    reply = [{"recipient_id": "x", "text": nasty,
              "buttons": [{"title": "<i>kursiv</i>", "payload": "/ask_partners"}]}]
    page.route(WEBHOOK, lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(reply)))
    open_demo(page, live_stack)
    open_chat(page)

    log = page.locator(".vbw-log")
    for tag in ("img", "b", "script", "i"):
        expect(log.locator(tag)).to_have_count(0)
    assert page.evaluate("() => window.pwned") is None
    bubble = page.locator(BOT).first.locator(".vbw-bubble")
    expect(bubble).to_contain_text('<img src=x onerror="window.pwned=1">')
    expect(bubble).to_contain_text("<b>fet</b>")
    expect(bubble.locator("br")).to_have_count(1)
    links = bubble.locator("a")
    expect(links).to_have_count(2)
    assert links.nth(0).get_attribute("href") == "https://www.vanersborg.se/kommun/internationellt"
    assert links.nth(1).get_attribute("href") == "https://www.example.org/"
    expect(links.nth(1)).to_contain_text("www.example.org")
    for i in range(2):
        assert links.nth(i).get_attribute("target") == "_blank"
        assert "noopener" in links.nth(i).get_attribute("rel").split()
    expect(page.get_by_role("button", name="<i>kursiv</i>")).to_be_visible()

    # The resident's own text is shown as text too.
    ask(page, "<b>hej</b>")
    expect(page.locator(USER).last).to_contain_text("<b>hej</b>")
    expect(log.locator("b")).to_have_count(0)


@pytest.mark.slow
def test_message_length_limit_has_a_visible_counter(live_stack, page):
    open_demo(page, live_stack)
    open_chat(page)
    field = page.locator(INPUT)
    expect(field).to_have_attribute("maxlength", "1000")
    counter = page.locator("#vbw-count")
    expect(counter).to_have_text("0 av 1000 tecken")
    field.press_sequentially("Hej")
    expect(counter).to_have_text("3 av 1000 tecken")
    field.fill("a" * 1000)
    expect(counter).to_have_text("1000 av 1000 tecken")
    assert field.get_attribute("aria-describedby") == "vbw-count"

    before = page.locator(BOT).count()
    field.press("Enter")
    wait_for_reply(page, before)  # the client does not block: the bot answers
    expect(page.locator(USER).last).to_contain_text("a" * 1000)
    expect(counter).to_have_text("0 av 1000 tecken")


@pytest.mark.slow
def test_server_error_shows_retry_and_keeps_the_question(live_stack, page):
    open_demo(page, live_stack)
    open_chat(page)
    page.route(WEBHOOK, lambda route: route.fulfill(status=500, body="Internal Server Error"))
    page.locator(INPUT).fill(QUESTION)
    page.locator(INPUT).press("Enter")
    alert = page.locator(ERROR)
    expect(alert).to_contain_text("går inte att nå", timeout=REPLY_TIMEOUT)
    expect(page.locator(USER).last).to_contain_text(QUESTION)
    expect(page.locator(USER).last).to_contain_text("Inte skickat")

    page.unroute(WEBHOOK)
    before = page.locator(BOT).count()
    page.get_by_role("button", name="Försök igen").click()
    assert "Herning" in wait_for_reply(page, before)
    expect(alert).to_have_text("")
    expect(page.locator(USER)).to_have_count(1)
    expect(page.locator(USER).last).not_to_contain_text("Inte skickat")


@pytest.mark.slow
def test_works_under_a_strict_content_security_policy(live_stack, browser):
    csp = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
           f"connect-src 'self' {live_stack.settings.public_rasa_url}; base-uri 'none'; "
           "form-action 'self'; frame-ancestors 'none'")
    # The header is added by intercepting the page, and Chromium then no longer knows that the
    # page came from the loopback address: its Local Network Access checks would block the
    # widget's (allowed) requests to the bot on localhost, so this browser has them switched off.
    csp_browser = launch_chromium(browser.browser_type,
                                  extra_args=["--disable-features=LocalNetworkAccessChecks"])
    context = new_context(csp_browser, bypass_csp=False)
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)

    def with_csp(route) -> None:
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": csp})

    try:
        page.route(demo_url(live_stack), with_csp)
        open_demo(page, live_stack)
        position = page.eval_on_selector(LAUNCHER, "el => getComputedStyle(el).position")
        assert position == "fixed", "widget.css did not load under the CSP"
        open_chat(page)
        page.locator(INPUT).fill(QUESTION)
        page.locator(INPUT).press("Enter")  # (wait_for_function would need 'unsafe-eval')
        expect(page.locator(".vbw-log")).to_contain_text("Herning", timeout=REPLY_TIMEOUT)
        assert refused == [], f"the widget broke the CSP: {refused}"

        # The policy really is in force: an inline style is refused.
        page.evaluate("() => { const s = document.createElement('style'); s.textContent = 'p{}';"
                      " document.head.appendChild(s); }")
        wait_until(lambda: delivered(page) and refused, timeout=5,
                   message="the CSP header was not applied, so this test proves nothing")
    finally:
        context.close()
        csp_browser.close()


# ---------------------------------------------------------------- the bot goes away (slowest: last)

@pytest.mark.slow
def test_unreachable_bot_shows_an_error_and_retry_keeps_the_typed_text(live_stack, page):
    open_demo(page, live_stack)
    open_chat(page)
    alert = page.locator(ERROR)
    retry = page.get_by_role("button", name="Försök igen")

    live_stack.stack.stop(only="rasa")
    try:
        page.locator(INPUT).fill(QUESTION)
        page.locator(INPUT).press("Enter")
        expect(alert).to_contain_text("går inte att nå", timeout=REPLY_TIMEOUT)
        expect(retry).to_be_visible()
        expect(page.locator(USER).last).to_contain_text(QUESTION)
        expect(page.locator(USER).last).to_contain_text("Inte skickat")

        # Nothing is lost on a reload either: the unsent question and a half-typed draft.
        page.locator(INPUT).fill("Berätta om Ravenna")
        page.reload()
        expect(alert).to_contain_text("går inte att nå")
        expect(page.locator(USER).last).to_contain_text(QUESTION)
        expect(page.locator(INPUT)).to_have_value("Berätta om Ravenna")

        # Retrying while the bot is still down fails again, still without losing anything.
        retry.click()
        expect(alert).to_contain_text("går inte att nå", timeout=REPLY_TIMEOUT)
        expect(page.locator(USER)).to_have_count(1)
    finally:
        live_stack.stack.restart("rasa")

    before = page.locator(BOT).count()
    retry.click()
    assert "Herning" in wait_for_reply(page, before)
    expect(alert).to_have_text("")
    expect(page.locator(USER)).to_have_count(1)
    expect(page.locator(USER).last).not_to_contain_text("Inte skickat")
    expect(page.locator(INPUT)).to_have_value("Berätta om Ravenna")
