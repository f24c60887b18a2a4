"""The content editor over HTTP: escaping, preview, conflicts, validation, search,
import/export and user administration (its history: test_admin_history.py)."""
from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
import yaml
from aiohttp import FormData

from bot.content.bundle import dump_bundle, export_content
from bot.content.types import FOCUS_AREAS, PARTNERS, QA, TOPICS
from bot.content.repository import ContentRepository
from tests.portal.admin_fixtures import (  # noqa: F401  (pytest fixtures)
    ADMIN, EDITOR, client, client2, csrf_of, editor, fetch, hidden_fields, login, portal, post_form, users,
)

SCRIPT = "<script>alert('xss')</script>"
IMG = '<img src=x onerror="alert(1)">'
PAYLOAD = f"Hej {SCRIPT} och {IMG} och [länk](javascript:alert(2))"


def assert_inert(html: str) -> None:
    """No script or event handler from the payload can run in this page."""
    assert "<script>alert" not in html
    assert not re.search(r"<img[^>]*onerror", html, re.I)
    assert 'href="javascript:' not in html
    assert "<script" not in html  # the admin pages have no scripts at all


def partner_form(item, **changes):
    values = dict(item.values)
    values["aliases"] = "\n".join(values["aliases"])
    values.update(changes)
    return {k: str(v) for k, v in values.items()}


@pytest.fixture
def herning(editor):
    return next(p for p in editor.list(PARTNERS) if p.title == "Herning")


# ---------------------------------------------------------------- XSS


async def test_an_xss_payload_is_stored_as_text_and_shown_escaped_everywhere(client, editor):
    await login(client)
    response = await post_form(client, "/admin/content/partners/new", {
        "name": f"Ort {SCRIPT}", "country": IMG, "continent": "Europa", "kind": "partner",
        "description": PAYLOAD, "aliases": "",
    }, status=303)
    item_path = response.headers["Location"]
    stored = next(p for p in editor.list(PARTNERS) if p.title.startswith("Ort "))
    assert stored.values["description"] == PAYLOAD  # stored exactly as typed

    listing = await fetch(client, "/admin/content/partners")
    assert_inert(listing)
    assert "Ort &lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in listing
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in listing

    edit = await fetch(client, item_path)
    assert_inert(edit)
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in edit
    textarea = re.search(r'<textarea id="f-description"[^>]*>(.*?)</textarea>', edit, re.S).group(1)
    assert unescape(textarea) == PAYLOAD

    fields = hidden_fields(edit)
    preview = await client.post(item_path, data=dict(partner_form(stored), do="preview", **fields))
    html = await preview.text()
    assert preview.status == 200 and "Förhandsgranskning" in html
    assert_inert(html)
    preview_html = html.split('class="preview__html">', 1)[1].split("</div>", 1)[0]
    assert "&lt;script&gt;alert('xss')&lt;/script&gt;" in preview_html  # shown as text
    assert "&lt;img" in preview_html and "onerror" in preview_html  # as text, not as an attribute
    assert "<a" not in preview_html  # the javascript: link is not a link


async def test_the_preview_renders_markdown_and_the_chat_text_without_saving(client, editor, herning):
    await login(client)
    edit = await fetch(client, f"/admin/content/partners/{herning.id}")
    response = await client.post(f"/admin/content/partners/{herning.id}", data=dict(
        partner_form(herning, description="Vi har **utbyten** med [Herning](https://www.herning.dk)."),
        do="preview", **hidden_fields(edit)))
    html = await response.text()
    assert "<strong>utbyten</strong>" in html
    assert '<a href="https://www.herning.dk" rel="noopener noreferrer nofollow">Herning</a>' in html
    assert "Vi har utbyten med Herning (https://www.herning.dk)." in html  # as the chat sends it
    assert editor.get(PARTNERS, herning.id).version == herning.version  # a preview saves nothing


# ---------------------------------------------------------------- saving and optimistic locking


async def test_a_save_is_live_for_the_bot_at_once(client, editor, herning, sessions):
    await login(client)
    await post_form(client, f"/admin/content/partners/{herning.id}",
                    dict(partner_form(herning, description="Nytt om Herning."), version=str(herning.version)),
                    token_from=f"/admin/content/partners/{herning.id}", status=303)
    bot_view = ContentRepository(sessions)
    assert next(p for p in bot_view.partners() if p.name == "Herning").description == "Nytt om Herning."
    html = await fetch(client, f"/admin/content/partners/{herning.id}")
    assert "Ändringarna är sparade. Boten använder dem från nästa meddelande." in html


