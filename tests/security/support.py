"""Helpers for the security tests: a real portal on a free loopback port, HTTP
clients bound to a chosen loopback source address, raw requests whose body
the server may refuse before reading it, and the tracker database's size."""
from __future__ import annotations

import http.client
import re
import sqlite3
from collections.abc import Iterator
from html import unescape
from urllib.parse import urlsplit

import pytest
import requests
from argon2 import PasswordHasher
from cryptography.fernet import Fernet

from bot.db.engine import session_factory
from bot.portal.app import create_app
from bot.portal.auth import UserStore
from bot.portal.throttle import LoginThrottle
from bot.stack.settings import StackSettings
from tests.portal.review_fixtures import ThreadedPortal
from tests.prod.support import client as bound_client

ADMIN = ("root", "administratörens lösenord 1")
EDITOR = ("anna", "redaktörens lösenord 1")
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_LOGIN_ERROR = re.compile(r'<p id="login-error">(.*?)</p>', re.S)


def portal_with(content_url: str, hasher: PasswordHasher | None = None,
                throttle: LoginThrottle | None = None) -> Iterator[ThreadedPortal]:
    """The real portal app served on a free port, with an admin and a redaktör."""
    users = UserStore(session_factory(content_url), hasher, throttle)
    users.create(*ADMIN, role="admin")
    users.create(*EDITOR, role="redaktör")
    app = create_app(StackSettings(database_url=content_url), secret_key=Fernet.generate_key().decode(),
                     user_store=users)
    with ThreadedPortal(app) as portal:
        yield portal


def csrf(html: str) -> str:
    match = _CSRF.search(html)
    assert match, html[:500]
    return match.group(1)


def log_in(session: requests.Session, base: str, who: tuple[str, str]) -> requests.Response:
    """POST the login form as a browser does (with the page's CSRF token); no redirects followed."""
    token = csrf(session.get(f"{base}/admin/login", timeout=30).text)
    return session.post(f"{base}/admin/login", timeout=60, allow_redirects=False, data={
        "csrf_token": token, "username": who[0], "password": who[1], "next": "/admin"})


def login_error(html: str) -> str:
    match = _LOGIN_ERROR.search(html)
    return unescape(match.group(1)).strip() if match else ""


def from_address(address: str) -> requests.Session:
    """A client whose requests leave from `address` (any 127.x.y.z works on Linux)."""
    return bound_client(address)


def raw_post(url: str, body: bytes, content_type: str = "application/json",
             declared_length: int | None = None, timeout: float = 20) -> tuple[int, str]:
    """POST with http.client, sending at most 64 KB of the body before reading the
    answer: a server that refuses by the declared length answers at once."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.putrequest("POST", parts.path)
        connection.putheader("Content-Type", content_type)
        connection.putheader("Content-Length", str(declared_length if declared_length is not None else len(body)))
        connection.endheaders()
        try:
            connection.send(body[:65536])
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = connection.getresponse()
        return answer.status, answer.read().decode("utf-8", "replace")
    finally:
        connection.close()


def tracker_size(path: str) -> tuple[int, int]:
    """(events, bytes of event data) in Rasa's SQLite tracker store."""
    with sqlite3.connect(path) as db:
        try:
            return db.execute("SELECT COUNT(*), COALESCE(SUM(LENGTH(data)), 0) FROM events").fetchone()
        except sqlite3.OperationalError:  # no table before the first message
            return 0, 0


def events_of(path: str, sender: str) -> list[str]:
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute(
            "SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,))]


@pytest.fixture
def portal(content_url) -> Iterator[ThreadedPortal]:
    """With argon2's production parameters: login timings are the real ones. The
    throttle's clock stands still, so a delay it imposes cannot run out while a
    slow machine is still checking the next password."""
    yield from portal_with(content_url, throttle=LoginThrottle(clock=lambda: 0.0))
