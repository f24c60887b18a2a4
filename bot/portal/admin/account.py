"""Logging in and out, the start page and one's own password."""
from __future__ import annotations

from aiohttp import web
from aiohttp_session import get_session

from bot.content.editor import ContentEditor, ValidationFailed
from bot.content.repository import ContentRepository
from bot.content.translations import untranslated
from bot.portal.admin.common import flash, form_data, render
from bot.portal.admin.content_pages import PAGES
from bot.portal.auth import LoginRefused, UserStore
from bot.portal.keys import CONTENT_KEY
from bot.portal.security import USERS_KEY, blocking, client_address, current_user, log_in, safe_next

EDITOR_KEY = web.AppKey("editor", ContentEditor)


def users(request: web.Request) -> UserStore:
    return request.app[USERS_KEY]


def editor(request: web.Request) -> ContentEditor:
    return request.app[EDITOR_KEY]


def repository(request: web.Request) -> ContentRepository:
    """The store's read side: what the pages show."""
    return request.app[CONTENT_KEY]


async def login_form(request: web.Request) -> web.StreamResponse:
    session = await get_session(request)
    if session.get("uid"):
        raise web.HTTPFound("/admin")
    return await render(request, "admin/login.html", {
        "next": safe_next(request.query.get("next", "/admin")),
        "logged_out": "utloggad" in request.query,
        "username": "",
    })


async def login(request: web.Request) -> web.StreamResponse:
    form = await form_data(request)
    username = form.get("username", "")
    target = safe_next(form.get("next", "/admin"))
    try:
        account = await blocking(users(request).authenticate, username, form.get("password", ""),
                                 client_address(request))
    except LoginRefused as refused:
        return await render(request, "admin/login.html",
                            {"error": str(refused), "username": username[:80], "next": target}, status=401)
    await log_in(request, account)
    raise web.HTTPSeeOther(target)


async def logout(request: web.Request) -> web.StreamResponse:
    account = current_user(request)
    if account is not None:
        await blocking(users(request).end_sessions, account.id)
    session = await get_session(request)
    session.invalidate()
    raise web.HTTPSeeOther("/admin/login?utloggad=1")


async def dashboard(request: web.Request) -> web.StreamResponse:
    counts = {page.slug: await blocking(repository(request).count, page.type) for page in PAGES.values()}
    recent = await blocking(editor(request).recent_changes, 15)
    account = current_user(request)
    throttling = users(request).throttle.summary() if account and account.is_admin else None
    untranslated_count = len(await blocking(untranslated, repository(request)))
    return await render(request, "admin/dashboard.html", {"counts": counts, "recent": recent,
                                                          "throttling": throttling,
                                                          "untranslated": untranslated_count})


async def account_form(request: web.Request) -> web.StreamResponse:
    return await render(request, "admin/account.html", {"errors": {}})


async def change_password(request: web.Request) -> web.StreamResponse:
    account = current_user(request)
    form = await form_data(request)
    store = users(request)
    errors = {}
    if not await blocking(store.check_password, account.id, form.get("current", "")):
        errors["current"] = "Det nuvarande lösenordet stämmer inte."
    else:
        try:
            updated = await blocking(store.set_password, account.id, form.get("password", ""),
                                     form.get("repeat", ""))
        except ValidationFailed as failed:
            errors = failed.errors
        else:
            await log_in(request, updated)  # the new epoch ended the old session
            await flash(request, "Ditt lösenord är bytt. Andra inloggningar med ditt konto har avslutats.")
            raise web.HTTPSeeOther("/admin/account")
    return await render(request, "admin/account.html", {"errors": errors}, status=422)