async def test_a_stale_save_is_refused_and_shows_what_the_other_person_changed(client, client2, editor, herning):
    await login(client, EDITOR)
    await login(client2, ADMIN)
    path = f"/admin/content/partners/{herning.id}"
    mine = hidden_fields(await fetch(client, path))  # anna opens version 1
    theirs = hidden_fields(await fetch(client2, path))  # root opens version 1 too

    await client2.post(path, data=dict(partner_form(herning, description="Roots text."), **theirs))
    response = await client.post(path, data=dict(partner_form(herning, description="Annas text."), **mine),
                                 allow_redirects=False)
    html = await response.text()
    assert response.status == 409
    assert "Samarbetsparten har ändrats av root sedan du öppnade den" in html
    assert "Dina ändringar har inte sparats, så att inget skrivs över." in html
    conflict = html.split('class="conflict"', 1)[1].split("</section>", 1)[0]
    assert "<th scope=\"row\">Beskrivning</th>" in conflict and "Roots text." in conflict
    assert "Annas text." in html  # her own text is kept in the form
    assert editor.get(PARTNERS, herning.id).values["description"] == "Roots text."  # not overwritten

    again = hidden_fields(html)  # the form now holds the current version: saving again is deliberate
    assert again["version"] == "2"
    response = await client.post(path, data=dict(partner_form(herning, description="Annas text."), **again),
                                 allow_redirects=False)
    assert response.status == 303
    assert editor.get(PARTNERS, herning.id).values["description"] == "Annas text."


async def test_deleting_a_stale_version_is_refused(client, client2, editor, herning):
    await login(client)
    await login(client2, ADMIN)
    confirm = hidden_fields(await fetch(client, f"/admin/content/partners/{herning.id}/delete"))
    edit = hidden_fields(await fetch(client2, f"/admin/content/partners/{herning.id}"))
    await client2.post(f"/admin/content/partners/{herning.id}", data=dict(partner_form(herning, country="DK"), **edit))
    response = await client.post(f"/admin/content/partners/{herning.id}/delete", data=confirm,
                                 allow_redirects=False)
    assert response.status == 409
    assert "Samarbetsparten har ändrats av root" in await response.text()
    assert editor.get(PARTNERS, herning.id).values["country"] == "DK"


# ---------------------------------------------------------------- validation


async def test_validation_errors_are_swedish_and_tied_to_their_fields(client):
    await login(client)
    response = await post_form(client, "/admin/content/partners/new", {
        "name": "herning", "country": "", "continent": "", "kind": "ingen", "description": "",
        "aliases": "Chobe\nNy",
    }, status=422)
    html = await response.text()
    expected = {
        "name": "Namnet eller aliaset ”herning” används redan av samarbetsparten ”Herning”.",
        "kind": "”Typ” ska vara en av: vänort, samarbetspart, nätverk, regional organisation.",
        "aliases": "Namnet eller aliaset ”Chobe” används redan av samarbetsparten ”Chobe District Council”.",
    }
    for field, message in expected.items():
        assert f'<p class="field-error" id="f-{field}-error"><span class="visually-hidden">Fel: </span>{message}</p>' in html
        assert re.search(rf'id="f-{field}"[^>]*aria-describedby="[^"]*f-{field}-error"[^>]*aria-invalid="true"', html)
        assert f'<li><a href="#f-{field}">{message}</a></li>' in html  # the summary links to the field
    assert 'value="herning"' in html  # what was typed is kept


async def test_required_fields(client):
    await login(client)
    response = await post_form(client, "/admin/content/qa/new",
                               {"title": " ", "answer": "", "examples": "\n \n"}, status=422)
    html = await response.text()
    assert "”Fråga (rubrik)” måste fyllas i." in html
    assert "”Svar” måste fyllas i." in html
    assert "Skriv minst en rad i ”Exempelfrågor”." in html


async def test_a_topic_the_bot_needs_cannot_be_deleted(client, editor):
    await login(client)
    why = next(t for t in editor.list(TOPICS) if t.values["key"] == "why")
    confirm = await fetch(client, f"/admin/content/topics/{why.id}/delete")
    assert "kan inte tas bort: boten behöver ämnet för avsikten ask_why" in confirm
    response = await client.post(f"/admin/content/topics/{why.id}/delete",
                                 data={"csrf_token": csrf_of(confirm), "version": str(why.version)})
    assert response.status == 422
    assert "Ämnet ”why” kan inte tas bort: boten behöver ämnet för avsikten ask_why." in await response.text()
    assert editor.get(TOPICS, why.id)


async def test_a_new_focus_area_takes_its_place_and_the_order_stays_unbroken(client, editor):
    await login(client)
    await post_form(client, "/admin/content/focus-areas/new", {
        "position": "2", "title": "Digitalisering", "description": "", "aliases": "digitalt",
    }, status=303)
    titles = [(a.values["position"], a.title) for a in editor.list(FOCUS_AREAS)]
    assert [p for p, _ in titles] == list(range(1, 8))
    assert titles[1] == (2, "Digitalisering")


# ---------------------------------------------------------------- search and filters


async def test_search_ignores_case_and_diacritics_and_filters_narrow_the_list(client):
    await login(client)
    html = await fetch(client, "/admin/search?q=ravenna")
    assert "1 träff för ”ravenna”" in html and ">Ravenna</a>" in html
    html = await fetch(client, "/admin/search?q=FOKUSOMRADEN")
    assert "Den internationella policyn" in html
    html = await fetch(client, "/admin/content/partners?continent=Afrika")
    assert "Chobe District Council" in html and ">Herning</a>" not in html and "Visar 1 av 3." in html
    html = await fetch(client, "/admin/content/topics?used=nej")
    assert "Visar 0 av" in html


