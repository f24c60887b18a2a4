"""The content editor's history over HTTP: who changed what, word diffs, restoring an
earlier version, and deleted items under "Borttaget" (the editor itself: test_admin_editor.py)."""
from __future__ import annotations

import re
from html import unescape

from bot.content.types import PARTNERS
from tests.portal.admin_fixtures import (  # noqa: F401  (pytest fixtures)
    ADMIN, EDITOR, client, client2, csrf_of, editor, fetch, hidden_fields, login, portal, post_form, users,
)
from tests.portal.test_admin_editor import herning, partner_form  # noqa: F401  (a pytest fixture)


# ---------------------------------------------------------------- history and restore


async def test_history_shows_who_and_what_and_restores_an_earlier_version(client, editor, herning):
    await login(client)
    path = f"/admin/content/partners/{herning.id}"
    await post_form(client, path, dict(partner_form(herning, description="Andra versionen."),
                                       version="1"), status=303)

    history = await fetch(client, f"{path}/history")
    assert "Historik för ”Herning”" in history
    assert re.search(r"<td>2</td>\s*<td>Ändrad</td>\s*<td>anna</td>", history)
    assert re.search(r"<td>1</td>\s*<td>Importerad</td>", history)

    entries = editor.history(PARTNERS, herning.id)
    second, first = entries[0], entries[1]
    version_page = await fetch(client, f"{path}/history/{second.id}")
    changes = diff_after(version_page, "Ändringar i den här versionen")
    assert "[tillagt: <ins>Andra versionen.</ins>]" in changes
    assert "[borttaget: <del>Vänersborgs kommun har kontakter med Herning" in changes

    first_page = await fetch(client, f"{path}/history/{first.id}")
    # What the restore will do: the current text goes, version 1's text comes back.
    restore = diff_after(first_page, "Så här ändras innehållet om du återställer version 1")
    assert "[tas bort: <del>Andra versionen.</del>]" in restore
    assert "[läggs till: <ins>Vänersborgs kommun har kontakter med Herning" in restore
    response = await client.post(f"{path}/history/{first.id}/restore",
                                 data={"csrf_token": csrf_of(first_page), **hidden_fields(first_page)},
                                 allow_redirects=False)
    assert response.status == 303
    restored = editor.get(PARTNERS, herning.id)
    assert restored.values["description"] == herning.values["description"]
    assert restored.version == 3
    assert [e.action for e in editor.history(PARTNERS, herning.id)] == ["återställd", "ändrad", "importerad"]
    assert editor.history(PARTNERS, herning.id)[0].username == "anna"


def diff_after(html: str, heading: str) -> str:
    """The first diff on the page after the given text."""
    return html.split(heading, 1)[1].split('<dl class="diff">', 1)[1].split("</dl>", 1)[0]


async def test_the_restore_diff_compares_words_and_shows_what_the_restore_does(client, editor, herning):
    await login(client)
    path = f"/admin/content/partners/{herning.id}"
    text = herning.values["description"]
    await post_form(client, path, dict(partner_form(herning, description=text.replace("exempel", "bra exempel")),
                                       version="1"), status=303)
    first = editor.history(PARTNERS, herning.id)[-1]
    restore = diff_after(await fetch(client, f"{path}/history/{first.id}"),
                         "Så här ändras innehållet om du återställer version 1")
    assert "[tas bort: <del>bra </del>]" in restore
    assert "<ins>" not in restore  # nothing else changes: not whole paragraphs


async def test_deleted_items_are_listed_under_borttaget_with_restore(client, editor, herning):
    await login(client)
    path = f"/admin/content/partners/{herning.id}"
    listing = await fetch(client, "/admin/content/partners")
    assert "Borttaget (0 st.)" in listing
    response = await post_form(client, f"{path}/delete", {"version": str(herning.version)},
                               token_from=f"{path}/delete", status=303)
    assert "Borttaget" in unescape(await (await client.get(response.headers["Location"])).text())
    assert "Borttaget (1 st.)" in await fetch(client, "/admin/content/partners")
    deleted = await fetch(client, "/admin/content/partners/deleted")
    assert "Herning" in deleted and "Inget är borttaget." not in deleted
    action = re.search(r'<form method="post" action="([^"]+/restore)"', deleted).group(1)
    response = await client.post(action, data={"csrf_token": csrf_of(deleted)}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == path
    assert "Inget är borttaget." in await fetch(client, "/admin/content/partners/deleted")
    history = await fetch(client, f"{path}/history")
    assert "Visa det som togs bort" in history and "Återställd" in history


async def test_a_created_and_a_deleted_version_read_differently_in_the_history(client, editor):
    await login(client)
    created = await post_form(client, "/admin/content/partners/new", {"name": "Tammerfors", "kind": "partner"},
                              status=303)
    path = created.headers["Location"]
    await post_form(client, f"{path}/delete", {"version": "1"}, token_from=f"{path}/delete", status=303)
    history = await fetch(client, f"{path}/history")
    links = re.findall(r'<a href="[^"]+/history/\d+">([^<]+)<', history)
    assert links == ["Visa det som togs bort och återskapa", "Visa version 1 (när det skapades)"]


async def test_a_deleted_item_can_be_recreated_from_its_history(client, editor, herning):
    await login(client)
    path = f"/admin/content/partners/{herning.id}"
    await post_form(client, f"{path}/delete", {"version": str(herning.version)}, token_from=f"{path}/delete",
                    status=303)
    assert all(p.title != "Herning" for p in editor.list(PARTNERS))
    history = await fetch(client, f"{path}/history")
    assert "Det här innehållet är borttaget." in history
    entry = editor.history(PARTNERS, herning.id)[0]
    assert entry.action == "borttagen"
    version_page = await fetch(client, f"{path}/history/{editor.history(PARTNERS, herning.id)[1].id}")
    assert "Återskapa från version 1" in version_page
    response = await client.post(f"{path}/history/{editor.history(PARTNERS, herning.id)[1].id}/restore",
                                 data={"csrf_token": csrf_of(version_page)}, allow_redirects=False)
    assert response.status == 303
    assert any(p.title == "Herning" for p in editor.list(PARTNERS))
