"""`python -m bot.retraining train --user NAME [--wait]`: what the portal's
"Träna om" does, for operators. It trains on the content store's inbox
corrections (DATABASE_URL, else var/content.db) and the project's data; with
--wait it follows the progress until the model is ready, refused or failed.

--languages, --groups and --limit narrow the measurement (bot/retraining/report.py).
"""
from __future__ import annotations

import argparse
import sys
import time

from bot.db.engine import session_factory
from bot.paths import ROOT
from bot.retraining.history import ModelHistory, TrainingRunning
from bot.retraining.launcher import log_path, start_training
from bot.retraining.models import STAGES, STATUSES


def _follow(history: ModelHistory, version_id: int) -> int:
    shown = None
    while True:
        version = history.get(version_id)
        line = (version.status, version.stage, version.percent, version.detail)
        if line != shown:
            print(f"  {STAGES.get(version.stage, version.stage)} {version.percent:3d} %  {version.detail}", flush=True)
            shown = line
        if version.status != "training":
            break
        time.sleep(2)
    print(f"{STATUSES.get(version.status, version.status)} (model {version_id})")
    if version.error:
        print(version.error)
    for gate in version.gates or []:
        print(f"  {'✓' if gate['passed'] else '✗'} {gate['name']}: {gate['detail']}")
    seconds = (version.report or {}).get("seconds")
    if seconds:
        print(f"seconds: {seconds}")
    return 0 if version.status == "ready" else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.retraining", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="start a training in the background")
    train.add_argument("--user", required=True, help="who trains (kept in the history and the audit log)")
    train.add_argument("--wait", action="store_true", help="follow the progress until it ends")
    train.add_argument("--languages", nargs="+")
    train.add_argument("--groups", nargs="+")
    train.add_argument("--limit", type=int)
    args = parser.parse_args(argv)

    scope = [*(["--languages", *args.languages] if args.languages else []),
             *(["--groups", *args.groups] if args.groups else []),
             *(["--limit", str(args.limit)] if args.limit is not None else [])]
    sessions = session_factory()
    try:
        version_id = start_training(sessions, args.user, scope_args=scope)
    except TrainingRunning:
        print("A training is running already; wait for it to end.", file=sys.stderr)
        return 1
    print(f"training {version_id} started; its log: {log_path(version_id).relative_to(ROOT)}", flush=True)
    return _follow(ModelHistory(sessions), version_id) if args.wait else 0


if __name__ == "__main__":
    sys.exit(main())
