"""Public routes: the demo page, the widget's static files, the favicon and a health check."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from bot.dates import swedish_date
from bot.portal.keys import SETTINGS_KEY, site

STATIC_DIR = Path(__file__).resolve().parent / "static"


@aiohttp_jinja2.template("demo.html")
async def demo_page(request: web.Request) -> dict[str, Any]:
    """A page like the municipality's own, with its name and date from the store."""
    page = await site(request)
    return {"bot_url": request.app[SETTINGS_KEY].public_rasa_url, "municipality": page.municipality,
            "last_updated": page.last_updated, "swedish_date": swedish_date}


async def favicon(_request: web.Request) -> web.FileResponse:
    """Browsers ask every site for /favicon.ico, whatever the page links to."""
    return web.FileResponse(
        STATIC_DIR / "favicon.ico",
        headers={"Content-Type": "image/x-icon", "Cache-Control": "public, max-age=86400"},
    )


async def health(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def setup(app: web.Application) -> None:
    app.router.add_get("/", demo_page, name="demo")
    app.router.add_get("/healthz", health, name="health")
    app.router.add_get("/favicon.ico", favicon, name="favicon")
    app.router.add_static("/static/", STATIC_DIR, name="static")
