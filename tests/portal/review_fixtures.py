"""Fixtures and helpers for the review pages' tests (imported explicitly by
tests/portal/test_review_*.py; kept apart from admin_fixtures.py so that the
two features' tests can change independently; the users and their
credentials are admin_fixtures.py's).

The portal runs in this process, served from a thread of its own on a free
port, so the tests are plain synchronous code (they run fine after a
Playwright browser test, whose sync API keeps an event loop running in the
main thread). It has two users, "anna" (redaktör) and "root" (admin), the
per-test content store, and a copy of the known tracker store from
tests/conversations (written by Rasa's SQLTrackerStore). The learning-inbox
export goes to a temporary folder, never to data/.
"""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from aiohttp import web
from cryptography.fernet import Fernet

from bot.portal.admin import review
from bot.portal.app import create_app
from bot.stack.runner import free_ports
from bot.stack.settings import StackSettings
from tests.conversations.conftest import project_nlu_untouched, tracker_db, tracker_template  # noqa: F401
from tests.portal.admin_fixtures import _CSRF, ADMIN, EDITOR, FAST_HASHER, users  # noqa: F401


def review_app(content_url, tracker_path, user_store, nlu_path) -> web.Application:
    settings = StackSettings(database_url=content_url, tracker_db=str(tracker_path))
    app = create_app(settings, secret_key=Fernet.generate_key().decode(), user_store=user_store)
    app[review.NLU_PATH_KEY] = str(nlu_path)
    return app


class ThreadedPortal:
    """An aiohttp app served from a background thread's event loop."""

    def __init__(self, app: web.Application) -> None:
        self.app = app
        self.port = free_ports(1)[0]
        self.base = f"http://127.0.0.1:{self.port}"
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.runner = web.AppRunner(app, access_log=None)

    def __enter__(self) -> "ThreadedPortal":
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(30)
        return self

    async def _start(self) -> None:
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    def __exit__(self, *exc_info) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


class Http:
    """A browser without JavaScript: cookies, no automatic redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()

    def request(self, method: str, path: str, data: dict[str, Any] | None = None,
                headers: dict[str, str] | None = None) -> requests.Response:
        return self.session.request(method, self.base + path, data=data, headers=headers,
                                    allow_redirects=False, timeout=30)

    def get(self, path: str) -> requests.Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict[str, Any]) -> requests.Response:
        return self.request("POST", path, data)

    def fetch(self, path: str, status: int = 200) -> str:
        response = self.get(path)
        assert response.status_code == status, f"GET {path}: {response.status_code}\n{response.text[:2000]}"
        return response.text

    def login(self, who=ADMIN) -> None:
        html = self.fetch("/admin/login")
        response = self.post("/admin/login", {"csrf_token": csrf_of(html), "username": who[0],
                                              "password": who[1], "next": "/admin"})
        assert response.status_code == 303, response.text[:2000]


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


@pytest.fixture
def review_portal(content_url, tracker_db, users, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.delenv("TRACKER_DB_URL", raising=False)
    return review_app(content_url, tracker_db, users, tmp_path / "nlu" / "reviewed.yml")


@pytest.fixture
def portal_url(review_portal) -> Iterator[str]:
    with ThreadedPortal(review_portal) as served:
        yield served.base


@pytest.fixture
def client(portal_url) -> Http:
    return Http(portal_url)
