"""The widget in two languages, in Chromium: the "Svenska / English" choice, English
texts, `lang` on the UI and on each message (WCAG 3.1.2), and a reload keeping it.

The portal runs alone (no Rasa): a routed webhook answers like the REST channel does,
with each reply's `lang`, in English when the resident chose English or wrote in it.
"""
from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser_support import axe_violations, describe_violations, new_context
from tests.portal.review_fixtures import (  # noqa: F401  (the portal, alone, and what it needs)
    portal_url, project_nlu_untouched, review_portal, tracker_db, tracker_template, users,
)
from tests.portal.widget_support import (  # noqa: F401  (no_javascript_errors: an autouse fixture)
    BOT, INPUT, LAUNCHER, PANEL, USER, WEBHOOK, active, ask, no_javascript_errors, tab_until, widget_state,
)

REPLIES = {
    "sv": {"greet": "Hej! Vad vill du veta om kommunens internationella arbete?",
           "answer": "Kommunen samarbetar med Herning, Ravenna och Chobe.", "chip": "Samarbetsparter"},
    "en": {"greet": "Hello! What would you like to know about the municipality's international work?",
           "answer": "The municipality works with Herning, Ravenna and Chobe.", "chip": "Partners"},
}
ENGLISH_WORDS = ("what", "which", "who", "partners")
ENGLISH_TITLE = "Ask about the municipality's international work"


def fake_bot(page) -> list[dict[str, Any]]:
    """Routes the webhook to a bot that answers in the resident's language; the bodies sent."""
    sent: list[dict[str, Any]] = []

    def answer(route) -> None:
        body = json.loads(route.request.post_data)
        sent.append(body)
        message = body["message"]
        chosen = body.get("metadata", {}).get("widget", {}).get("lang")
        typed_english = any(word in message.lower().split() for word in ENGLISH_WORDS)
        lang = chosen or ("en" if typed_english else "sv")
        texts = REPLIES[lang]
        if message == "/greet":
            reply = [{"text": texts["greet"], "lang": lang,
                      "buttons": [{"title": texts["chip"], "payload": "/ask_partners"}]}]
        else:
            reply = [{"text": texts["answer"], "lang": lang}]
        route.fulfill(status=200, content_type="application/json", body=json.dumps(reply))

    page.route(WEBHOOK, answer)
    return sent


def open_widget(page, url: str) -> None:
    page.goto(url + "/")
    page.locator(LAUNCHER).click()
    expect(page.locator(PANEL)).to_be_visible()
    expect(page.locator(BOT).first.locator(".vbw-chip")).to_be_visible()


def language_button(page, name: str):
    return page.get_by_role("group", name="Språk").or_(page.get_by_role("group", name="Language")) \
        .get_by_role("button", name=name)


def assert_no_axe_violations(page) -> None:
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)


def test_choosing_english_gives_an_english_widget_and_english_answers_marked_en(page, portal_url):
    sent = fake_bot(page)
    open_widget(page, portal_url)
    root = page.locator(".vbw")
    expect(root).to_have_attribute("lang", "sv")
    expect(language_button(page, "Svenska")).to_have_attribute("aria-pressed", "true")
    assert "lang" not in sent[0]["metadata"]["widget"], "no choice made yet: no language sent"
    assert_no_axe_violations(page)

    language_button(page, "English").click()
    expect(root).to_have_attribute("lang", "en")
    expect(language_button(page, "English")).to_have_attribute("aria-pressed", "true")
    expect(language_button(page, "Svenska")).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_role("dialog", name=ENGLISH_TITLE)).to_be_visible()
    expect(page.locator(".vbw-privacy")).to_contain_text("Do not write personal details")
    expect(page.get_by_role("button", name="New conversation")).to_be_visible()
    expect(page.get_by_role("button", name="Send")).to_be_visible()
    expect(page.locator("#vbw-count")).to_have_text("0 of 1000 characters")
    # Chosen before the first question: the greeting and its topics come again, in English.
    expect(page.locator(BOT)).to_have_count(1)
    expect(page.locator(BOT).first).to_have_attribute("lang", "en")
    expect(page.locator(BOT).first.locator(".vbw-chip")).to_have_text("Partners")

    reply = ask(page, "vilka vänorter har ni")  # Swedish words: the choice still wins
    assert REPLIES["en"]["answer"] in reply
    assert sent[-1]["metadata"]["widget"]["lang"] == "en"
    expect(page.locator(USER).last).to_have_attribute("lang", "en")
    expect(page.locator(BOT).last).to_have_attribute("lang", "en")
    expect(page.locator(BOT).last.locator(".vbw-fbq")).to_have_text("Was the answer helpful?")
    expect(page.locator(BOT).last.get_by_role("button", name="Yes")).to_be_visible()
    assert_no_axe_violations(page)

    page.reload()
    expect(root).to_have_attribute("lang", "en")
    expect(page.get_by_role("dialog", name=ENGLISH_TITLE)).to_be_visible()
    expect(language_button(page, "English")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(BOT).last).to_have_attribute("lang", "en")
    assert widget_state(page)["chosen"] == "en"
    assert_no_axe_violations(page)

    page.get_by_role("button", name="New conversation").click()  # a new conversation, still in English
    expect(page.locator(USER)).to_have_count(0)
    expect(page.locator(BOT).first).to_have_attribute("lang", "en")
    assert sent[-1]["message"] == "/greet" and sent[-1]["metadata"]["widget"]["lang"] == "en"
    assert sent[-1]["sender"] != sent[0]["sender"]

    page.locator(PANEL).get_by_role("button", name="Close the chat").click()
    expect(page.locator(LAUNCHER)).to_have_text("Chat with us")


