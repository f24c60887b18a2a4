"""Sessions, login and role checks, CSRF protection and security headers for /admin.

* Sessions live in an encrypted cookie (aiohttp-session + Fernet). The key
  comes from `PORTAL_SECRET_KEY` (a Fernet key: 32 url-safe base64 bytes), or
  is generated once into `var/portal_secret.key` (mode 600; `var/` is not
  committed). The cookie is HttpOnly, SameSite=Lax, limited to /admin, and
  Secure when `PORTAL_SECURE_COOKIES=1` (behind HTTPS).
* Every /admin request except the login page needs a session of an active
  user whose `session_epoch` still matches (see auth.py); sessions also end
  after `IDLE_LIMIT` without a request and `SESSION_LIMIT` after login.
  A browser without one is sent to the login page (302); a client that asks
  for JSON gets 401. A route for admins answers redaktörer with 403.
* Every POST under /admin carries the session's CSRF token (form field
  `csrf_token` or header `X-CSRF-Token`), compared with hmac.compare_digest;
  without a valid one the request is refused with 403.
* Admin responses get a strict Content-Security-Policy (script-src 'self';
  style-src 'self'), frame-ancestors 'none', no-store caching and friends.
"""
from __future__ import annotations

import asyncio
import functools
import hmac
import logging
import os
import secrets
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from aiohttp import web
from aiohttp_session import Session, get_session, new_session
from aiohttp_session import setup as setup_sessions
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from cryptography.fernet import Fernet

from bot.paths import VAR_DIR
from bot.portal.auth import Account, UserStore
from bot.portal.security_headers import security_headers

logger = logging.getLogger(__name__)

