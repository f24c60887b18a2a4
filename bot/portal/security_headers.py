"""Security headers for every portal response, as an aiohttp middleware.

nginx adds the same headers in the production profile (deploy/nginx.conf.j2);
this middleware makes the portal safe on its own too (`make run`, or behind
another proxy). Headers a handler has set already (the staff pages' stricter
policy, bot/portal/security.py) are kept.

    from bot.portal.security_headers import setup as security_headers
    security_headers(app, settings.public_rasa_url)      # in create_app()

The Content-Security-Policy allows scripts and styles from the portal itself
only (no inline code), connections to the portal and to the Rasa URL the widget
posts to, and no framing.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def origin_of(url: str) -> str:
    """'https://chatt.example:8443/x?y' → 'https://chatt.example:8443' ('' for no URL)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def content_security_policy(*connect_to: str) -> str:
    connect = " ".join(dict.fromkeys(["'self'", *(o for o in map(origin_of, connect_to) if o)]))
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src {connect}; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'; object-src 'none'"
    )


def security_headers(*connect_to: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(*connect_to),
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "X-Content-Type-Options": "nosniff",
    }


def middleware(*connect_to: str):
    headers = security_headers(*connect_to)

    def add(response: web.StreamResponse) -> None:
        for name, value in headers.items():
            response.headers.setdefault(name, value)

    @web.middleware
    async def with_security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as error:  # 404, redirects …: headers too
            add(error)
            raise
        add(response)
        return response

    return with_security_headers


def setup(app: web.Application, *connect_to: str) -> None:
    """Add the middleware; `connect_to`: URLs the pages may call (the Rasa URL)."""
    app.middlewares.append(middleware(*connect_to))
