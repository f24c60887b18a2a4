"""Bot texts in the portal: edit, validate, preview with example values, history."""
from __future__ import annotations

import re
from html import unescape

from bot.content.types import TEXTS
from tests.portal.admin_fixtures import (  # noqa: F401  (pytest fixtures)
    client, editor, fetch, hidden_fields, login, portal, post_form, users,
)


def _path(editor, key: str) -> str:
    item = next(i for i in editor.list(TEXTS) if i.values["key"] == key)
    return f"/admin/content/texts/{item.id}"


async def _post(client, path: str, text: str, key: str, do: str = "save"):
    html = await fetch(client, path)
    return await client.post(path, data={**hidden_fields(html), "key": key, "text": text, "do": do},
                             allow_redirects=False)


async def test_search_for_the_word_finds_the_bot_text(client):
    await login(client)
    html = await fetch(client, "/admin/search?q=fokusomr%C3%A5den")
    assert "Inledning till listan över fokusområden" in html


async def test_the_preview_fills_in_the_example_values_escaped_and_saves_nothing(client, editor):
    await login(client)
    path = _path(editor, "partner_country")
    response = await _post(client, path, "<b>{namn}</b> finns i {land}.", "partner_country", do="preview")
    html = await response.text()
    assert response.status == 200
    preview = html.split('class="preview__html">', 1)[1].split("</div>", 1)[0]
    assert "&lt;b&gt;Ravenna&lt;/b&gt; finns i Italien." in preview
    assert "<b>" not in preview
    assert "{namn}" in unescape(html)  # the placeholder table
    stored = next(i for i in editor.list(TEXTS) if i.values["key"] == "partner_country")
    assert stored.values["text"] == "{namn} ligger i {land}."


async def test_validation_errors_are_shown_with_the_exact_messages(client, editor):
    await login(client)
    path = _path(editor, "partner_unknown")
    response = await _post(client, path, "Okänt: {adress}", "partner_unknown")
    html = unescape(await response.text())
    assert response.status == 422
    assert "Platshållaren {adress} finns inte för den här texten. Du kan använda {namn}." in html
    response = await _post(client, path, "Det känner jag inte till.", "partner_unknown")
    assert "Texten måste innehålla platshållaren {namn}." in unescape(await response.text())


async def test_a_text_has_history_with_restore(client, editor):
    await login(client)
    path = _path(editor, "thank")
    await _post(client, path, "Tack själv!", "thank")
    history = await fetch(client, f"{path}/history")
    assert "Ändrad" in history
    first = re.findall(rf'href="({path}/history/\d+)"', history)[-1]
    version = await fetch(client, first)
    assert "Återställ version 1" in version
