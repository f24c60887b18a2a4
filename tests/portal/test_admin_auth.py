"""Login, logout, lock-out, roles on every route, CSRF and security headers."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from bot.portal.admin import ROUTES
from bot.portal.auth import MAX_FAILURES, AccountLocked, lock_time
from bot.portal.security import COOKIE_NAME, CSP
from tests.portal.admin_fixtures import (  # noqa: F401  (pytest fixtures)
    ADMIN, EDITOR, client, client2, csrf_of, editor, fetch, login, portal, users,
)


def concrete(path: str) -> str:
    """A real URL for a route pattern: the first kind, id 1, history entry 1."""
    path = re.sub(r"\{kind:[^}]*\}", "partners", path)
    return re.sub(r"\{(id|entry):[^}]*\}", "1", path)


PROTECTED = [(m, p, role) for m, p, _h, role in ROUTES if role is not None]
ADMIN_ONLY = [(m, p) for m, p, role in PROTECTED if role == "admin"]
EDITOR_ROUTES = [(m, p) for m, p, role in PROTECTED if role == "redaktör"]


# ---------------------------------------------------------------- login and logout


async def test_login_page_is_swedish_and_carries_a_csrf_token(client):
    html = await fetch(client, "/admin/login")
    assert '<html lang="sv">' in html and "<h1>Logga in</h1>" in html
    assert csrf_of(html)
    assert '<label for="f-username">Användarnamn</label>' in html


async def test_login_and_logout(client):
    response = await login(client)
    assert response.headers["Location"] == "/admin"
    cookie = response.cookies[COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/admin"
    html = await fetch(client, "/admin")
    assert "Inloggad som <strong>anna</strong> (Redaktör)" in html

    response = await client.post("/admin/logout", data={"csrf_token": csrf_of(html)}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/admin/login?utloggad=1"
    assert "Du är utloggad." in await fetch(client, "/admin/login?utloggad=1")
    assert (await client.get("/admin", allow_redirects=False)).status == 302


async def test_logout_makes_a_copied_session_cookie_worthless(client, client2):
    await login(client)
    stolen = client.session.cookie_jar.filter_cookies(client.make_url("/admin"))[COOKIE_NAME].value
    html = await fetch(client, "/admin")
    await client.post("/admin/logout", data={"csrf_token": csrf_of(html)})
    client2.session.cookie_jar.update_cookies({COOKIE_NAME: stolen}, client2.make_url("/admin"))
    response = await client2.get("/admin", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"].startswith("/admin/login")


async def test_a_wrong_password_is_refused_with_a_swedish_message(client):
    html = await fetch(client, "/admin/login")
    response = await client.post("/admin/login", data={
        "csrf_token": csrf_of(html), "username": "anna", "password": "fel lösenord här",
    }, allow_redirects=False)
    assert response.status == 401
    text = await response.text()
    assert "Fel användarnamn eller lösenord." in text
    assert 'aria-describedby="login-error"' in text
    assert (await client.get("/admin", allow_redirects=False)).status == 302


async def test_an_unknown_user_gets_the_same_message(client):
    html = await fetch(client, "/admin/login")
    response = await client.post("/admin/login", data={
        "csrf_token": csrf_of(html), "username": "ingen", "password": "vad som helst",
    })
    assert response.status == 401 and "Fel användarnamn eller lösenord." in await response.text()


async def test_login_returns_to_the_page_asked_for_but_never_elsewhere(client):
    response = await client.get("/admin/content/partners?q=her", allow_redirects=False)
    assert response.headers["Location"] == "/admin/login?next=/admin/content/partners?q=her"
    html = await fetch(client, "/admin/login?next=https://evil.example/")
    assert 'name="next" value="/admin"' in html
    html = await fetch(client, "/admin/login?next=/admin/content/partners")
    response = await client.post("/admin/login", data={
        "csrf_token": csrf_of(html), "username": EDITOR[0], "password": EDITOR[1],
        "next": "/admin/content/partners",
    }, allow_redirects=False)
    assert response.headers["Location"] == "/admin/content/partners"


# ---------------------------------------------------------------- lock-out


async def test_five_failed_logins_lock_the_account_even_for_the_right_password(client):
    for attempt in range(1, MAX_FAILURES + 1):
        html = await fetch(client, "/admin/login")
        response = await client.post("/admin/login", data={
            "csrf_token": csrf_of(html), "username": "anna", "password": f"fel {attempt}",
        })
        text = await response.text()
        assert response.status == 401
        if attempt < MAX_FAILURES:
            assert "Fel användarnamn eller lösenord." in text
    assert "För många misslyckade inloggningar. Kontot är låst till" in text
    response = await login(client, EDITOR, expect=401)
    assert "För många misslyckade inloggningar" in await response.text()


def test_the_lock_grows_with_every_further_failure_and_a_new_password_opens_it(users):
    start = dt.datetime(2026, 1, 1, 12, 0)
    for _ in range(MAX_FAILURES):
        with pytest.raises(Exception):
            users.authenticate("anna", "fel", now=start)
    assert lock_time(MAX_FAILURES) == dt.timedelta(minutes=1)
    assert lock_time(MAX_FAILURES + 3) == dt.timedelta(minutes=8)
    assert lock_time(50) == dt.timedelta(hours=1)
    later = start + dt.timedelta(minutes=2)  # the first lock is over
    with pytest.raises(AccountLocked) as locked:
        users.authenticate("anna", "fel igen", now=later)  # sixth failure: two minutes
    assert locked.value.until == later + dt.timedelta(minutes=2)
    with pytest.raises(AccountLocked):
        users.authenticate(*EDITOR, now=later + dt.timedelta(minutes=1))
    assert users.authenticate(*EDITOR, now=later + dt.timedelta(minutes=3)).username == "anna"
    assert users.by_name("anna").failed_logins == 0


# ---------------------------------------------------------------- roles on every route


@pytest.mark.parametrize("method, path, _role", PROTECTED, ids=[f"{m} {p}" for m, p, _r in PROTECTED])
async def test_every_protected_route_sends_strangers_to_the_login_page(client, method, path, _role):
    response = await client.request(method, concrete(path), allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"].startswith("/admin/login")


@pytest.mark.parametrize("method, path, _role", PROTECTED, ids=[f"{m} {p}" for m, p, _r in PROTECTED])
async def test_every_protected_route_answers_api_clients_with_401(client, method, path, _role):
    response = await client.request(method, concrete(path), headers={"Accept": "application/json"},
                                    allow_redirects=False)
    assert response.status == 401
    assert (await response.json()) == {"error": "Inloggning krävs."}


@pytest.mark.parametrize("method, path", ADMIN_ONLY, ids=[f"{m} {p}" for m, p in ADMIN_ONLY])
async def test_admin_routes_give_a_redaktor_403_in_swedish(client, method, path):
    await login(client, EDITOR)
    html = await fetch(client, "/admin")
    response = await client.request(method, concrete(path), data={"csrf_token": csrf_of(html)},
                                    allow_redirects=False)
    assert response.status == 403
    text = await response.text()
    assert "Sidan är bara för administratörer" in text and '<html lang="sv">' in text


@pytest.mark.parametrize("method, path", ADMIN_ONLY, ids=[f"{m} {p}" for m, p in ADMIN_ONLY])
async def test_admin_routes_are_open_to_an_admin(client, method, path):
    await login(client, ADMIN)
    html = await fetch(client, "/admin")
    response = await client.request(method, concrete(path), data={"csrf_token": csrf_of(html)},
                                    allow_redirects=False)
    assert response.status not in (302, 401, 403), (response.status, await response.text())


@pytest.mark.parametrize("method, path", EDITOR_ROUTES, ids=[f"{m} {p}" for m, p in EDITOR_ROUTES])
async def test_editor_routes_are_open_to_a_redaktor(client, method, path):
    await login(client, EDITOR)
    html = await fetch(client, "/admin")
    data = {"csrf_token": csrf_of(html), "version": "1"}
    if path.endswith("/logout"):
        data = {"csrf_token": csrf_of(html)}
    response = await client.request(method, concrete(path), data=data, allow_redirects=False)
    assert response.status not in (302, 401, 403), (response.status, await response.text())


async def test_a_demoted_admin_loses_admin_pages_at_once(client, client2, users):
    await login(client, ADMIN)
    assert (await client.get("/admin/users")).status == 200
    root = users.by_name("root")
    users.create("eva", "ett annat långt lösenord", "admin")
    users.update(root.id, "redaktör", True, users.by_name("eva"))
    response = await client.get("/admin/users", allow_redirects=False)
    assert response.status == 302  # the role change ended the session


async def test_a_deactivated_user_cannot_log_in(client, users):
    anna = users.by_name("anna")
    users.update(anna.id, "redaktör", False, users.by_name("root"))
    response = await login(client, EDITOR, expect=401)
    assert "Fel användarnamn eller lösenord." in await response.text()


# ---------------------------------------------------------------- CSRF


@pytest.mark.parametrize("token", [None, "", "fel-token"], ids=["missing", "empty", "wrong"])
async def test_a_post_without_a_valid_csrf_token_is_refused(client, editor, token):
    await login(client, EDITOR)
    partner = editor.list(editor_kind("partners"))[0]
    data = dict(_partner_form(partner), version=str(partner.version))
    if token is not None:
        data["csrf_token"] = token
    response = await client.post(f"/admin/content/partners/{partner.id}", data=data, allow_redirects=False)
    assert response.status == 403
    assert "Formuläret kunde inte skickas" in await response.text()
    assert editor.get(editor_kind("partners"), partner.id).version == partner.version  # nothing saved


async def test_the_token_of_another_session_is_refused(client, client2, editor):
    await login(client, EDITOR)
    other_token = csrf_of(await fetch(client2, "/admin/login"))
    partner = editor.list(editor_kind("partners"))[0]
    response = await client.post(f"/admin/content/partners/{partner.id}", data=dict(
        _partner_form(partner), version=str(partner.version), csrf_token=other_token), allow_redirects=False)
    assert response.status == 403


async def test_login_itself_needs_the_token(client):
    response = await client.post("/admin/login", data={"username": EDITOR[0], "password": EDITOR[1]})
    assert response.status == 403
    assert (await client.get("/admin", allow_redirects=False)).status == 302


# ---------------------------------------------------------------- headers


async def test_public_pages_send_security_headers_too(client):
    for path, status in (("/", 200), ("/static/widget.js", 200), ("/no-such-page", 404)):
        response = await client.get(path)
        assert response.status == status
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "http://localhost" in policy  # the widget may post to the Rasa server
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"


async def test_admin_pages_send_a_strict_content_security_policy(client):
    response = await client.get("/admin/login")
    assert response.headers["Content-Security-Policy"] == CSP
    assert "script-src 'self'" in CSP and "style-src 'self'" in CSP
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
    html = await response.text()
    assert "<script" not in html and "style=" not in html and "<style" not in html


async def test_the_public_portal_is_unchanged(client):
    assert (await client.get("/healthz")).status == 200
    assert (await client.get("/", allow_redirects=False)).status == 200


# ---------------------------------------------------------------- helpers


def editor_kind(slug):
    from bot.content.editor import KINDS

    return KINDS[slug]


def _partner_form(partner):
    values = dict(partner.values)
    values["aliases"] = "\n".join(values["aliases"])
    return values
