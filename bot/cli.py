"""Command line: `python -m bot <command>`.

setup                       build the spaCy pipeline, migrate and seed the content store
train [--data PATH …] [--force]
                            `rasa train` with progress (steps, DIET's epochs, elapsed
                            time); the details go to var/log/train.log (used by `make train`)
run                         start the local stack (used by `make run`)
portal                      serve the portal only (port 8080)
content migrate|seed        bring the content database up to date / seed it if empty
content import PATH         replace the store with a YAML bundle (file or directory)
content export [PATH]       write the store as one YAML bundle (stdout by default)
content check               list the items that have no English version yet
users create --role admin|redaktör USERNAME
                            add a portal user; asks for the password twice
                            (or reads one line from stdin when it is not a terminal)
users password USERNAME     give a user a new password
logs purge [--older-than 30d] [--dry-run]
                            delete conversations older than the period from the
                            tracker store (default: LOG_RETENTION_DAYS, else 30 days);
                            run it daily from cron or a systemd timer
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from bot.paths import SPACY_MODEL_DIR


def _setup(_args: argparse.Namespace) -> int:
    from bot.content.store import migrate, seed_if_empty
    from bot.stack.filemodes import report

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
    print(report())
    return 0


def _train(args: argparse.Namespace) -> int:
    from bot.rasa.training import train

    return train([*(["--data", *args.data] if args.data else []), *(["--force"] if args.force else [])])


def _run(_args: argparse.Namespace) -> int:
    from bot.stack.runner import run_stack

    return run_stack()


def _portal(_args: argparse.Namespace) -> int:
    from bot.portal.app import serve

    serve()
    return 0


def _check_english() -> int:
    """Print the items without an English version; 1 when there are any."""
    from bot.content.repository import ContentRepository
    from bot.content.translations import untranslated

    missing = untranslated(ContentRepository())
    for entry in missing:
        print(f"{entry.kind.label}: {entry.item.title} (saknar engelska: {', '.join(entry.labels)})")
    count = f"{len(missing)} item has" if len(missing) == 1 else f"{len(missing)} items have"
    print(f"{count} no English version yet" if missing else "every item has an English version")
    return 1 if missing else 0


def _content(args: argparse.Namespace) -> int:
    from bot.content.bundle import BundleError
    from bot.content.store import export_text, import_file, migrate, seed_if_empty

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
    elif args.action == "check":
        return _check_english()
    elif args.action == "export":
        text = export_text()
        if args.path:
            Path(args.path).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    return 0


def _read_password(prompt: str = "Lösenord: ") -> str:
    """Twice from the terminal (getpass), or one line from stdin for scripts."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass(prompt)
    if getpass.getpass("Samma lösenord igen: ") != first:
        raise ValueError("Lösenorden är inte likadana.")
    return first


def _users(args: argparse.Namespace) -> int:
    from bot.content.editor import ValidationFailed
    from bot.content.store import migrate
    from bot.portal.auth import UserStore

    migrate()
    store = UserStore()
    try:
        password = _read_password()
        if args.action == "create":
            account = store.create(args.username, password, args.role)
            print(f"Skapade {account.role} {account.username}. Logga in på /admin/login.")
        else:
            account = store.by_name(args.username)
            if account is None:
                print(f"fel: det finns ingen användare som heter {args.username}", file=sys.stderr)
                return 1
            store.set_password(account.id, password)
            print(f"Nytt lösenord för {account.username}; hens inloggningar är avslutade.")
    except ValueError as error:  # ValidationFailed is a ValueError too
        messages = error.errors.values() if isinstance(error, ValidationFailed) else [str(error)]
        for message in messages:
            print(f"fel: {message}", file=sys.stderr)
        return 1
    return 0


def _logs(args: argparse.Namespace) -> int:
    import getpass
    import time

    from bot.content.store import migrate
    from bot.conversations.errors import ReviewError
    from bot.conversations.retention import DAY, parse_period, retention_days
    from bot.conversations.service import ConversationService
    from bot.conversations.tracker import TrackerStore, tracker_url
    from bot.db.engine import session_factory
    from bot.stack.settings import StackSettings

    try:
        days = parse_period(args.older_than) if args.older_than else retention_days()
    except ReviewError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    settings = StackSettings()
    tracker = TrackerStore(tracker_url(settings.tracker_db))
    if args.dry_run:
        conversations, events = tracker.stale(time.time() - days * DAY)
        print(f"would delete {conversations} conversations ({events} events) older than {days:g} days "
              f"from {tracker.url}")
        return 0
    migrate(settings.database_url)  # the audit log lives in the content database
    service = ConversationService(tracker, session_factory(settings.database_url))
    result = service.purge(days, who=f"kommandoraden ({getpass.getuser()})")
    print(f"deleted {result.conversations} conversations and {result.events} events older than "
          f"{days:g} days ({result.trimmed} ongoing conversations lost earlier sessions)")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m bot", description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("setup", help="prepare the pipeline and the content store").set_defaults(func=_setup)
    training = commands.add_parser("train", help="train the Rasa model, showing progress")
    training.add_argument("--data", nargs="+", metavar="PATH", help="training data (rasa train --data)")
    training.add_argument("--force", action="store_true", help="train even if nothing changed")
    training.set_defaults(func=_train)
    commands.add_parser("run", help="start the local stack").set_defaults(func=_run)
    commands.add_parser("portal", help="serve the portal only").set_defaults(func=_portal)
    content = commands.add_parser("content", help="manage the content store")
    content.add_argument("action", choices=["migrate", "seed", "import", "export", "check"])
    content.add_argument("path", nargs="?")
    content.set_defaults(func=_content)
    users = commands.add_parser("users", help="manage the portal's users")
    users.add_argument("action", choices=["create", "password"])
    users.add_argument("username")
    users.add_argument("--role", choices=["admin", "redaktör"], default=None)
    users.set_defaults(func=_users)
    logs = commands.add_parser("logs", help="the conversation logs in the tracker store")
    logs.add_argument("action", choices=["purge"])
    logs.add_argument("--older-than", metavar="PERIOD", default=None,
                      help="30d, 4w or 36h (default: LOG_RETENTION_DAYS days, else 30)")
    logs.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    logs.set_defaults(func=_logs)
    return root


def main(argv: list[str] | None = None) -> int:
    from bot.stack.filemodes import private_umask

    private_umask()  # var/ holds password hashes and conversations: owner only
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = parser().parse_args(argv)
    if args.command == "content" and args.action == "import" and not args.path:
        parser().error("content import needs a PATH")
    if args.command == "users" and args.action == "create" and not args.role:
        parser().error("users create needs --role admin or --role redaktör")
    return args.func(args)
