"""What every admin page shares: rendering with the layout's context, flash
messages, form values and Swedish dates."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session

from bot.content.types.declaration import Field
from bot.dates import from_utc, swedish_moment
from bot.portal.admin.content_pages import PAGES
from bot.portal.keys import site
from bot.portal.security import csrf_token, current_user

Route = tuple[str, str, Callable, str | None]  # method, path, handler, the role it needs (None: public)


def swedish_time(moment: dt.datetime | None) -> str:
    """'27 november 2026 kl. 14.05' in Swedish time, from a naive UTC stamp."""
    return swedish_moment(from_utc(moment)) if moment is not None else "–"


def form_value(field: Field, value: Any) -> str:
    """A stored value as the form field shows it."""
    if value is None:
        return ""
    if field.widget == "lines":
        return "\n".join(str(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def choice_label(field: Field, value: Any) -> Any:
    """The Swedish label of a stored choice ("twin_town" → "Vänort"); other values as they are."""
    return dict(field.choices).get(value, value) if field.choices else value


async def flash(request: web.Request, message: str) -> None:
    session = await get_session(request)
    session["flash"] = message


async def flash_warnings(request: web.Request, heading: str, lines: list[str]) -> None:
    """A list the next page shows as a warning under the flash message."""
    session = await get_session(request)
    session["flash_warnings"] = {"heading": heading, "lines": lines}


async def render(request: web.Request, template: str, context: Mapping[str, Any],
                 status: int = 200) -> web.Response:
    """A page in the admin layout: user, navigation, CSRF token and flash message."""
    session = await get_session(request)
    page: dict[str, Any] = {
        "municipality": (await site(request)).municipality,
        "user": current_user(request),
        "csrf_token": csrf_token(session),
        "flash": session.pop("flash", None),
        "flash_warnings": session.pop("flash_warnings", None),
        "kinds": list(PAGES.values()),
        "path": request.path,
        "swedish_time": swedish_time,
        "form_value": form_value,
        "choice_label": choice_label,
    }
    page.update(context)
    response = aiohttp_jinja2.render_template(template, request, page, status=status)
    return response


async def error_page(request: web.Request, title: str, message: str, status: int = 403) -> web.Response:
    return await render(request, "admin/error.html", {"title": title, "message": message}, status)


async def forbidden(request: web.Request, title: str, message: str) -> web.Response:
    return await error_page(request, title, message, 403)


async def form_data(request: web.Request) -> dict[str, str]:
    """The posted form's text fields (files are left out)."""
    form = await request.post()
    return {key: value for key, value in form.items() if isinstance(value, str)}
