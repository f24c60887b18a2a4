"""The content editor: lists, search, create, edit with preview, delete,
history with diffs, restore."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web
from markupsafe import Markup, escape

from bot.content import texts
from bot.content.citations import Citation, cite
from bot.content.editor import EditConflict, NotFound, ValidationFailed
from bot.content.editor.versions import diff
from bot.content.items import Item
from bot.content.markup import render_off_loop
from bot.content.repository import ContentRepository
from bot.content.retrieval import QARetriever
from bot.content.translations import untranslated
from bot.content.types import QA, TEXTS, TOPICS
from bot.content.types.topic import protected_topic_keys
from bot.portal.admin.account import editor, repository
from bot.portal.admin.common import error_page, flash, flash_warnings, form_data, form_value, render
from bot.portal.admin.content_pages import PAGE_OF_TYPE, PAGES, ContentPage
from bot.portal.security import blocking, current_user

SAVED = "Ändringarna är sparade. Boten använder dem från nästa meddelande."


def _kind(request: web.Request) -> ContentPage:
    kind = PAGES.get(request.match_info["kind"])
    if kind is None:
        raise web.HTTPNotFound()
    return kind


def _id(request: web.Request, name: str = "id") -> int:
    return int(request.match_info[name])


def _who(request: web.Request) -> str:
    return current_user(request).username


def _item_url(kind: ContentPage, item_id: int) -> str:
    return f"/admin/content/{kind.slug}/{item_id}"


def _citation(repo: ContentRepository, item: Item | None) -> Citation | None:
    """The source line the bot gives with this item, for the editor to show."""
    if item is None or item.provenance is None:
        return None
    return cite(repo, [item.provenance])


def _values_of(item: Item) -> dict[str, str]:
    return {f.name: form_value(f, item.values.get(f.name)) for f in item.kind.fields}


def _submitted(kind: ContentPage, form: Mapping[str, str]) -> dict[str, str]:
    """The form's values; an English version the form leaves out keeps the stored one."""
    return {f.name: form.get(f.name, "") for f in kind.fields if f.name in form or not f.english_of}


def _text_preview(values: Mapping[str, str]) -> list[dict[str, Any]]:
    """A bot text in each language filled in with its example values, or why it cannot be."""
    spec = texts.SPECS.get(values.get("key", ""))
    if spec is None:
        return []
    previews = []
    for language, column in texts.COLUMN.items():
        label = TEXTS.field(column).label + ", med exempelvärden"
        template = values.get(column, "")
        problem = texts.problem(spec, template)
        if problem:
            previews.append({"label": label, "problem": problem, "lang": language})
            continue
        filled = texts.example(spec.key, template)
        previews.append({"label": label, "html": Markup('<p class="prewrap">') + escape(filled) + Markup("</p>"),
                         "text": filled, "lang": language})
    return previews


async def _preview(kind: ContentPage, values: Mapping[str, str]) -> list[dict[str, Any]]:
    """Each Markdown field as the chat will send it and as HTML (sanitised)."""
    if kind.type is TEXTS:
        return _text_preview(values)
    fields = [field for field in kind.fields if field.widget == "markdown"]
    rendered = await render_off_loop([values.get(field.name, "") for field in fields], heading_offset=2)
    if rendered is None:  # stopped at the time limit (render_off_loop)
        return [{"label": "Förhandsgranskning", "html": Markup(f"<p>{PREVIEW_TOO_SLOW}</p>"),
                 "text": PREVIEW_TOO_SLOW, "lang": "sv"}]
    return [{"label": field.label, "html": Markup(html), "text": text, "lang": "en" if field.english_of else "sv"}
            for field, (html, text) in zip(fields, rendered)]


PREVIEW_TOO_SLOW = "Förhandsgranskningen tog för lång tid och visas inte. Korta texten och försök igen."


async def _positions(request: web.Request, kind: ContentPage, creating: bool) -> list[int]:
    if not kind.ordered:
        return []
    count = await blocking(repository(request).count, kind.type)
    return list(range(1, count + (2 if creating else 1)))


async def _form_page(request: web.Request, kind: ContentPage, item: Item | None, values: Mapping[str, str],
                     *, errors: Mapping[str, str] | None = None, conflict: EditConflict | None = None,
                     preview: bool = False, version: int | None = None, status: int = 200) -> web.Response:
    protected = protected_topic_keys()
    return await render(request, "admin/edit.html", {
        "kind": kind,
        "item": item,
        "values": values,
        "errors": errors or {},
        "conflict": conflict,
        "preview": await _preview(kind, values) if preview else None,
        "version": version if version is not None else (item.version if item else None),
        "positions": await _positions(request, kind, item is None),
        "protected_reason": protected.get(item.values.get("key")) if item and kind.type is TOPICS else None,
        "text_spec": texts.SPECS.get(values.get("key", "")) if kind.type is TEXTS else None,
        "citation": await blocking(_citation, repository(request), item),
    }, status)


