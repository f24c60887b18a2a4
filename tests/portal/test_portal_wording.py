"""Wording staff read in the portal (issue 13): counts in the right number and no
model identifiers on the start page."""
from __future__ import annotations

import re
from html import unescape

from bot.content.types import QA
from tests.portal.admin_fixtures import (  # noqa: F401  (pytest fixtures)
    EDITOR, client, editor, fetch, login, portal, users,
)


def heading(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", re.search(r'<h2 role="status">(.*?)</h2>', html, re.S).group(1)))


async def test_one_search_hit_is_one_traff_and_more_are_traffar(client, editor):
    editor.create(QA, {"title": "Kulturbyte med Zyxstad", "answer": "Svar om Zyxstad.",
                       "examples": ["Har ni utbyte med Zyxstad?"]}, "anna")
    editor.create(QA, {"title": "Skolresa", "answer": "Ett svar om skolresor till Zyxby.",
                       "examples": ["Finns det skolresor till Zyxby?"]}, "anna")
    await login(client, EDITOR)
    assert heading(await fetch(client, "/admin/search?q=zyxstad")) == "1 träff för ”zyxstad”"
    assert heading(await fetch(client, "/admin/search?q=zyx")) == "2 träffar för ”zyx”"
    assert heading(await fetch(client, "/admin/search?q=finnsinte")) == "0 träffar för ”finnsinte”"


async def test_the_start_page_speaks_of_content_not_of_intent_ids(client):
    await login(client, EDITOR)
    text = unescape(re.sub(r"<[^>]+>", " ", await fetch(client, "/admin")))
    for technical in ("ask_", "<nyckel>", "avsikt", "intent"):
        assert technical not in text, technical
