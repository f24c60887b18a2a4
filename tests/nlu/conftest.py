"""The trained model, loaded once, for NLU evaluation."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MODEL


class Parser:
    """Parses messages with the trained model in this process."""

    def __init__(self) -> None:
        from rasa.core.agent import Agent

        if not MODEL.exists():
            pytest.fail(f"no trained model at {MODEL}; run the tests through `make test`")
        self.loop = asyncio.new_event_loop()
        self.agent = Agent.load(str(MODEL))

    def parse(self, text: str) -> dict[str, Any]:
        return self.loop.run_until_complete(self.agent.parse_message(text))


@pytest.fixture(scope="session")
def parser() -> Parser:
    return Parser()


@pytest.fixture(scope="session")
def generated_nlu(tmp_path_factory) -> Path:
    """var/nlu/ as `make` built it, or built now into a temporary folder."""
    from bot.nlp.build import OUTPUT_DIR, STAMP, build

    if (OUTPUT_DIR / STAMP).exists():
        return OUTPUT_DIR
    folder = tmp_path_factory.mktemp("nlu")
    build(output=folder)
    return folder
