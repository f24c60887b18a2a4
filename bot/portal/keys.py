"""What the portal's handlers share, under typed aiohttp keys.

Set once in `create_app` (bot/portal/app.py), read through the request's app,
so that two portals in one process (the tests) never share a service.
"""
from __future__ import annotations

from aiohttp import web

from bot.content.records import Site
from bot.content.repository import ContentRepository
from bot.portal.security import blocking
from bot.stack.settings import StackSettings

SETTINGS_KEY = web.AppKey("settings", StackSettings)
CONTENT_KEY = web.AppKey("content", ContentRepository)  # what the pages show of the store


async def site(request: web.Request) -> Site:
    """The municipality and the source page as the store has them (staff can change both)."""
    return await blocking(request.app[CONTENT_KEY].site)
