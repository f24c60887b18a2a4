"""Shared fixtures: a freshly migrated and seeded content store per test."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from actions.base import use_repository
from bot.content.db import session_factory
from bot.content.repository import ContentRepository
from bot.content.store import migrate, seed_if_empty


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
