"""Shared fixtures: a seeded content store per test, the live system per session."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from actions.base import use_repository
from bot.content.repository import ContentRepository
from bot.content.store import migrate, seed_if_empty
from bot.db.engine import session_factory
from bot.paths import MODEL_DIR
from bot.stack.runner import Stack, free_ports, stack_services
from bot.stack.settings import StackSettings

MODEL = MODEL_DIR / "bot.tar.gz"


@pytest.fixture
def content_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'content.db'}"
    migrate(url)
    seed_if_empty(url)
    return url


@pytest.fixture
def sessions(content_url: str):
    return session_factory(content_url)


@pytest.fixture
def repo(sessions) -> Iterator[ContentRepository]:
    """The seeded store, also used by the actions for the test's duration."""
    repository = ContentRepository(sessions)
    use_repository(repository)
    yield repository
    use_repository(None)


class LiveStack:
    """The real servers (Rasa, actions, portal) on test ports, with their own databases."""

    def __init__(self, stack: Stack, settings: StackSettings) -> None:
        self.stack = stack
        self.settings = settings

    def chat(self, sender: str, text: str, timeout: float = 30,
             metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Send one message over the REST channel (with the widget's metadata, if
        given); the bot's replies."""
        body: dict[str, Any] = {"sender": sender, "message": text}
        if metadata is not None:
            body["metadata"] = metadata
        reply = requests.post(f"{self.settings.rasa_url}/webhooks/rest/webhook", json=body, timeout=timeout)
        reply.raise_for_status()
        return reply.json()

    def text(self, sender: str, message: str) -> str:
        return "\n".join(m["text"] for m in self.chat(sender, message) if m.get("text"))


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory) -> Iterator[LiveStack]:
    """Starts the whole system once per test session (about a minute)."""
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}; run the tests through `make test`")
    folder = tmp_path_factory.mktemp("stack")
    content = f"sqlite:///{folder / 'content.db'}"
    migrate(content)
    seed_if_empty(content)
    rasa_port, action_port, portal_port = free_ports(3)
    settings = StackSettings(
        rasa_port=rasa_port, action_port=action_port, portal_port=portal_port,
        tracker_db=str(folder / "tracker.db"), lock_db=str(folder / "locks.db"), rasa_workers=2,
        database_url=content, log_prefix="test-",
    )
    with Stack(stack_services(settings, MODEL), settings) as stack:
        # Generous: two Rasa workers loading a model on two busy cores can take minutes.
        stack.start(say=lambda _message: None, timeout=900)
        yield LiveStack(stack, settings)
