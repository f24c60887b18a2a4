"""The learning inbox: messages the bot was unsure about, the admin's decision
on each, and the export of the corrections as NLU training data."""
from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from bot.content.editor import QA, EditConflict, EditorError, NotFound, ValidationFailed
from bot.conversations.errors import ReviewError
from bot.conversations.inbox import UNSURE_BELOW
from bot.conversations.intent_labels import intent_label
from bot.conversations.languages import DEFAULT, LANGUAGES, parse_language
from bot.conversations.learning import LinkQA
from bot.conversations.service import ConversationService
from bot.conversations.paging import page_number, paginate
from bot.conversations.transcript import text_key
from bot.portal.admin.account import editor
from bot.portal.admin.common import error_page, flash, form_data
from bot.portal.admin.review.common import intents, page, service, who
from bot.portal.admin.review.display import BASE, by_label
from bot.portal.security import blocking

PER_PAGE = 20  # a page of the inbox stays a few screens long


def _threshold(request: web.Request) -> tuple[float, str]:
    raw = (request.query.get("under") or "").strip().replace(",", ".").rstrip("%").strip()
    try:
        value = float(raw) / 100 if raw else UNSURE_BELOW
        if not 0 < value <= 1:
            raise ValueError
        return value, ""
    except ValueError:
        return UNSURE_BELOW, "Skriv ett tal mellan 1 och 100 (procent)."


def _filter_query(request: web.Request) -> str:
    """The inbox's own filters (threshold, language) as a query string, for its links."""
    return urlencode({key: request.query[key] for key in ("under", "lang") if request.query.get(key)})


async def inbox(request: web.Request, error: str = "", status: int = 200) -> web.StreamResponse:
    svc = service(request)
    threshold, threshold_error = _threshold(request)
    language, language_error = parse_language(request.query.get("lang"))
    show = request.query.get("visa", "oppna")
    items = await blocking(svc.inbox, threshold, language)
    decisions = await blocking(svc.decisions)
    open_items = [item for item in items if item.key not in decisions]
    entries = await blocking(editor(request).list, QA)
    exports = {code: await blocking(svc.nlu_export, code) for code in LANGUAGES}
    pending = {code: sum(1 for d in decisions.values()
                         if d.training_intent and d.exported_at is None and d.language == code) for code in LANGUAGES}
    return await page(request, "admin/review_inbox.html", {
        "result": paginate(open_items, page_number(request.query.get("page")), PER_PAGE),
        "decisions": list(decisions.values()), "show": show if show in ("oppna", "beslutade") else "oppna",
        "threshold": threshold, "threshold_error": threshold_error,
        "language": language, "language_error": language_error,
        "intents": by_label([i for i in intents() if i != "out_of_scope"]), "qa_entries": entries,
        "exports": exports, "pending": pending, "nlu_files": {code: _nlu_name(svc, code) for code in LANGUAGES},
        "error": error, "filter_query": _filter_query(request),
    }, status)


def _nlu_name(svc: ConversationService, language: str) -> str:
    """The export file's path in data/nlu/: "reviewed.yml", "en/reviewed.yml"."""
    return svc.nlu_file(language).relative_to(svc.nlu_path.parent).as_posix()


def _link_qa(request: web.Request, username: str) -> LinkQA:
    """Adds a message to a staff Q&A entry's example questions, as `username`."""
    content = editor(request)

    def link(entry_id: int, text: str) -> None:
        try:
            item = content.get(QA, entry_id)
            examples = list(item.values.get("examples") or [])
            if text_key(text) in {text_key(e) for e in examples}:
                return
            values = dict(item.values, examples=examples + [text])
            content.update(QA, entry_id, values, item.version, username)
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
    admin = who(request)
    try:
        result = await blocking(
            service(request).decide, form.get("sender", ""), event_id, decision, admin,
            intent=intent, intents=intents(), qa_entry_id=qa_entry_id, link_qa=_link_qa(request, admin))
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
    results = {code: result for code, result in (await blocking(svc.write_nlu)).items() if result.written}
    if not results:
        await flash(request, "Det finns inga rättelser att exportera. Välj först avsikter i inkorgen.")
    else:
        files = " ".join(f"{len(result.written)} exempel finns nu i {_nlu_name(svc, code)}."
                         for code, result in results.items())
        skipped = sum(len(result.skipped) for result in results.values())
        more = f" {skipped} fanns redan i träningsdata och hoppades över." if skipped else ""
        await flash(request, f"{files}{more} De används vid nästa träning (make train).")
    raise web.HTTPSeeOther(f"{BASE}/inbox")


async def download_nlu(request: web.Request) -> web.StreamResponse:
    """One language's file (`?lang=en`; Swedish without it)."""
    language, error = parse_language(request.query.get("lang"))
    if error:
        return await error_page(request, "Finns inte", error, 404)
    result = await blocking(service(request).nlu_export, language or DEFAULT)
    return web.Response(text=result.text, content_type="application/x-yaml", charset="utf-8",
                        headers={"Content-Disposition": 'attachment; filename="reviewed.yml"'})