# ---------------------------------------------------------------- import and export


async def test_export_then_import_round_trips_and_a_bad_file_changes_nothing(client, sessions, editor):
    await login(client, ADMIN)
    token = csrf_of(await fetch(client, "/admin/transfer"))
    response = await client.post("/admin/transfer/content.yml", data={"csrf_token": token})
    assert response.status == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="innehall-')
    exported = await response.text()
    bundle = yaml.safe_load(exported)
    assert {"site", "topics", "focus_areas", "partners", "qa"} <= set(bundle)

    bundle["partners"].append({"name": "Tammerfors", "country": "Finland", "continent": "Europa",
                               "kind": "twin_town", "description": "", "aliases": ["Herning"]})
    bad = dump_bundle(bundle)
    page_html = await fetch(client, "/admin/transfer")
    form = FormData()
    form.add_field("csrf_token", csrf_of(page_html))
    form.add_field("confirm", "1")
    form.add_field("file", bad.encode(), filename="ny.yml", content_type="application/x-yaml")
    response = await client.post("/admin/transfer/import", data=form)
    html = await response.text()
    assert response.status == 422
    assert "Filen importerades inte. Inget har ändrats." in html
    assert re.search(r"ny\.yml, rad \d+: partnernamnet eller aliaset ”Herning” förekommer mer än en gång", html)
    assert all(p.title != "Tammerfors" for p in editor.list(PARTNERS))

    bundle["partners"][-1]["aliases"] = ["Tampere"]
    form = FormData()
    form.add_field("csrf_token", csrf_of(page_html))
    form.add_field("confirm", "1")
    form.add_field("file", dump_bundle(bundle).encode(), filename="ny.yml", content_type="application/x-yaml")
    response = await client.post("/admin/transfer/import", data=form, allow_redirects=False)
    assert response.status == 303
    assert any(p.title == "Tammerfors" for p in editor.list(PARTNERS))
    with sessions() as session:
        # A partner the file brings without provenance cites the page, as the seed does, and
        # its English versions are exported empty, to be written.
        expected = [{"source": "page", "source_date": dt.date(2023, 5, 8), "country_en": "", "continent_en": "",
                     "description_en": "", **p} for p in bundle["partners"]]
        assert export_content(session)["partners"] == sorted(expected, key=lambda p: p["name"])


async def test_the_qa_examples_export_as_rasa_nlu_yaml(client, editor):
    editor.create(QA, {"title": "Erasmus", "answer": "Ja.", "examples": "Kan skolor söka Erasmus?\n[Hur] söker man"},
                  "anna")
    await login(client, ADMIN)
    page_html = await fetch(client, "/admin/transfer")
    assert "qa_staff" in page_html and "action_answer_qa" in page_html
    response = await client.post("/admin/transfer/qa-nlu.yml", data={"csrf_token": csrf_of(page_html)})
    data = yaml.safe_load(await response.text())
    assert data["version"] == "3.1"
    assert data["nlu"] == [{"intent": "qa_staff",
                            "examples": "- Kan skolor söka Erasmus?\n- (Hur) söker man\n"}]


# ---------------------------------------------------------------- users


async def test_an_admin_creates_a_user_who_can_then_log_in(client, client2, users):
    await login(client, ADMIN)
    response = await post_form(client, "/admin/users/new", {
        "username": "Bo.Berg", "role": "redaktör", "password": "kort", "repeat": "kort"}, status=422)
    assert "Lösenordet måste ha minst 12 tecken." in await response.text()
    response = await post_form(client, "/admin/users/new", {
        "username": "anna", "role": "redaktör", "password": "ett långt lösenord", "repeat": "ett långt lösenord"},
        status=422)
    assert "Det finns redan en användare som heter ”anna”." in await response.text()
    await post_form(client, "/admin/users/new", {
        "username": "Bo.Berg", "role": "redaktör", "password": "ett långt lösenord",
        "repeat": "ett långt lösenord"}, status=303)
    assert users.by_name("bo.berg").role == "redaktör"
    await login(client2, ("bo.berg", "ett långt lösenord"))


async def test_the_last_admin_cannot_be_demoted(client, users):
    await login(client, ADMIN)
    root = users.by_name("root")
    response = await post_form(client, f"/admin/users/{root.id}", {"role": "redaktör", "active": "1"}, status=422)
    assert "Det måste finnas minst en aktiv administratör." in await response.text()
    assert users.by_name("root").role == "admin"


async def test_a_user_changes_their_own_password(client, client2, users):
    await login(client)
    response = await post_form(client, "/admin/account", {
        "current": EDITOR[1], "password": "mitt nya långa lösenord", "repeat": "mitt nya långa lösenord"},
        status=303)
    assert "Ditt lösenord är bytt." in await fetch(client, "/admin/account")
    await login(client2, ("anna", "mitt nya långa lösenord"))
