"""The aiohttp application behind port 8080: the residents' widget and demo
page (public.py) and the staff and admin pages under /admin (admin/)."""
from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.content.editor import ContentEditor
from bot.content.repository import ContentRepository
from bot.db.engine import session_factory
from bot.portal import admin, public, security_headers
from bot.portal.auth import UserStore
from bot.portal.keys import CONTENT_KEY, SETTINGS_KEY
from bot.retraining import serving
from bot.stack.settings import StackSettings

PORTAL_DIR = Path(__file__).resolve().parent


def create_app(settings: StackSettings | None = None, *, secret_key: str | None = None,
               user_store: UserStore | None = None) -> web.Application:
    """The portal; `secret_key` (a Fernet key) overrides PORTAL_SECRET_KEY and
    var/portal_secret.key, and `user_store` the default argon2 parameters (tests)."""
    settings = settings or StackSettings()
    sessions = session_factory(settings.database_url)
    app = web.Application(client_max_size=2 * 1024 * 1024)
    app[SETTINGS_KEY] = settings
    app[CONTENT_KEY] = ContentRepository(sessions)
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(PORTAL_DIR / "templates"),
        autoescape=jinja2.select_autoescape(default=True),
    )
    security_headers.setup(app, settings.public_rasa_url)
    public.setup(app)
    serving.setup(app, sessions, settings)
    admin.setup(app, ContentEditor(sessions), user_store or UserStore(sessions), secret_key)
    return app


def serve(settings: StackSettings | None = None) -> None:
    settings = settings or StackSettings()
    web.run_app(create_app(settings), host=settings.host, port=settings.portal_port,
                access_log=None, print=None)
