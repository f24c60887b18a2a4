"""The content editor: lists, search, create, edit with preview, delete,
history with diffs, restore."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from aiohttp import web
from markupsafe import Markup, escape

from bot.content import texts
from bot.content.citations import Citation, cite
from bot.content.repository import ContentRepository
from bot.content.editor import (
    FOCUS_AREAS, KINDS, PARTNERS, QA, TEXTS, ContentEditor, EditConflict, Item, Kind, NotFound,
    ValidationFailed, protected_topic_keys,
)
from bot.content.markup import render_off_loop
from bot.content.retrieval import QARetriever
from bot.portal.admin.account import editor
from bot.portal.admin.common import error_page, flash, flash_warnings, form_data, form_value, render
from bot.portal.security import blocking, current_user

SAVED = "Ändringarna är sparade. Boten använder dem från nästa meddelande."


def _kind(request: web.Request) -> Kind:
    kind = KINDS.get(request.match_info["kind"])
    if kind is None:
        raise web.HTTPNotFound()
    return kind


def _id(request: web.Request, name: str = "id") -> int:
    return int(request.match_info[name])


def _who(request: web.Request) -> str:
    return current_user(request).username


def _item_url(kind: Kind, item_id: int) -> str:
    return f"/admin/content/{kind.slug}/{item_id}"


def _citation(content: ContentEditor, item: Optional[Item]) -> Optional[Citation]:
    """The source line the bot gives with this item, for the editor to show."""
    if item is None or item.provenance is None:
        return None
    return cite(ContentRepository(content.sessions), [item.provenance])


def _values_of(item: Item) -> Dict[str, str]:
    return {f.name: form_value(f, item.values.get(f.name)) for f in item.kind.fields}


def _submitted(kind: Kind, form: Mapping[str, str]) -> Dict[str, str]:
    return {f.name: form.get(f.name, "") for f in kind.fields}


def _text_preview(values: Mapping[str, str]) -> List[Dict[str, Any]]:
    """A bot text filled in with its example values, or why it cannot be."""
    spec = texts.SPECS.get(values.get("key", ""))
    if spec is None:
        return []
    template = values.get("text", "")
    problem = texts.problem(spec, template)
    if problem:
        return [{"label": "Med exempelvärden", "problem": problem}]
    filled = texts.example(spec.key, template)
    return [{"label": "Med exempelvärden", "html": Markup('<p class="prewrap">') + escape(filled)
             + Markup("</p>"), "text": filled}]


async def _preview(kind: Kind, values: Mapping[str, str]) -> List[Dict[str, Any]]:
    """Each Markdown field as the chat will send it and as HTML (sanitised)."""
    if kind is TEXTS:
        return _text_preview(values)
    fields = [field for field in kind.fields if field.widget == "markdown"]
    rendered = await render_off_loop([values.get(field.name, "") for field in fields], heading_offset=2)
    if rendered is None:  # stopped at the time limit (render_off_loop)
        return [{"label": "Förhandsgranskning", "html": Markup(f"<p>{PREVIEW_TOO_SLOW}</p>"),
                 "text": PREVIEW_TOO_SLOW}]
    return [{"label": field.label, "html": Markup(html), "text": text}
            for field, (html, text) in zip(fields, rendered)]


PREVIEW_TOO_SLOW = "Förhandsgranskningen tog för lång tid och visas inte. Korta texten och försök igen."


async def _positions(request: web.Request, kind: Kind, creating: bool) -> List[int]:
    if kind is not FOCUS_AREAS:
        return []
    count = await blocking(editor(request).count, kind)
    return list(range(1, count + (2 if creating else 1)))


async def _form_page(request: web.Request, kind: Kind, item: Optional[Item], values: Mapping[str, str],
                     *, errors: Optional[Mapping[str, str]] = None, conflict: Optional[EditConflict] = None,
                     preview: bool = False, version: Optional[int] = None, status: int = 200) -> web.Response:
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
        "protected_reason": protected.get(item.values.get("key")) if item and kind.name == "topic" else None,
        "text_spec": texts.SPECS.get(values.get("key", "")) if kind is TEXTS else None,
        "citation": await blocking(_citation, editor(request), item),
    }, status)


# ---------------------------------------------------------------- lists and search


async def list_items(request: web.Request) -> web.StreamResponse:
    kind = _kind(request)
    query = request.query.get("q", "").strip()
    chosen = {f.name: request.query.get(f.name, "") for f in kind.filters}
    content = editor(request)
    everything = await blocking(content.list, kind)
    items = await blocking(content.list, kind, query, chosen) if query or any(chosen.values()) else everything
    return await render(request, "admin/list.html", {
        "kind": kind,
        "items": items,
        "total": len(everything),
        "query": query,
        "filters": [(f, f.choices(everything), chosen[f.name]) for f in kind.filters],
        "protected": protected_topic_keys(),
        "deleted": len(await blocking(content.deleted, kind)) if kind.can_delete else 0,
    })


async def deleted_items(request: web.Request) -> web.StreamResponse:
    """The "Borttaget" view: every deleted item of a kind, each with a restore button."""
    kind = _kind(request)
    if not kind.can_delete:
        raise web.HTTPNotFound()
    entries = await blocking(editor(request).deleted, kind)
    return await render(request, "admin/deleted.html", {"kind": kind, "entries": entries})


async def search(request: web.Request) -> web.StreamResponse:
    query = request.query.get("q", "").strip()
    hits = await blocking(editor(request).search, query) if query else []
    return await render(request, "admin/search.html", {"query": query, "hits": hits})


# ---------------------------------------------------------------- create and edit


async def new_form(request: web.Request) -> web.StreamResponse:
    kind = _kind(request)
    if not kind.can_create:
        raise web.HTTPNotFound()
    values = {f.name: "" for f in kind.fields}
    if kind is FOCUS_AREAS:
        values["position"] = str(await blocking(editor(request).count, kind) + 1)
    if kind is PARTNERS:
        values["kind"] = "partner"
    return await _form_page(request, kind, None, values)


async def create(request: web.Request) -> web.StreamResponse:
    kind = _kind(request)
    if not kind.can_create:
        raise web.HTTPNotFound()
    form = await form_data(request)
    values = _submitted(kind, form)
    if form.get("do") == "preview":
        return await _form_page(request, kind, None, values, preview=True)
    try:
        item = await blocking(editor(request).create, kind, values, _who(request))
    except ValidationFailed as failed:
        return await _form_page(request, kind, None, values, errors=failed.errors, status=422)
    await flash(request, f"{kind.singular.capitalize()} är skapat. Boten använder det från nästa meddelande."
                if kind.pronoun == "det" else
                f"{kind.singular.capitalize()} är skapad. Boten använder den från nästa meddelande.")
    await _warn_if_sent_elsewhere(request, kind, item.id)
    raise web.HTTPSeeOther(_item_url(kind, item.id))


async def _warn_if_sent_elsewhere(request: web.Request, kind: Kind, item_id: int) -> None:
    """After a Q&A entry is saved: its example questions that the bot would not
    answer with it today, and why (the staff rule, README "Staff answers win")."""
    if kind is not QA:
        return
    elsewhere = await blocking(QARetriever(editor(request).sessions).sent_elsewhere, item_id)
    if elsewhere:
        await flash_warnings(request, "Boten svarar inte med det här svaret på de här exempelfrågorna i dag:",
                             [f"”{example}”: {reason}." for example, reason in elsewhere])


async def edit_form(request: web.Request) -> web.StreamResponse:
    kind = _kind(request)
    try:
        item = await blocking(editor(request).get, kind, _id(request))
    except NotFound as missing:
        return await error_page(request, "Finns inte", str(missing), 404)
    return await _form_page(request, kind, item, _values_of(item))


def _version(form: Mapping[str, str]) -> int:
    try:
        return int(form.get("version", ""))
    except ValueError:
        raise web.HTTPBadRequest(text="Versionen saknas i formuläret.") from None


async def update(request: web.Request) -> web.StreamResponse:
    kind = _kind(request)
    content = editor(request)
    form = await form_data(request)
    values = _submitted(kind, form)
    version = _version(form)
    try:
        item = await blocking(content.get, kind, _id(request))
    except NotFound as missing:
        return await error_page(request, "Finns inte", str(missing), 404)
    if form.get("do") == "preview":
        return await _form_page(request, kind, item, values, preview=True, version=version)
    try:
        await blocking(content.update, kind, item.id, values, version, _who(request))
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
    try:
        item = await blocking(editor(request).get, kind, _id(request))
    except NotFound as missing:
        return await error_page(request, "Finns inte", str(missing), 404)
    reason = protected_topic_keys().get(item.values.get("key")) if kind.name == "topic" else None
    return await render(request, "admin/delete.html", {"kind": kind, "item": item, "errors": {},
                                                       "protected_reason": reason})


async def delete(request: web.Request) -> web.StreamResponse:
    kind = _kind(request)
    content = editor(request)
    form = await form_data(request)
    version = _version(form)
    try:
        item = await blocking(content.get, kind, _id(request))
        await blocking(content.delete, kind, item.id, version, _who(request))
    except NotFound as missing:
        return await error_page(request, "Finns inte", str(missing), 404)
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


async def _current(content: ContentEditor, kind: Kind, item_id: int) -> Optional[Item]:
    try:
        return await blocking(content.get, kind, item_id)
    except NotFound:
        return None


async def history(request: web.Request) -> web.StreamResponse:
    kind = _kind(request)
    content = editor(request)
    entries = await blocking(content.history, kind, _id(request))
    if not entries:
        return await error_page(request, "Finns inte", "Det finns ingen historik för det här innehållet.", 404)
    item = await _current(content, kind, _id(request))
    return await render(request, "admin/history.html",
                        {"kind": kind, "item": item, "item_id": _id(request), "entries": entries})


async def _version_page(request: web.Request, kind: Kind, item_id: int, entry_id: int,
                        errors: Optional[Mapping[str, str]] = None, status: int = 200) -> web.Response:
    content = editor(request)
    try:
        entry, previous = await blocking(content.version, kind, item_id, entry_id)
    except NotFound as missing:
        return await error_page(request, "Finns inte", str(missing), 404)
    item = await _current(content, kind, item_id)
    return await render(request, "admin/version.html", {
        "kind": kind, "item": item, "item_id": item_id, "entry": entry, "previous": previous,
        "diff": content.diff(kind, previous.snapshot if previous else None, entry.snapshot),
        # What the restore will do: from the current version to this one.
        "restore_diff": content.diff(kind, item.values, entry.snapshot) if item else [],
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
        item = await blocking(editor(request).restore, kind, item_id, entry_id, expected, _who(request))
    except ValidationFailed as failed:
        return await _version_page(request, kind, item_id, entry_id, failed.errors, 422)
    except EditConflict as conflict:
        return await _version_page(request, kind, item_id, entry_id, {"": str(conflict)}, 409)
    except NotFound as missing:
        return await error_page(request, "Finns inte", str(missing), 404)
    await flash(request, "Den tidigare versionen är återställd som en ny version. "
                         "Boten använder den från nästa meddelande.")
    raise web.HTTPSeeOther(_item_url(kind, item.id))
