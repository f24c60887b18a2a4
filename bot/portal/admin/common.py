"""What every admin page shares: rendering with the layout's context, flash
messages, form values and Swedish dates."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Mapping, Optional
from zoneinfo import ZoneInfo

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session

from bot.content.editor import KINDS, Field
from bot.content.records import SWEDISH_MONTHS
from bot.portal.security import csrf_token, current_user

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SITE_NAME = "Redaktörsportalen – Vänersborgs kommuns chattbot"


def swedish_time(moment: Optional[dt.datetime]) -> str:
    """'27 november 2026 kl. 14.05' in Swedish time, from a naive UTC stamp."""
    if moment is None:
        return "–"
    local = moment.replace(tzinfo=dt.timezone.utc).astimezone(STOCKHOLM)
    return f"{local.day} {SWEDISH_MONTHS[local.month - 1]} {local.year} kl. {local:%H.%M}"


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
    page: Dict[str, Any] = {
        "site_name": SITE_NAME,
        "user": current_user(request),
        "csrf_token": csrf_token(session),
        "flash": session.pop("flash", None),
        "flash_warnings": session.pop("flash_warnings", None),
        "kinds": list(KINDS.values()),
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


async def form_data(request: web.Request) -> Dict[str, str]:
    """The posted form's text fields (files are left out)."""
    form = await request.post()
    return {key: value for key, value in form.items() if isinstance(value, str)}