# ---------------------------------------------------------------- lists and search


async def list_items(request: web.Request) -> web.StreamResponse:
    kind = _kind(request)
    query = request.query.get("q", "").strip()
    chosen = {f.name: request.query.get(f.name, "") for f in kind.filters}
    everything = await blocking(repository(request).items, kind.type)
    found = await blocking(repository(request).items, kind.type, query) if query else everything
    items = kind.narrowed(found, chosen)
    return await render(request, "admin/list.html", {
        "kind": kind,
        "items": items,
        "total": len(everything),
        "query": query,
        "filters": [(f, f.choices(everything), chosen[f.name]) for f in kind.filters],
        "protected": protected_topic_keys(),
        "deleted": len(await blocking(editor(request).deleted, kind.type)) if kind.can_delete else 0,
    })


async def deleted_items(request: web.Request) -> web.StreamResponse:
    """The "Borttaget" view: every deleted item of a kind, each with a restore button."""
    kind = _kind(request)
    if not kind.can_delete:
        raise web.HTTPNotFound()
    entries = await blocking(editor(request).deleted, kind.type)
    return await render(request, "admin/deleted.html", {"kind": kind, "entries": entries})


async def untranslated_items(request: web.Request) -> web.StreamResponse:
    """The items that have no English version yet (the bot sends them in Swedish with a note)."""
    missing = await blocking(untranslated, repository(request))
    return await render(request, "admin/english.html", {"missing": missing, "pages": PAGE_OF_TYPE})


async def search(request: web.Request) -> web.StreamResponse:
    query = request.query.get("q", "").strip()
    hits = await blocking(repository(request).search, query) if query else []
    return await render(request, "admin/search.html", {"query": query, "hits": hits})


# ---------------------------------------------------------------- create and edit


async def new_form(request: web.Request) -> web.StreamResponse:
    kind = _kind(request)
    if not kind.can_create:
        raise web.HTTPNotFound()
    values = {f.name: _column_default(kind, f.name) for f in kind.fields}
    if kind.ordered:  # a new item goes last
        values["position"] = str(await blocking(repository(request).count, kind.type) + 1)
    return await _form_page(request, kind, None, values)


def _column_default(kind: ContentPage, name: str) -> str:
    """What a new item's field starts with: its column's default ("partner" for a partner's kind)."""
    default = kind.model.__table__.columns[name].default
    return str(default.arg) if default is not None and default.is_scalar else ""


async def create(request: web.Request) -> web.StreamResponse:
    kind = _kind(request)
    if not kind.can_create:
        raise web.HTTPNotFound()
    form = await form_data(request)
    values = _submitted(kind, form)
    if form.get("do") == "preview":
        return await _form_page(request, kind, None, values, preview=True)
    try:
        item = await blocking(editor(request).create, kind.type, values, _who(request))
    except ValidationFailed as failed:
        return await _form_page(request, kind, None, values, errors=failed.errors, status=422)
    await flash(request, f"{kind.singular.capitalize()} är skapat. Boten använder det från nästa meddelande."
                if kind.pronoun == "det" else
                f"{kind.singular.capitalize()} är skapad. Boten använder den från nästa meddelande.")
    await _warn_if_sent_elsewhere(request, kind, item.id)
    raise web.HTTPSeeOther(_item_url(kind, item.id))


async def _warn_if_sent_elsewhere(request: web.Request, kind: ContentPage, item_id: int) -> None:
    """After a Q&A entry is saved: its example questions that the bot would not
    answer with it today, and why (the staff rule, README "Staff answers win")."""
    if kind.type is not QA:
        return
    elsewhere = await blocking(QARetriever(repository(request)).sent_elsewhere, item_id)
    if elsewhere:
        await flash_warnings(request, "Boten svarar inte med det här svaret på de här exempelfrågorna i dag:",
                             [f"”{example}”: {reason}." for example, reason in elsewhere])


async def _missing(request: web.Request, kind: ContentPage, item_id: int) -> web.Response:
    return await error_page(request, "Finns inte", str(NotFound(kind.type, item_id)), 404)


async def edit_form(request: web.Request) -> web.StreamResponse:
    kind = _kind(request)
    item = await blocking(repository(request).item, kind.type, _id(request))
    if item is None:
        return await _missing(request, kind, _id(request))
    return await _form_page(request, kind, item, _values_of(item))


def _version(form: Mapping[str, str]) -> int:
    try:
        return int(form.get("version", ""))
    except ValueError:
        raise web.HTTPBadRequest(text="Versionen saknas i formuläret.") from None


