"""Fixtures and helpers for the admin portal's tests (imported explicitly by
tests/portal/test_admin_*.py; tests/portal/conftest.py belongs to the widget tests).

The portal runs in-process on the aiohttp test client, on the per-test seeded
content store (`content_url`), with two users: "anna" (redaktör) and "root"
(admin). Argon2 runs with small cost parameters to keep the tests quick;
it is the same algorithm and code path as in production.
"""
from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from argon2 import PasswordHasher
from cryptography.fernet import Fernet

from bot.content.editor import ContentEditor
from bot.db.engine import session_factory
from bot.portal.app import create_app
from bot.portal.auth import UserStore
from bot.stack.settings import StackSettings

EDITOR = ("anna", "redaktörens lösenord 1")
ADMIN = ("root", "administratörens lösenord 1")
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


@pytest.fixture
def users(content_url) -> UserStore:
    store = UserStore(session_factory(content_url), FAST_HASHER)
    store.create(*EDITOR, role="redaktör")
    store.create(*ADMIN, role="admin")
    return store


@pytest.fixture
def editor(content_url) -> ContentEditor:
    return ContentEditor(session_factory(content_url))


@pytest.fixture
def portal(content_url, users):
    settings = StackSettings(database_url=content_url)
    return create_app(settings, secret_key=Fernet.generate_key().decode(), user_store=users)


@pytest.fixture
async def client(aiohttp_client, portal) -> TestClient:
    return await aiohttp_client(portal)


@pytest.fixture
async def client2(aiohttp_client, portal) -> TestClient:
    """A second browser on the same portal (its own cookies)."""
    return await aiohttp_client(portal)


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def hidden_fields(html: str) -> dict[str, str]:
    return {name: unescape(value) for name, value in _HIDDEN.findall(html)}


async def fetch(client: TestClient, path: str, status: int = 200) -> str:
    response = await client.get(path, allow_redirects=False)
    text = await response.text()
    assert response.status == status, f"GET {path}: {response.status}\n{text[:2000]}"
    return text


async def login(client: TestClient, who=EDITOR, expect: int = 303) -> Any:
    html = await fetch(client, "/admin/login")
    response = await client.post(
        "/admin/login",
        data={"csrf_token": csrf_of(html), "username": who[0], "password": who[1], "next": "/admin"},
        allow_redirects=False,
    )
    assert response.status == expect, await response.text()
    return response


async def post_form(client: TestClient, path: str, data: dict[str, Any], *, token_from: str | None = None,
                    status: int | None = None) -> Any:
    """POST a form with the CSRF token of the page at `token_from` (default: `path`)."""
    html = await fetch(client, token_from or path)
    response = await client.post(path, data={"csrf_token": csrf_of(html), **data}, allow_redirects=False)
    if status is not None:
        assert response.status == status, f"POST {path}: {response.status}\n{(await response.text())[:3000]}"
    return response
