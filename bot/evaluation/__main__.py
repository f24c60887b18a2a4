"""`make eval`: the frozen evaluation against the real stack, over REST.

Starts its own stack on spare ports with a fresh, seeded store plus the
evaluation's staff Q&A entries (bot/evaluation/stack.py), talks to it as the
widget does, prints the pass rate per group and writes results/eval.json.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.evaluation import cases
from bot.evaluation.scoring import as_json, run_all, scores, table
from bot.evaluation.stack import evaluation_bot
from bot.paths import MODEL_DIR, ROOT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.evaluation", description=__doc__)
    parser.add_argument("--model", type=Path, default=MODEL_DIR / "bot.tar.gz")
    parser.add_argument("--language", choices=["sv", "en", "all"], default="sv")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "eval.json")
    parser.add_argument("--group", help="only this group")
    args = parser.parse_args(argv)
    languages = ["sv", "en"] if args.language == "all" else [args.language]
    talks = [t for lang in languages for t in cases.load(lang) if not args.group or t.group == args.group]

    with evaluation_bot(args.model, say=lambda line: print(line, file=sys.stderr)) as bot:
        results = run_all(bot.send, bot.judges(languages), talks)

    group_scores = scores(results)
    print(table(group_scores))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(as_json(results), ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nDetails, with every failed turn: {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