async def update(request: web.Request) -> web.StreamResponse:
    kind = _kind(request)
    form = await form_data(request)
    values = _submitted(kind, form)
    version = _version(form)
    item = await blocking(repository(request).item, kind.type, _id(request))
    if item is None:
        return await _missing(request, kind, _id(request))
    if form.get("do") == "preview":
        return await _form_page(request, kind, item, values, preview=True, version=version)
    try:
        await blocking(editor(request).update, kind.type, item.id, values, version, _who(request))
    except ValidationFailed as failed:
        return await _form_page(request, kind, item, values, errors=failed.errors, version=version, status=422)
    except EditConflict as conflict:
        # The resident-facing content is untouched; the editor keeps their text and
        # sees what the other person changed. Saving again now is a deliberate choice.
        current = conflict.current
        return await _form_page(request, kind, current or item, values, conflict=conflict,
                                version=current.version if current else version, status=409)
    await flash(request, SAVED)
    await _warn_if_sent_elsewhere(request, kind, item.id)
    raise web.HTTPSeeOther(_item_url(kind, item.id))


# ---------------------------------------------------------------- delete


async def delete_form(request: web.Request) -> web.StreamResponse:
    kind = _kind(request)
    item = await blocking(repository(request).item, kind.type, _id(request))
    if item is None:
        return await _missing(request, kind, _id(request))
    reason = protected_topic_keys().get(item.values.get("key")) if kind.type is TOPICS else None
    return await render(request, "admin/delete.html", {"kind": kind, "item": item, "errors": {},
                                                       "protected_reason": reason})


async def delete(request: web.Request) -> web.StreamResponse:
    kind = _kind(request)
    version = _version(await form_data(request))
    item = await blocking(repository(request).item, kind.type, _id(request))
    if item is None:
        return await _missing(request, kind, _id(request))
    try:
        await blocking(editor(request).delete, kind.type, item.id, version, _who(request))
    except ValidationFailed as failed:
        return await render(request, "admin/delete.html",
                            {"kind": kind, "item": item, "errors": failed.errors}, status=422)
    except EditConflict as conflict:
        return await render(request, "admin/delete.html", {
            "kind": kind, "item": conflict.current or item, "errors": {"": str(conflict)},
            "conflict": conflict,
        }, status=409)
    await flash(request, f"{item.title} är borttagen. Du kan återskapa den under ”Borttaget”.")
    raise web.HTTPSeeOther(f"/admin/content/{kind.slug}")


# ---------------------------------------------------------------- history and restore


async def history(request: web.Request) -> web.StreamResponse:
    kind = _kind(request)
    entries = await blocking(editor(request).history, kind.type, _id(request))
    if not entries:
        return await error_page(request, "Finns inte", "Det finns ingen historik för det här innehållet.", 404)
    item = await blocking(repository(request).item, kind.type, _id(request))
    return await render(request, "admin/history.html",
                        {"kind": kind, "item": item, "item_id": _id(request), "entries": entries})


async def _version_page(request: web.Request, kind: ContentPage, item_id: int, entry_id: int,
                        errors: Mapping[str, str] | None = None, status: int = 200) -> web.Response:
    try:
        entry, previous = await blocking(editor(request).version, kind.type, item_id, entry_id)
    except NotFound as missing:
        return await error_page(request, "Finns inte", str(missing), 404)
    item = await blocking(repository(request).item, kind.type, item_id)
    return await render(request, "admin/version.html", {
        "kind": kind, "item": item, "item_id": item_id, "entry": entry, "previous": previous,
        "diff": diff(kind.type, previous.snapshot if previous else None, entry.snapshot),
        # What the restore will do: from the current version to this one.
        "restore_diff": diff(kind.type, item.values, entry.snapshot) if item else [],
        "fields": [(f, entry.snapshot.get(f.name)) for f in kind.fields],
        "errors": errors or {},
    }, status)


async def version(request: web.Request) -> web.StreamResponse:
    return await _version_page(request, _kind(request), _id(request), _id(request, "entry"))


async def restore(request: web.Request) -> web.StreamResponse:
    kind = _kind(request)
    form = await form_data(request)
    item_id, entry_id = _id(request), _id(request, "entry")
    expected = int(form["version"]) if form.get("version", "").isdigit() else None
    try:
        item = await blocking(editor(request).restore, kind.type, item_id, entry_id, expected, _who(request))
    except ValidationFailed as failed:
        return await _version_page(request, kind, item_id, entry_id, failed.errors, 422)
    except EditConflict as conflict:
        return await _version_page(request, kind, item_id, entry_id, {"": str(conflict)}, 409)
    except NotFound as missing:
        return await error_page(request, "Finns inte", str(missing), 404)
    await flash(request, "Den tidigare versionen är återställd som en ny version. "
                         "Boten använder den från nästa meddelande.")
    raise web.HTTPSeeOther(_item_url(kind, item.id))
