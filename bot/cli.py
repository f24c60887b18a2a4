"""Command line: `python -m bot <command>`.

setup                       build the spaCy pipeline, migrate and seed the content store
run                         start the local stack (used by `make run`)
portal                      serve the portal only (port 8080)
content migrate|seed        bring the content database up to date / seed it if empty
content import PATH         replace the store with a YAML bundle (file or directory)
content export [PATH]       write the store as one YAML bundle (stdout by default)
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import List, Optional

from bot.paths import SPACY_MODEL_DIR


def _setup(_args: argparse.Namespace) -> int:
    from bot.content.store import migrate, seed_if_empty

    if not (SPACY_MODEL_DIR / "meta.json").exists():
        from bot.nlp.pipeline import save_pipeline

        print("… building the Swedish spaCy pipeline", flush=True)
        save_pipeline()
    print("… migrating the content database", flush=True)
    migrate()
    if seed_if_empty():
        print("✓ content store seeded from data/content/")
    else:
        print("✓ content store is up to date")
    return 0


def _run(_args: argparse.Namespace) -> int:
    from bot.runner import run_stack

    return run_stack()


def _portal(_args: argparse.Namespace) -> int:
    from bot.portal.app import serve

    serve()
    return 0


def _content(args: argparse.Namespace) -> int:
    from bot.content.bundle import BundleError, dump_bundle, export_content
    from bot.content.db import session_factory
    from bot.content.store import import_file, migrate, seed_if_empty

    if args.action == "migrate":
        migrate()
    elif args.action == "seed":
        print("seeded" if seed_if_empty() else "already has content; nothing done")
    elif args.action == "import":
        try:
            import_file(Path(args.path))
        except BundleError as error:
            print("error: the import was rejected; the database is unchanged.", file=sys.stderr)
            for problem in error.problems:
                print(f"  {problem}", file=sys.stderr)
            return 1
        print(f"imported {args.path}")
    elif args.action == "export":
        with session_factory()() as session:
            text = dump_bundle(export_content(session))
        if args.path:
            Path(args.path).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m bot", description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("setup", help="prepare the pipeline and the content store").set_defaults(func=_setup)
    commands.add_parser("run", help="start the local stack").set_defaults(func=_run)
    commands.add_parser("portal", help="serve the portal only").set_defaults(func=_portal)
    content = commands.add_parser("content", help="manage the content store")
    content.add_argument("action", choices=["migrate", "seed", "import", "export"])
    content.add_argument("path", nargs="?")
    content.set_defaults(func=_content)
    return root


def main(argv: Optional[List[str]] = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = parser().parse_args(argv)
    if args.command == "content" and args.action == "import" and not args.path:
        parser().error("content import needs a PATH")
    return args.func(args)
