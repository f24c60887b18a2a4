"""The one-line source under an answer is a link to the page it comes from (issue 13, item 4)."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser_support import axe_violations, describe_violations
from tests.portal.widget_support import (  # noqa: F401  (no_javascript_errors: an autouse fixture)
    BOT, WEBHOOK, ask, no_javascript_errors, open_chat, open_demo,
)

pytestmark = pytest.mark.slow

SOURCE = "Källa: Internationellt arbete, 8 maj 2023"


def test_an_answer_ends_with_one_short_source_line_that_links_to_the_page(live_stack, page):
    open_demo(page, live_stack)
    open_chat(page)
    text = ask(page, "Vem har antagit den internationella policyn?")
    assert "kommunfullmäktige" in text
    # the answer's bubble (a "Menade du …?" suggestion may follow it)
    bubble = page.locator(f"{BOT} .vbw-bubble", has_text="kommunfullmäktige").last
    link = bubble.get_by_role("link", name=SOURCE)
    expect(link).to_be_visible()
    # the page's own address is not in the seed; until staff set it, the municipality's site
    assert link.get_attribute("href") == "https://www.vanersborg.se/"
    assert link.get_attribute("target") == "_blank"
    assert bubble.inner_text().count("Källa:") == 1
    box = link.bounding_box()
    assert box["height"] < 40, "the source is one short line"
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)


def test_a_citation_with_an_address_that_is_not_the_web_stays_plain_text(live_stack, page):
    reply = [{"recipient_id": "x", "text": f"Ravenna ligger i Italien.\n{SOURCE}",
              "buttons": [{"title": "Samarbetsparter", "payload": "/ask_partners"}]},
             {"recipient_id": "x", "custom": {"citation": {"text": SOURCE, "url": "javascript:alert(1)"}}}]
    page.route(WEBHOOK, lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(reply)))
    open_demo(page, live_stack)
    open_chat(page)
    bubble = page.locator(BOT).first.locator(".vbw-bubble")
    expect(bubble).to_contain_text(SOURCE)
    expect(bubble.locator("a")).to_have_count(0)
