"""The conversation list with its filters and exports, and one conversation:
its transcript, its review (status, tags, note) and its erasure."""
from __future__ import annotations

import datetime as dt

from aiohttp import web

from bot.conversations.errors import ReviewError
from bot.conversations.filters import FEEDBACK, HITS, ConversationFilter
from bot.conversations.paging import page_number
from bot.conversations.transcript import FALLBACK_INTENT, Conversation
from bot.portal.admin.common import flash, form_data
from bot.portal.admin.review.common import intents, one_conversation, page, service, who
from bot.portal.admin.review.display import BASE, by_label, conversation_url
from bot.portal.security import blocking

PER_PAGE = 25


async def conversations(request: web.Request) -> web.StreamResponse:
    flt = ConversationFilter.from_query(request.query)
    svc = service(request)
    result = await blocking(svc.page, flt, page_number(request.query.get("page")), PER_PAGE)
    reviews = await blocking(svc.reviews)
    tags = await blocking(svc.all_tags)
    return await page(request, "admin/review_list.html", {
        "filter": flt, "errors": dict(flt.errors), "result": result, "reviews": reviews,
        "intent_choices": by_label(sorted(set(intents()) | {FALLBACK_INTENT})), "tag_choices": tags,
        "hits": HITS, "feedback_choices": FEEDBACK,
        "query": flt.query_string(),
    })


async def _export(request: web.Request, fmt: str) -> web.StreamResponse:
    """A POST with the CSRF token and the list's filter as form fields: it writes an audit row."""
    flt = ConversationFilter.from_query(await form_data(request))
    text, _count = await blocking(service(request).export, flt, fmt, who(request))
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


async def transcript_page(request: web.Request, found: Conversation, errors: dict[str, str] | None = None,
                          values: dict[str, str] | None = None, status: int = 200) -> web.StreamResponse:
    review = await blocking(service(request).review, found.sender_id)
    return await page(request, "admin/review_conversation.html", {
        "conversation": found, "review": review, "errors": errors or {}, "values": values or {},
    }, status)


conversation = one_conversation(transcript_page)


@one_conversation
async def save_review(request: web.Request, found: Conversation) -> web.StreamResponse:
    form = await form_data(request)
    try:
        await blocking(service(request).save_review, found.sender_id, who(request), status=form.get("status"),
                       tags=form.get("tags"), note=form.get("note"))
    except ReviewError as error:
        return await transcript_page(request, found, {"note": str(error)}, form, 422)
    quick = "note" not in form and form.get("status") == "granskad"
    await flash(request, "Samtalet är markerat som granskat." if quick else "Granskningen är sparad.")
    raise web.HTTPSeeOther(conversation_url(found.sender_id))


async def delete_page(request: web.Request, found: Conversation, error: str = "",
                      status: int = 200) -> web.StreamResponse:
    return await page(request, "admin/review_delete.html", {"conversation": found, "error": error}, status)


delete_form = one_conversation(delete_page)


@one_conversation
async def delete(request: web.Request, found: Conversation) -> web.StreamResponse:
    form = await form_data(request)
    if form.get("confirm") != "1":
        return await delete_page(request, found, "Kryssa i rutan för att bekräfta att samtalet ska raderas.", 422)
    events = await blocking(service(request).erase, found.sender_id, who(request))
    await flash(request, f"Samtalet är raderat ur loggen ({events} händelser). "
                         "Raderingen är antecknad i granskningsloggen, utan samtalets innehåll.")
    raise web.HTTPSeeOther(BASE)
