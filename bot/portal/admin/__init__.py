"""The staff and admin pages under /admin.

`ROUTES` is the single route table: method, path, handler and the role it
needs (None: public). The security middleware reads the roles from it, and
the tests walk it, so a new route cannot be added without a role.
"""
from __future__ import annotations

from aiohttp import web

from bot.content.editor import ContentEditor
from bot.portal import security
from bot.portal.admin import account, content, review, training, transfer, users
from bot.portal.admin.common import Route, forbidden
from bot.portal.admin.content_pages import PAGES
from bot.portal.auth import UserStore

KIND = "{kind:" + "|".join(PAGES) + "}"
ID = r"{id:\d+}"
ENTRY = r"{entry:\d+}"

ROUTES: list[Route] = [
    ("GET", "/admin/login", account.login_form, None),
    ("POST", "/admin/login", account.login, None),
    ("POST", "/admin/logout", account.logout, "redaktör"),
    ("GET", "/admin", account.dashboard, "redaktör"),
    ("GET", "/admin/account", account.account_form, "redaktör"),
    ("POST", "/admin/account", account.change_password, "redaktör"),
    ("GET", "/admin/search", content.search, "redaktör"),
    ("GET", "/admin/english", content.untranslated_items, "redaktör"),
    ("GET", f"/admin/content/{KIND}", content.list_items, "redaktör"),
    ("GET", f"/admin/content/{KIND}/new", content.new_form, "redaktör"),
    ("GET", f"/admin/content/{KIND}/deleted", content.deleted_items, "redaktör"),
    ("POST", f"/admin/content/{KIND}/new", content.create, "redaktör"),
    ("GET", f"/admin/content/{KIND}/{ID}", content.edit_form, "redaktör"),
    ("POST", f"/admin/content/{KIND}/{ID}", content.update, "redaktör"),
    ("GET", f"/admin/content/{KIND}/{ID}/delete", content.delete_form, "redaktör"),
    ("POST", f"/admin/content/{KIND}/{ID}/delete", content.delete, "redaktör"),
    ("GET", f"/admin/content/{KIND}/{ID}/history", content.history, "redaktör"),
    ("GET", f"/admin/content/{KIND}/{ID}/history/{ENTRY}", content.version, "redaktör"),
    ("POST", f"/admin/content/{KIND}/{ID}/history/{ENTRY}/restore", content.restore, "redaktör"),
    ("GET", "/admin/users", users.list_users, "admin"),
    ("GET", "/admin/users/new", users.new_form, "admin"),
    ("POST", "/admin/users/new", users.create, "admin"),
    ("GET", r"/admin/users/{id:\d+}", users.edit_form, "admin"),
    ("POST", r"/admin/users/{id:\d+}", users.update, "admin"),
    ("GET", "/admin/transfer", transfer.transfer_page, "admin"),
    ("POST", "/admin/transfer/content.yml", transfer.export_store, "admin"),
    ("POST", "/admin/transfer/import", transfer.import_store, "admin"),
    ("POST", "/admin/transfer/qa-nlu.yml", transfer.export_nlu, "admin"),
    *review.ROUTES,  # conversation review, learning inbox, statistics (admins only)
    *training.ROUTES,  # retraining, the quality gate, activation, history and rollback (admins only)
]


async def _slash(_request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/admin")


def setup(app: web.Application, editor: ContentEditor, user_store: UserStore,
          secret_key: str | None = None) -> None:
    """Register the admin routes, sessions, the security middleware, the review's service
    and the model store's records."""
    app[account.EDITOR_KEY] = editor
    app.cleanup_ctx.append(review.conversation_service)
    training.setup(app)
    roles = {}
    for method, path, handler, role in ROUTES:
        route = app.router.add_route(method, path, handler)
        roles[(method, route.resource.canonical)] = role
    app.router.add_get("/admin/", _slash)
    roles[("GET", "/admin/")] = None
    security.setup(app, user_store, roles, forbidden, secret_key)
