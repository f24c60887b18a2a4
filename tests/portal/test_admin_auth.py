"""Login, logout, throttling, roles on every route, CSRF and security headers."""
from __future__ import annotations

import re

import pytest

from bot.db.engine import session_factory
from bot.portal.admin import ROUTES
from bot.portal.auth import LoginRefused, UserStore
from bot.portal.security import COOKIE_NAME, CSP
from bot.portal.throttle import FREE_PAIR_FAILURES, LONGEST_DELAY, LoginThrottle, delay_after
from tests.portal.admin_fixtures import (  # noqa: F401  (pytest fixtures)
    ADMIN, EDITOR, FAST_HASHER, client, client2, csrf_of, editor, fetch, login, portal, users,
)


def concrete(path: str) -> str:
    """A real URL for a route pattern: the first kind, id 1, history entry 1."""
    path = re.sub(r"\{kind:[^}]*\}", "partners", path)
    return re.sub(r"\{(id|entry):[^}]*\}", "1", path)


async def request_as(client, user: tuple[str, str], method: str, path: str, data: dict[str, str] | None = None):
    """The route, as a logged-in `user` would call it: with the session's CSRF token."""
    await login(client, user)
    token = csrf_of(await fetch(client, "/admin"))
    return await client.request(method, concrete(path), data={"csrf_token": token, **(data or {})},
                                allow_redirects=False)


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


# ---------------------------------------------------------------- throttling instead of lock-out


async def test_many_failed_logins_never_lock_the_account(client):
    for attempt in range(1, 8):
        html = await fetch(client, "/admin/login")
        response = await client.post("/admin/login", data={
            "csrf_token": csrf_of(html), "username": "anna", "password": f"fel {attempt}",
        })
        assert response.status == 401
        assert "Fel användarnamn eller lösenord." in await response.text()
    assert "låst" not in (await response.text()).lower()


@pytest.fixture
def clock() -> list:
    return [1000.0]


@pytest.fixture
def timed_users(content_url, clock) -> UserStore:
    """A user store whose throttle reads a clock the test moves."""
    store = UserStore(session_factory(content_url), FAST_HASHER, LoginThrottle(clock=lambda: clock[0]))
    store.create(*EDITOR, role="redaktör")
    return store


def test_failures_from_one_address_do_not_stop_the_user_at_another(timed_users):
    for attempt in range(30):
        with pytest.raises(LoginRefused):
            timed_users.authenticate("anna", f"fel {attempt}", address="127.0.0.2")
    assert timed_users.authenticate(*EDITOR, address="127.0.0.1").username == "anna"
    with pytest.raises(LoginRefused):  # the flooding address itself waits
        timed_users.authenticate(*EDITOR, address="127.0.0.2")


def test_delays_grow_with_each_failure_and_pass(timed_users, clock):
    store = timed_users
    assert [delay_after(n, FREE_PAIR_FAILURES) for n in range(1, 7)] == [0, 0, 1, 2, 4, 8]
    assert delay_after(40, FREE_PAIR_FAILURES) == LONGEST_DELAY
    for _ in range(FREE_PAIR_FAILURES):
        with pytest.raises(LoginRefused):
            store.authenticate("anna", "fel", address="10.0.0.9")
    assert store.throttle.wait("10.0.0.9", "anna") == 1.0
    with pytest.raises(LoginRefused):  # too early: refused unchecked, not counted
        store.authenticate("anna", "fel", address="10.0.0.9")
    clock[0] += 1.0
    with pytest.raises(LoginRefused):
        store.authenticate("anna", "fel", address="10.0.0.9")
    assert store.throttle.wait("10.0.0.9", "anna") == 2.0
    with pytest.raises(LoginRefused) as refused:  # the right password, too early: refused unchecked
        store.authenticate(*EDITOR, address="10.0.0.9")
    assert str(refused.value) == "Fel användarnamn eller lösenord."
    clock[0] += 2.0
    assert store.authenticate(*EDITOR, address="10.0.0.9").username == "anna"
    assert store.throttle.wait("10.0.0.9", "anna") == 0.0  # a success clears the pair


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
    response = await request_as(client, EDITOR, method, path)
    assert response.status == 403
    text = await response.text()
    assert "Sidan är bara för administratörer" in text and '<html lang="sv">' in text


@pytest.mark.parametrize("method, path", ADMIN_ONLY, ids=[f"{m} {p}" for m, p in ADMIN_ONLY])
async def test_admin_routes_are_open_to_an_admin(client, method, path):
    response = await request_as(client, ADMIN, method, path)
    assert response.status not in (302, 401, 403), (response.status, await response.text())


@pytest.mark.parametrize("method, path", EDITOR_ROUTES, ids=[f"{m} {p}" for m, p in EDITOR_ROUTES])
async def test_editor_routes_are_open_to_a_redaktor(client, method, path):
    response = await request_as(client, EDITOR, method, path, {} if path.endswith("/logout") else {"version": "1"})
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
    from bot.portal.admin.content_pages import PAGES

    return PAGES[slug].type


def _partner_form(partner):
    values = dict(partner.values)
    values["aliases"] = "\n".join(values["aliases"])
    return values
