"""Saving a Q&A entry tells staff which of its example questions the bot would
still answer otherwise today (issue 10, the staff rule)."""
from __future__ import annotations

from html import unescape

from tests.portal.admin_fixtures import (  # noqa: F401  (pytest fixtures)
    client, editor, fetch, login, portal, post_form, users,
)

PRAKTIK = {
    "title": "Kan jag göra praktik i en vänort?",
    "answer": "Hör av dig till kommunen.",
    "examples": "\n".join([
        "Kan jag göra praktik i en vänort?",
        "Kan jag göra praktik i en vänort och vem betalar resan?",
    ]),
}


async def test_saving_an_entry_lists_the_examples_the_bot_would_send_elsewhere(client):
    await login(client)
    response = await post_form(client, "/admin/content/qa/new", PRAKTIK, status=303)
    html = unescape(await fetch(client, response.headers["Location"]))
    assert "Boten svarar inte med det här svaret på de här exempelfrågorna i dag:" in html
    warning = html.split("notice--warning", 1)[1].split("</div>", 1)[0]
    assert "Kan jag göra praktik i en vänort och vem betalar resan?" in warning
    assert "flera frågor" in warning
    assert "<li>”Kan jag göra praktik i en vänort?”" not in warning  # that one the bot answers with the entry


async def test_an_entry_whose_examples_all_reach_it_gets_no_warning(client):
    await login(client)
    entry = {**PRAKTIK, "examples": "Kan jag göra praktik i en vänort?"}
    response = await post_form(client, "/admin/content/qa/new", entry, status=303)
    html = await fetch(client, response.headers["Location"])
    assert "notice--warning" not in html
    assert "skapad" in html or "skapat" in html