SECRET_KEY_FILE = VAR_DIR / "portal_secret.key"
COOKIE_NAME = "vbg_portal"
IDLE_LIMIT = 8 * 3600  # seconds without a request
SESSION_LIMIT = 12 * 3600  # seconds after login
LOGIN_PATH = "/admin/login"
PUBLIC_ADMIN_PATHS = {LOGIN_PATH}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# The public pages' policy without the Rasa server: the staff pages call nothing else.
ADMIN_HEADERS = {**security_headers(), "Cache-Control": "no-store"}
CSP = ADMIN_HEADERS["Content-Security-Policy"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Roles = dict[tuple[str, str], str | None]  # (method, canonical path) → the role it needs (None: public)
USERS_KEY = web.AppKey("users", UserStore)
ROLES_KEY = web.AppKey("admin_roles", dict)


# ---------------------------------------------------------------- the key


def secret_key(path: Path = SECRET_KEY_FILE) -> str:
    """The session key: PORTAL_SECRET_KEY, else the saved one, else a new one saved now."""
    configured = os.environ.get("PORTAL_SECRET_KEY", "").strip()
    if configured:
        Fernet(configured)  # fails loudly on a malformed key
        return configured
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    key = Fernet.generate_key().decode("ascii")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process was first
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(key + "\n")
    logger.info("Generated a new portal session key in %s", path)
    return key


# ---------------------------------------------------------------- helpers


async def blocking(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run database work or password hashing off the event loop."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(function, *args, **kwargs))


def csrf_token(session: Session) -> str:
    """The session's CSRF token, created on first use."""
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def current_user(request: web.Request) -> Account | None:
    return request.get("user")


def client_address(request: web.Request) -> str:
    """The client's address for login throttling: the peer, or the X-Real-IP that
    a proxy listed in PORTAL_TRUSTED_PROXIES (nginx in production) puts there."""
    peer = request.remote or ""
    trusted = os.environ.get("PORTAL_TRUSTED_PROXIES", "").replace(",", " ").split()
    forwarded = request.headers.get("X-Real-IP", "").strip()
    return forwarded[:64] if forwarded and peer in trusted else peer


def safe_next(target: str) -> str:
    """Only a path inside /admin may be a redirect target after login."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not parts.path.startswith("/admin") or target.startswith("//"):
        return "/admin"
    if parts.path == LOGIN_PATH:
        return "/admin"
    return target


async def log_in(request: web.Request, account: Account) -> None:
    """A fresh session for the user (never reuse the anonymous one: no fixation)."""
    session = await new_session(request)
    now = int(time.time())
    session.update({"uid": account.id, "epoch": account.session_epoch, "login": now, "seen": now})
    csrf_token(session)


def _wants_json(request: web.Request) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def route_role(request: web.Request) -> str | None:
    """The role a route needs ("redaktör" or "admin"), None for public routes."""
    route = request.match_info.route
    resource = getattr(route, "resource", None)
    if resource is None:
        return "redaktör"  # unknown /admin path: only for logged-in users (then 404)
    method = "GET" if request.method == "HEAD" else request.method
    return request.app[ROLES_KEY].get((method, resource.canonical), "redaktör")


# ---------------------------------------------------------------- middlewares


ForbiddenPage = Callable[[web.Request, str, str], Awaitable[web.StreamResponse]]


def make_admin_middleware(forbidden: ForbiddenPage) -> Callable:
    """Login, role and CSRF checks for every /admin request."""

    @web.middleware
    async def admin_guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not (request.path == "/admin" or request.path.startswith("/admin/")):
            return await handler(request)
        session = await get_session(request)
        role = route_role(request) if request.path not in PUBLIC_ADMIN_PATHS else None
        if role is not None:
            account = await _session_user(request, session)
            if account is None:
                if _wants_json(request):
                    return web.json_response({"error": "Inloggning krävs."}, status=401)
                target = request.path_qs if request.method == "GET" else "/admin"
                raise web.HTTPFound(f"{LOGIN_PATH}?next={quote(target, safe='/?=&')}")
            request["user"] = account
            if role == "admin" and not account.is_admin:
                return await forbidden(
                    request, "Sidan är bara för administratörer",
                    "Du är inloggad som redaktör. Be en administratör om hjälp om du behöver "
                    "göra det här.",
                )
        if request.method in UNSAFE_METHODS and not await _valid_csrf(request, session):
            return await forbidden(
                request, "Formuläret kunde inte skickas",
                "Formuläret saknade en giltig säkerhetskod, eller så har din inloggning gått ut. "
                "Gå tillbaka, ladda om sidan och försök igen. Inget har ändrats.",
            )
        return await handler(request)

    return admin_guard


async def _session_user(request: web.Request, session: Session) -> Account | None:
    uid = session.get("uid")
    if not uid:
        return None
    now = int(time.time())
    if now - int(session.get("seen", 0)) > IDLE_LIMIT or now - int(session.get("login", 0)) > SESSION_LIMIT:
        session.invalidate()
        return None
    users: UserStore = request.app[USERS_KEY]
    account = await blocking(users.get, int(uid))
    if account is None or not account.active or account.session_epoch != session.get("epoch"):
        session.invalidate()
        return None
    if now - int(session.get("seen", 0)) > 60:
        session["seen"] = now  # refreshed at most once a minute, to spare the cookie
    return account


async def _valid_csrf(request: web.Request, session: Session) -> bool:
    expected = session.get("csrf") or ""
    given = request.headers.get("X-CSRF-Token", "")
    if not given and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        value = form.get("csrf_token", "")
        given = value if isinstance(value, str) else ""
    return bool(expected) and bool(given) and hmac.compare_digest(given.encode(), expected.encode())


MAX_FORM_BYTES = 256 * 1024  # every form but the import: 50 examples and 5,000-character fields, percent-encoded
LARGE_UPLOADS = {"/admin/transfer/import"}  # up to the app's client_max_size (2 MB)
FORM_TOO_LARGE = (
    "Formuläret är för stort för att tas emot. Korta texterna och försök igen. Inget har ändrats."
)


@web.middleware
async def body_cap(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse a large body before anything parses it (the import has a larger cap)."""
    if request.method in UNSAFE_METHODS and request.path not in LARGE_UPLOADS:
        length = request.content_length
        if length is None and request.body_exists:
            return web.Response(status=411, text="Ange Content-Length.", content_type="text/plain")
        if length is not None and length > MAX_FORM_BYTES:
            return web.Response(status=413, text=FORM_TOO_LARGE, content_type="text/plain")
    return await handler(request)


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    # aiohttp would name itself and its version ("Python/3.10 aiohttp/3.9.5")
    response.headers["Server"] = "portal"
    if request.path == "/admin" or request.path.startswith("/admin/"):
        response.headers.update(ADMIN_HEADERS)


def setup(app: web.Application, users: UserStore, roles: Roles,
          forbidden: ForbiddenPage, key: str | None = None) -> None:
    """Sessions for the whole app; login, roles and CSRF for /admin."""
    storage = EncryptedCookieStorage(
        Fernet(key or secret_key()), cookie_name=COOKIE_NAME, path="/admin", httponly=True,
        samesite="Lax", secure=os.environ.get("PORTAL_SECURE_COOKIES") == "1",
    )
    setup_sessions(app, storage)
    app[USERS_KEY] = users
    app[ROLES_KEY] = roles
    app.middlewares.append(body_cap)
    app.middlewares.append(make_admin_middleware(forbidden))
    app.on_response_prepare.append(_security_headers)