def test_without_a_choice_english_replies_switch_the_widget_and_swedish_stays_marked_sv(page, portal_url):
    sent = fake_bot(page)
    open_widget(page, portal_url)

    reply = ask(page, "What partners does Vänersborg have?")
    assert REPLIES["en"]["answer"] in reply
    assert all("lang" not in body["metadata"]["widget"] for body in sent), "only a choice is sent"
    root = page.locator(".vbw")
    expect(root).to_have_attribute("lang", "en")
    expect(language_button(page, "English")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(BOT).first).to_have_attribute("lang", "sv")  # the Swedish greeting
    expect(page.locator(USER).last).to_have_attribute("lang", "en")
    expect(page.locator(BOT).last).to_have_attribute("lang", "en")
    expect(page.locator(BOT).first.locator(".vbw-sr").first).to_have_attribute("lang", "en")
    assert_no_axe_violations(page)

    # Back in Swedish: with no choice made, the widget follows the bot again.
    ask(page, "Berätta om Ravenna")
    expect(root).to_have_attribute("lang", "sv")
    expect(page.get_by_role("dialog", name="Fråga om kommunens internationella arbete")).to_be_visible()


def test_the_keyboard_reaches_the_choice_and_toggles_it_in_place(page, portal_url):
    sent = fake_bot(page)
    open_widget(page, portal_url)
    ask(page, "Vilka vänorter har ni?")

    tab_until(page, "el.classList.contains('vbw-lang') && el.lang === 'en'", backwards=True)
    page.keyboard.press("Enter")
    expect(page.locator(".vbw")).to_have_attribute("lang", "en")
    assert active(page, "el.lang === 'en' && el.getAttribute('aria-pressed') === 'true'"), \
        "focus stays on the chosen button"
    page.keyboard.press("Shift+Tab")
    assert active(page, "el.lang === 'sv' && el.classList.contains('vbw-lang')")
    page.keyboard.press("Space")
    expect(page.locator(".vbw")).to_have_attribute("lang", "sv")
    expect(language_button(page, "Svenska")).to_have_attribute("aria-pressed", "true")
    # Asked already: switching keeps the conversation; the next message carries the choice.
    expect(page.locator(USER)).to_have_count(1)
    page.locator(INPUT).fill("Ravenna")
    page.locator(INPUT).press("Enter")
    expect(page.locator(BOT)).to_have_count(3)
    assert sent[-1]["metadata"]["widget"]["lang"] == "sv"


@pytest.mark.parametrize("lang", ["Svenska", "English"])
def test_on_a_phone_the_language_buttons_are_44_px_targets(browser, portal_url, lang):
    context = new_context(browser, viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        fake_bot(page)
        open_widget(page, portal_url)
        button = language_button(page, lang)
        button.click()
        box = button.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, box
        assert_no_axe_violations(page)
    finally:
        context.close()
