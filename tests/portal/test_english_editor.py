"""The portal's editor in both languages: side by side, labelled, lang="en" on the
English fields, saved with history and restore, and the list of what lacks English."""
from __future__ import annotations

import re

import yaml
from aiohttp import FormData

from bot.content.repository import ContentRepository
from bot.content.types import TEXTS, TOPICS
from bot.db.engine import session_factory
from tests.portal.admin_fixtures import (  # noqa: F401  (pytest fixtures)
    ADMIN, csrf_of, client, editor, fetch, hidden_fields, login, portal, users,
)


def _topic(editor, key: str):
    return next(t for t in editor.list(TOPICS) if t.values["key"] == key)


def _form(item, **changes) -> dict[str, str]:
    return {k: "\n".join(v) if isinstance(v, list) else str(v) for k, v in item.values.items()} | changes


async def test_swedish_and_english_stand_side_by_side_labelled_and_marked_english(client, editor):
    await login(client)
    html = await fetch(client, f"/admin/content/topics/{_topic(editor, 'why').id}")
    pair = html.split('<div class="field-pair">')[1]  # the title's pair: Swedish, then English
    assert pair.index('<label for="f-title">Rubrik') < pair.index('<label for="f-title_en">Rubrik på engelska</label>')
    assert '<label for="f-body_en">Svar på engelska</label>' in html
    assert re.search(r'<textarea id="f-body_en" name="body_en"[^>]* lang="en"', html)
    assert not re.search(r'<textarea id="f-body" name="body"[^>]* lang=', html)
    assert "We live in a globalised world" in html


async def test_an_english_edit_is_saved_with_history_and_restored(client, editor, content_url):
    await login(client)
    topic = _topic(editor, "contact")
    path = f"/admin/content/topics/{topic.id}"
    html = await fetch(client, path)
    response = await client.post(path, data={**hidden_fields(html), **_form(topic, body_en="Write to us."),
                                             "do": "save"}, allow_redirects=False)
    assert response.status == 303
    english = ContentRepository(session_factory(content_url)).in_language("en")
    assert english.topic("contact").body == "Write to us."
    history = editor.history(TOPICS, topic.id)
    diff_page = await fetch(client, f"{path}/history/{history[0].id}")
    assert "Svar på engelska" in diff_page and "Write to us." in diff_page
    first = history[-1]
    html = await fetch(client, f"{path}/history/{first.id}")
    response = await client.post(f"{path}/history/{first.id}/restore", data=hidden_fields(html),
                                 allow_redirects=False)
    assert response.status == 303
    assert english.topic("contact").body.startswith("The page on international work gives no particular contact")


async def test_two_editors_changing_the_english_text_conflict(client, editor):
    await login(client)
    topic = _topic(editor, "why")
    path = f"/admin/content/topics/{topic.id}"
    html = await fetch(client, path)  # opened before the other edit
    editor.update(TOPICS, topic.id, dict(topic.values, body_en="Someone else's words."), topic.version, "bertil")
    response = await client.post(path, data={**hidden_fields(html), **_form(topic, body_en="My words."),
                                             "do": "save"})
    page = await response.text()
    assert response.status == 409
    assert "Någon annan har ändrat det här under tiden" in page and "Svar på engelska" in page


async def test_a_bot_text_needs_both_languages_with_their_placeholders(client, editor):
    await login(client)
    item = next(i for i in editor.list(TEXTS) if i.values["key"] == "partner_unknown")
    path = f"/admin/content/texts/{item.id}"
    html = await fetch(client, path)
    response = await client.post(path, data={**hidden_fields(html), **_form(item, text_en="No idea."),
                                             "do": "save"})
    assert response.status == 422
    assert "Texten måste innehålla platshållaren {namn}." in await response.text()


async def test_the_list_of_missing_english_links_to_each_item(client, editor):
    await login(client)
    assert "Allt innehåll har en engelsk version." in await fetch(client, "/admin/english")
    topic = _topic(editor, "why")
    editor.update(TOPICS, topic.id, dict(topic.values, body_en=""), topic.version, "anna")
    html = await fetch(client, "/admin/english")
    assert f'<a href="/admin/content/topics/{topic.id}">Varför kommunen arbetar internationellt</a>' in html
    assert "1 sak saknar engelsk version." in html
    assert "1 sak saknar engelsk version." in await fetch(client, "/admin")


async def test_the_portal_exports_both_languages_and_imports_a_swedish_only_file(client, editor):
    await login(client, ADMIN)
    token = csrf_of(await fetch(client, "/admin/transfer"))
    exported = yaml.safe_load(await (await client.post("/admin/transfer/content.yml",
                                                       data={"csrf_token": token})).text())
    assert {p["name"]: p["country_en"] for p in exported["partners"]}["Herning"] == "Denmark"
    assert exported["site"]["municipality_en"] == "Vänersborg Municipality"
    for topic in exported["topics"]:  # as written before English: the topics only in Swedish
        del topic["title_en"], topic["body_en"]
    form = FormData()
    form.add_field("csrf_token", token)
    form.add_field("confirm", "1")
    form.add_field("file", yaml.safe_dump(exported, allow_unicode=True).encode(), filename="gammal.yml",
                   content_type="application/x-yaml")
    response = await client.post("/admin/transfer/import", data=form)
    page = await response.text()
    assert response.status == 200, page
    topics = len(editor.list(TOPICS))
    assert f"{topics} saker saknar engelsk version; listan finns under Engelska på startsidan." in page
