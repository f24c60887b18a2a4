"""`make eval`: the frozen evaluation against the real stack, over REST.

Starts its own stack on spare ports with a fresh, seeded store plus the
evaluation's staff Q&A entries, talks to it as the widget does, prints the
pass rate per group and writes results/eval.json.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import requests

from bot.content.editor import ContentEditor
from bot.content.repository import ContentRepository
from bot.content.store import migrate, seed_if_empty
from bot.content.types import QA
from bot.db.engine import session_factory
from bot.evaluation import cases
from bot.evaluation.judge import Judge, Reply
from bot.evaluation.scoring import as_json, run_all, scores, table
from bot.paths import MODEL_DIR, ROOT
from bot.stack.runner import Stack, free_ports, stack_services
from bot.stack.settings import StackSettings


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.evaluation", description=__doc__)
    parser.add_argument("--model", type=Path, default=MODEL_DIR / "bot.tar.gz")
    parser.add_argument("--language", choices=["sv", "en", "all"], default="sv")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "eval.json")
    parser.add_argument("--group", help="only this group")
    args = parser.parse_args(argv)
    languages = ["sv", "en"] if args.language == "all" else [args.language]
    talks = [t for lang in languages for t in cases.load(lang) if not args.group or t.group == args.group]

    with tempfile.TemporaryDirectory(prefix="eval-") as tmp:
        folder = Path(tmp)
        content = fixture_store(folder)
        rasa_port, action_port, portal_port = free_ports(3)
        settings = StackSettings(
            rasa_port=rasa_port, action_port=action_port, portal_port=portal_port,
            tracker_db=str(folder / "tracker.db"), lock_db=str(folder / "locks.db"),
            database_url=content, log_prefix="eval-", rasa_workers=1,
        )
        http = requests.Session()

        def send(sender: str, message: str, language: str | None = None) -> Reply:
            """A resident's message; `language`: as if chosen in the widget (for references)."""
            body = {"sender": sender, "message": message}
            if language:
                body["metadata"] = {"widget": {"lang": language}}
            reply = http.post(f"{settings.rasa_url}/webhooks/rest/webhook", json=body, timeout=60)
            reply.raise_for_status()
            return reply.json()

        def reference(language: str) -> Callable[[str], Reply]:
            """The bot's own reply to a payload, in the language of the cases judged."""
            return lambda payload: send(f"eval-ref-{language}-{abs(hash(payload))}", payload, language)

        repo = ContentRepository(session_factory(content))
        judges = {language: Judge(repo.in_language(language), reference(language)) for language in languages}
        for judge in judges.values():
            for entry in cases.qa_fixture():
                judge.add_qa(entry["key"], entry["answer"])
        with Stack(stack_services(settings, args.model), settings) as stack:
            # A loaded machine (training, browser tests) can take minutes to load the model.
            stack.start(say=lambda line: print(line, file=sys.stderr), timeout=900)
            results = run_all(send, judges, talks)

    group_scores = scores(results)
    print(table(group_scores))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(as_json(results), ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nDetails, with every failed turn: {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
