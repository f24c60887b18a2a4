"""The aiohttp application behind port 8080."""
from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.portal import public
from bot.settings import StackSettings

PORTAL_DIR = Path(__file__).resolve().parent


def create_app(settings: StackSettings | None = None) -> web.Application:
    settings = settings or StackSettings()
    app = web.Application(client_max_size=2 * 1024 * 1024)
    app["settings"] = settings
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(PORTAL_DIR / "templates"),
        autoescape=jinja2.select_autoescape(default=True),
    )
    public.setup(app)
    return app


def serve(settings: StackSettings | None = None) -> None:
    settings = settings or StackSettings()
    web.run_app(create_app(settings), host=settings.host, port=settings.portal_port,
                access_log=None, print=None)
