"""bot/portal/security_headers.py on a small aiohttp app (the portal wires it in create_app)."""
from __future__ import annotations

from aiohttp import web

from bot.portal.security_headers import setup


async def page(_request):
    return web.Response(text="<p>hej</p>", content_type="text/html")


async def admin(_request):
    return web.Response(text="admin", headers={"Content-Security-Policy": "default-src 'none'"})


def make_app(tmp_path):
    (tmp_path / "widget.js").write_text("//", encoding="utf-8")
    app = web.Application()
    setup(app, "https://chatt.vanersborg.se/webhooks")
    app.router.add_get("/", page)
    app.router.add_get("/admin", admin)
    app.router.add_static("/static/", tmp_path)
    return app


async def test_every_response_gets_the_headers(aiohttp_client, tmp_path):
    client = await aiohttp_client(make_app(tmp_path))
    for path, status in (("/", 200), ("/static/widget.js", 200), ("/missing", 404)):
        response = await client.get(path)
        assert response.status == status
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self';" in csp and "unsafe-inline" not in csp
        assert "connect-src 'self' https://chatt.vanersborg.se;" in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_a_handlers_own_policy_is_kept(aiohttp_client, tmp_path):
    client = await aiohttp_client(make_app(tmp_path))
    response = await client.get("/admin")
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
