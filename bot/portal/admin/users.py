"""User administration (admins only): list, create, change role, deactivate,
set a new password."""
from __future__ import annotations

from aiohttp import web

from bot.content.editor import ValidationFailed
from bot.portal.admin.account import users
from bot.portal.admin.common import error_page, flash, form_data, render
from bot.portal.auth import ROLE_LABELS, ROLES
from bot.portal.security import blocking, current_user


async def list_users(request: web.Request) -> web.StreamResponse:
    accounts = await blocking(users(request).list)
    return await render(request, "admin/users.html", {"accounts": accounts})


async def new_form(request: web.Request) -> web.StreamResponse:
    return await render(request, "admin/user_form.html", {
        "account": None, "values": {"role": "redaktör"}, "errors": {},
        "roles": [(r, ROLE_LABELS[r]) for r in ROLES],
    })


async def create(request: web.Request) -> web.StreamResponse:
    form = await form_data(request)
    try:
        account = await blocking(users(request).create, form.get("username", ""), form.get("password", ""),
                                 form.get("role", ""), form.get("repeat", ""))
    except ValidationFailed as failed:
        return await render(request, "admin/user_form.html", {
            "account": None, "values": form, "errors": failed.errors,
            "roles": [(r, ROLE_LABELS[r]) for r in ROLES],
        }, status=422)
    await flash(request, f"Användaren {account.username} är skapad. Ge lösenordet till hen på ett säkert sätt.")
    raise web.HTTPSeeOther("/admin/users")


async def edit_form(request: web.Request) -> web.StreamResponse:
    account = await blocking(users(request).get, int(request.match_info["id"]))
    if account is None:
        return await error_page(request, "Finns inte", "Användaren finns inte.", 404)
    return await render(request, "admin/user_form.html", {
        "account": account, "values": {"role": account.role, "active": account.active}, "errors": {},
        "roles": [(r, ROLE_LABELS[r]) for r in ROLES],
    })


async def update(request: web.Request) -> web.StreamResponse:
    store = users(request)
    account = await blocking(store.get, int(request.match_info["id"]))
    if account is None:
        return await error_page(request, "Finns inte", "Användaren finns inte.", 404)
    form = await form_data(request)
    active = form.get("active") == "1"
    try:
        await blocking(store.update, account.id, form.get("role", ""), active, current_user(request))
        if form.get("password"):
            await blocking(store.set_password, account.id, form["password"], form.get("repeat", ""))
    except ValidationFailed as failed:
        return await render(request, "admin/user_form.html", {
            "account": account, "values": {"role": form.get("role", ""), "active": active},
            "errors": failed.errors, "roles": [(r, ROLE_LABELS[r]) for r in ROLES],
        }, status=422)
    await flash(request, f"Ändringarna för {account.username} är sparade.")
    raise web.HTTPSeeOther("/admin/users")
