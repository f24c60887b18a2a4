"""Conversation review for admins: the conversation list with filters, a
transcript per conversation with status, tags and a note, erasure of one
conversation, the learning inbox with its NLU export, statistics, CSV/JSON
export and the audit log of purges, erasures and exports.

Every route here needs the role `admin` (`ROUTES`); the admin package adds
them to its route table, so the security middleware checks login, role and
CSRF exactly as for the other admin pages. The conversations are read from
Rasa's tracker store (bot/conversations/); they are masked already when Rasa
stores them (bot/privacy/).

Conversations are addressed by `?id=<sender id>` rather than a path segment,
since a sender id from a REST client may contain any character.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import threading
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple
from urllib.parse import urlencode

from aiohttp import web

from bot.content.editor import QA, EditConflict, EditorError, NotFound, ValidationFailed, domain_intents
from bot.conversations.filters import FEEDBACK, HITS, STOCKHOLM, ConversationFilter
from bot.conversations.inbox import UNSURE_BELOW
from bot.conversations.intent_labels import intent_label
from bot.conversations.service import NLU_DIR, ConversationService, ReviewError
from bot.conversations.stats import active_range, period
from bot.conversations.tracker import TrackerStore, tracker_url
from bot.conversations.transcript import FALLBACK_INTENT, text_key
from bot.portal.admin.account import editor
from bot.portal.admin.common import error_page, flash, form_data, render
from bot.portal.admin.review_format import BASE, by_label, conversation_url, helpers
from bot.portal.security import blocking, current_user

SERVICE_KEY = "review_service"  # an app may carry its own ConversationService (tests)
NLU_DIR_KEY = "review_nlu_dir"  # …or just other NLU paths (tests); else the env, else data/nlu/
NLU_PATH_KEY = "review_nlu_path"
PER_PAGE = 25
INBOX_PER_PAGE = 20  # a page of the inbox stays a few screens long

_services: Dict[Tuple[str, ...], ConversationService] = {}
_services_lock = threading.Lock()


def service(request: web.Request) -> ConversationService:
    """The app's conversation service (one per tracker store, content database and NLU path)."""
    app = request.app
    if SERVICE_KEY in app:
        return app[SERVICE_KEY]
    settings = app["settings"]
    url = tracker_url(settings.tracker_db)
    nlu_dir = Path(app.get(NLU_DIR_KEY) or os.environ.get("REVIEW_NLU_DIR") or NLU_DIR)
    nlu_path = app.get(NLU_PATH_KEY) or os.environ.get("REVIEWED_NLU_PATH") or None
    key = (url, settings.database_url, str(nlu_dir), str(nlu_path))
    with _services_lock:
        found = _services.get(key)
        if found is None:
            found = ConversationService(TrackerStore(url), editor(request).sessions, nlu_dir,
                                        Path(nlu_path) if nlu_path else None)
            _services[key] = found
        return found


def _who(request: web.Request) -> str:
    return current_user(request).username


async def page(request: web.Request, template: str, context: Dict[str, Any], status: int = 200) -> web.Response:
    return await render(request, template, {**helpers(), **context}, status)


def _intents() -> List[str]:
    return [intent for intent in domain_intents() if intent != FALLBACK_INTENT]


# ---------------------------------------------------------------- the list and the exports


async def conversations(request: web.Request) -> web.StreamResponse:
    flt = ConversationFilter.from_query(request.query)
    try:
        number = int(request.query.get("page", "1"))
    except ValueError:
        number = 1
    svc = service(request)
    result = await blocking(svc.page, flt, number, PER_PAGE)
    reviews = await blocking(svc.reviews)
    tags = await blocking(svc.all_tags)
    return await page(request, "admin/review_list.html", {
        "filter": flt, "errors": dict(flt.errors), "result": result, "reviews": reviews,
        "intent_choices": by_label(sorted(set(_intents()) | {FALLBACK_INTENT})), "tag_choices": tags,
        "hits": HITS, "feedback_choices": FEEDBACK,
        "query": flt.query_string(),
    })


