"""The bot as the frozen evaluation talks to it: its own stack on spare ports,
with a fresh seeded store that also holds the evaluation's staff Q&A entries,
reached over the REST channel the widget uses.

`make eval` and the retraining's measurement (bot/retraining/report.py) both
start it, so a model is judged against the same bot wherever it is judged.
"""
from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from bot.content.editor import ContentEditor
from bot.content.repository import ContentRepository
from bot.content.store import migrate, seed_if_empty
from bot.content.types import QA
from bot.db.engine import session_factory
from bot.evaluation import cases
from bot.evaluation.judge import Judge, Reply
from bot.stack.runner import Service, Stack, free_ports, stack_services
from bot.stack.settings import StackSettings

# A loaded machine (training, browser tests) can take minutes to load the model.
START_TIMEOUT = 900


def fixture_store(folder: Path) -> str:
    """A seeded content store that also holds the evaluation's staff Q&A entries."""
    url = f"sqlite:///{folder / 'content.db'}"
    migrate(url)
    seed_if_empty(url)
    editor = ContentEditor(session_factory(url))
    for entry in cases.qa_fixture():
        editor.create(QA, {"title": entry["question"], "answer": entry["answer"],
                           "examples": "\n".join(entry["examples"])}, "evaluation")
    return url


class EvaluationBot:
    """One running bot: messages over REST, judges against its store, and (with
    Rasa's HTTP API on) the model's reading of a text."""

    def __init__(self, settings: StackSettings) -> None:
        self.settings = settings
        self.http = requests.Session()

    def send(self, sender: str, message: str, language: str | None = None) -> Reply:
        """A resident's message; `language`: as if chosen in the widget (for references)."""
        body: dict[str, Any] = {"sender": sender, "message": message}
        if language:
            body["metadata"] = {"widget": {"lang": language}}
        reply = self.http.post(f"{self.settings.rasa_url}/webhooks/rest/webhook", json=body, timeout=60)
        reply.raise_for_status()
        return reply.json()

    def text(self, sender: str, message: str) -> str:
        """The bot's reply as one text, the way a resident reads it."""
        return "\n".join(m["text"] for m in self.send(sender, message) if m.get("text"))

    def parse(self, text: str) -> dict[str, Any]:
        """The model's intent and entities for `text` (POST /model/parse)."""
        reply = self.http.post(f"{self.settings.rasa_url}/model/parse", json={"text": text}, timeout=60)
        reply.raise_for_status()
        return reply.json()

    def _reference(self, language: str) -> Callable[[str], Reply]:
        """The bot's own reply to a payload, in the language of the cases judged."""
        return lambda payload: self.send(f"eval-ref-{language}-{abs(hash(payload))}", payload, language)

    def judges(self, languages: list[str]) -> dict[str, Judge]:
        """A judge per language, reading the bot's store in that language."""
        repo = ContentRepository(session_factory(self.settings.database_url))
        judges = {language: Judge(repo.in_language(language), self._reference(language)) for language in languages}
        for judge in judges.values():
            for entry in cases.qa_fixture():
                judge.add_qa(entry["key"], entry["answer"])
        return judges


def _with_api(services: list[Service]) -> list[Service]:
    """Rasa's HTTP API on, for /model/parse; the stack listens on localhost only."""
    return [dataclasses.replace(s, argv=[*s.argv, "--enable-api"]) if s.name == "rasa" else s for s in services]


@contextmanager
def evaluation_bot(model: Path, say: Callable[[str], None] = print, log_prefix: str = "eval-",
                   api: bool = False) -> Iterator[EvaluationBot]:
    """A bot serving `model` until the block ends; every file it writes goes with it."""
    with tempfile.TemporaryDirectory(prefix="eval-") as tmp:
        folder = Path(tmp)
        content = fixture_store(folder)
        rasa_port, action_port, portal_port = free_ports(3)
        settings = StackSettings(
            rasa_port=rasa_port, action_port=action_port, portal_port=portal_port,
            tracker_db=str(folder / "tracker.db"), lock_db=str(folder / "locks.db"),
            database_url=content, log_prefix=log_prefix, rasa_workers=1,
        )
        services = stack_services(settings, model)
        with Stack(_with_api(services) if api else services, settings) as stack:
            stack.start(say=say, timeout=START_TIMEOUT)
            yield EvaluationBot(settings)