async def _export(request: web.Request, fmt: str) -> web.StreamResponse:
    """A POST with the CSRF token and the list's filter as form fields: it writes an audit row."""
    flt = ConversationFilter.from_query(await form_data(request))
    text, _count = await blocking(service(request).export, flt, fmt, _who(request))
    name = f"samtal-{dt.date.today().isoformat()}.{fmt}"
    return web.Response(
        text=text, content_type="text/csv" if fmt == "csv" else "application/json", charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def export_csv(request: web.Request) -> web.StreamResponse:
    return await _export(request, "csv")


async def export_json(request: web.Request) -> web.StreamResponse:
    return await _export(request, "json")


# ---------------------------------------------------------------- one conversation


async def _conversation_or_404(request: web.Request, sender_id: str):
    conversation = await blocking(service(request).conversation, sender_id) if sender_id else None
    if conversation is None:
        raise web.HTTPNotFound()
    return conversation


async def _missing(request: web.Request) -> web.Response:
    return await error_page(
        request, "Samtalet finns inte",
        "Samtalet finns inte i loggen. Det kan ha gallrats efter lagringstiden eller raderats.", 404)


async def conversation(request: web.Request, errors: Optional[Dict[str, str]] = None,
                       values: Optional[Dict[str, str]] = None, status: int = 200) -> web.StreamResponse:
    sender_id = request.query.get("id", "")
    try:
        found = await _conversation_or_404(request, sender_id)
    except web.HTTPNotFound:
        return await _missing(request)
    review = await blocking(service(request).review, sender_id)
    return await page(request, "admin/review_conversation.html", {
        "conversation": found, "review": review, "errors": errors or {}, "values": values or {},
    }, status)


async def save_review(request: web.Request) -> web.StreamResponse:
    sender_id = request.query.get("id", "")
    try:
        await _conversation_or_404(request, sender_id)
    except web.HTTPNotFound:
        return await _missing(request)
    form = await form_data(request)
    try:
        await blocking(service(request).save_review, sender_id, _who(request), status=form.get("status"),
                       tags=form.get("tags"), note=form.get("note"))
    except ReviewError as error:
        return await conversation(request, {"note": str(error)}, form, 422)
    quick = "note" not in form and form.get("status") == "granskad"
    await flash(request, "Samtalet är markerat som granskat." if quick else "Granskningen är sparad.")
    raise web.HTTPSeeOther(conversation_url(sender_id))


async def delete_form(request: web.Request, error: str = "", status: int = 200) -> web.StreamResponse:
    sender_id = request.query.get("id", "")
    try:
        found = await _conversation_or_404(request, sender_id)
    except web.HTTPNotFound:
        return await _missing(request)
    return await page(request, "admin/review_delete.html", {"conversation": found, "error": error}, status)


async def delete(request: web.Request) -> web.StreamResponse:
    sender_id = request.query.get("id", "")
    try:
        await _conversation_or_404(request, sender_id)
    except web.HTTPNotFound:
        return await _missing(request)
    form = await form_data(request)
    if form.get("confirm") != "1":
        return await delete_form(request, "Kryssa i rutan för att bekräfta att samtalet ska raderas.", 422)
    events = await blocking(service(request).erase, sender_id, _who(request))
    await flash(request, f"Samtalet är raderat ur loggen ({events} händelser). "
                         "Raderingen är antecknad i granskningsloggen, utan samtalets innehåll.")
    raise web.HTTPSeeOther(BASE)


# ---------------------------------------------------------------- the learning inbox


def _threshold(request: web.Request) -> Tuple[float, str]:
    raw = (request.query.get("under") or "").strip().replace(",", ".").rstrip("%").strip()
    try:
        value = float(raw) / 100 if raw else UNSURE_BELOW
        if not 0 < value <= 1:
            raise ValueError
        return value, ""
    except ValueError:
        return UNSURE_BELOW, "Skriv ett tal mellan 1 och 100 (procent)."


async def inbox(request: web.Request, error: str = "", status: int = 200) -> web.StreamResponse:
    svc = service(request)
    threshold, threshold_error = _threshold(request)
    show = request.query.get("visa", "oppna")
    items = await blocking(svc.inbox, threshold)
    decisions = await blocking(svc.decisions)
    open_items = [item for item in items if item.key not in decisions]
    try:
        number = max(1, int(request.query.get("page", "1")))
    except ValueError:
        number = 1
    pages = max(1, -(-len(open_items) // INBOX_PER_PAGE))
    number = min(number, pages)
    shown = open_items[(number - 1) * INBOX_PER_PAGE:number * INBOX_PER_PAGE]
    entries = await blocking(editor(request).list, QA)
    export = await blocking(svc.nlu_export)
    pending = sum(1 for d in decisions.values() if d.training_intent and d.exported_at is None)
    return await page(request, "admin/review_inbox.html", {
        "items": shown, "open_count": len(open_items), "page_number": number, "pages": pages,
        "per_page": INBOX_PER_PAGE, "first": (number - 1) * INBOX_PER_PAGE + 1,
        "last": (number - 1) * INBOX_PER_PAGE + len(shown),
        "decisions": list(decisions.values()), "show": show if show in ("oppna", "beslutade") else "oppna",
        "threshold": threshold, "threshold_error": threshold_error,
        "intents": by_label([i for i in _intents() if i != "out_of_scope"]), "qa_entries": entries,
        "export": export, "pending": pending, "nlu_path": svc.nlu_path, "error": error,
        "under_query": urlencode({"under": request.query["under"]}) if request.query.get("under") else "",
    }, status)


def _link_qa(request: web.Request, who: str):
    content = editor(request)

    def link(entry_id: int, text: str) -> None:
        try:
            item = content.get(QA, entry_id)
            examples = list(item.values.get("examples") or [])
            if text_key(text) in {text_key(e) for e in examples}:
                return
            values = dict(item.values, examples=examples + [text])
            content.update(QA, entry_id, values, item.version, who)
        except NotFound:
            raise ReviewError("Frågan och svaret finns inte längre.") from None
        except ValidationFailed as failed:
            raise ReviewError(" ".join(failed.errors.values())) from None
        except (EditConflict, EditorError):
            raise ReviewError("Frågan och svaret ändrades samtidigt av någon annan. Försök igen.") from None

    return link


async def decide(request: web.Request) -> web.StreamResponse:
    form = await form_data(request)
    choice = form.get("choice", "")
    decision, intent, qa_entry_id = choice, "", None
    if choice.startswith("intent:"):
        decision, intent = "intent", choice[len("intent:"):]
    elif choice.startswith("qa:"):
        decision = "qa"
        qa_entry_id = int(choice[3:]) if choice[3:].isdigit() else None
    try:
        event_id = int(form.get("event", ""))
    except ValueError:
        event_id = -1
    who = _who(request)
    try:
        result = await blocking(
            service(request).decide, form.get("sender", ""), event_id, decision, who,
            intent=intent, intents=_intents(), qa_entry_id=qa_entry_id, link_qa=_link_qa(request, who))
    except ReviewError as error:
        return await inbox(request, str(error), 422)
    what = {
        "intent": f"Sparat: ”{result.text}” tolkas som ”{intent_label(result.intent)}” ({result.intent}).",
        "out_of_scope": f"Sparat: ”{result.text}” är utanför ämnet.",
        "qa": f"”{result.text}” är tillagd som exempelfråga. Boten känner igen den från nästa meddelande.",
        "ignore": f"”{result.text}” ignoreras.",
    }[result.decision]
    await flash(request, what)
    raise web.HTTPSeeOther(f"{BASE}/inbox" + (f"?{request.query_string}" if request.query_string else ""))


async def undo(request: web.Request) -> web.StreamResponse:
    gone = await blocking(service(request).undo, int(request.match_info["id"]))
    if gone is None:
        return await error_page(request, "Finns inte", "Beslutet finns inte (det kan redan vara ångrat).", 404)
    await flash(request, f"Beslutet för ”{gone.text}” är ångrat. Meddelandet finns i inkorgen igen om "
                         "samtalet finns kvar i loggen.")
    raise web.HTTPSeeOther(f"{BASE}/inbox?visa=beslutade")


async def export_nlu(request: web.Request) -> web.StreamResponse:
    svc = service(request)
    result = await blocking(svc.write_nlu)
    if result is None or not result.written:
        await flash(request, "Det finns inga rättelser att exportera. Välj först avsikter i inkorgen.")
    else:
        skipped = (f" {len(result.skipped)} fanns redan i träningsdata och hoppades över."
                   if result.skipped else "")
        await flash(request, f"{len(result.written)} exempel finns nu i {svc.nlu_path.name}.{skipped} "
                             "De används vid nästa träning (make train).")
    raise web.HTTPSeeOther(f"{BASE}/inbox")


async def download_nlu(request: web.Request) -> web.StreamResponse:
    result = await blocking(service(request).nlu_export)
    return web.Response(text=result.text, content_type="application/x-yaml", charset="utf-8",
                        headers={"Content-Disposition": 'attachment; filename="reviewed.yml"'})


# ---------------------------------------------------------------- statistics and the audit log


def _statistics(svc: ConversationService, query: Mapping[str, str]):
    today = dt.datetime.now(STOCKHOLM).date()
    start, end, errors = period(query, active_range(svc.conversations()), today)
    return svc.statistics(start, end), errors


async def statistics(request: web.Request) -> web.StreamResponse:
    result, errors = await blocking(_statistics, service(request), request.query)
    chosen = bool(request.query.get("from") or request.query.get("to"))
    return await page(request, "admin/review_stats.html", {"stats": result, "errors": errors, "chosen": chosen},
                      422 if errors else 200)


async def audit(request: web.Request) -> web.StreamResponse:
    entries = await blocking(service(request).audit_log, 200)
    return await page(request, "admin/review_audit.html", {"entries": entries})


Route = Tuple[str, str, Any, Optional[str]]
ROUTES: List[Route] = [
    ("GET", BASE, conversations, "admin"),
    ("POST", f"{BASE}/export.csv", export_csv, "admin"),  # POST: an export is audited
    ("POST", f"{BASE}/export.json", export_json, "admin"),
    ("GET", f"{BASE}/conversation", conversation, "admin"),
    ("POST", f"{BASE}/conversation", save_review, "admin"),
    ("GET", f"{BASE}/conversation/delete", delete_form, "admin"),
    ("POST", f"{BASE}/conversation/delete", delete, "admin"),
    ("GET", f"{BASE}/inbox", inbox, "admin"),
    ("POST", f"{BASE}/inbox", decide, "admin"),
    ("POST", rf"{BASE}/inbox/decisions/{{id:\d+}}/undo", undo, "admin"),
    ("POST", f"{BASE}/inbox/export", export_nlu, "admin"),
    ("GET", f"{BASE}/inbox/reviewed.yml", download_nlu, "admin"),
    ("GET", f"{BASE}/stats", statistics, "admin"),
    ("GET", f"{BASE}/audit", audit, "admin"),
]


def _canonical(path: str) -> str:
    return re.sub(r"\{(\w+):[^}]*\}", r"{\1}", path)


def setup(app: web.Application) -> None:
    """Register the review routes and their roles on a portal app whose admin
    route table does not include them yet (idempotent). The admin package's
    `ROUTES` is the usual place: then the route-walking security tests cover
    them too."""
    from bot.portal.security import ROLES_KEY

    roles = app[ROLES_KEY]
    present = {(route.method, route.resource.canonical) for route in app.router.routes()
               if route.resource is not None}
    for method, path, handler, role in ROUTES:
        if (method, _canonical(path)) in present:
            continue
        route = app.router.add_route(method, path, handler)
        roles[(method, route.resource.canonical)] = role
