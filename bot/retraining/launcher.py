"""Starting a training from the portal (or the command line) without waiting for it.

`start_training` takes the row (one training at a time: TrainingRunning), stages
the data the row's fingerprint names, and starts `python -m bot.retraining.job`
as a detached process of its own session, its output in
var/log/training-<id>.log. It returns at once; it does blocking file and
database work, so the portal calls it through its `blocking()` helper.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from bot.paths import ROOT, VAR_DIR
from bot.retraining.history import ModelHistory
from bot.retraining.snapshot import inbox_training_data
from bot.retraining.staging import Sources, stage, work_dir

LOG_DIR = VAR_DIR / "log"
QUIET = {"TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "RASA_TELEMETRY_ENABLED": "false"}


def log_path(version_id: int) -> Path:
    return LOG_DIR / f"training-{version_id}.log"


def _database_url(sessions: sessionmaker) -> str:
    return sessions.kw["bind"].url.render_as_string(hide_password=False)


def start_training(sessions: sessionmaker, who: str, sources: Sources | None = None,
                   scope_args: list[str] | None = None) -> int:
    """A new training of the inbox's corrections and the project's data; its row's id.
    TrainingRunning when one runs. `scope_args` narrow the measurement (tests):
    the job's --languages/--groups/--limit."""
    sources = sources or Sources.project()
    history = ModelHistory(sessions)
    data = inbox_training_data(sessions, sources)
    version_id = history.start(who, data.fingerprint)
    try:
        folder = stage(sources, data.by_language(), data.record(), work_dir() / str(version_id))
        _spawn(version_id, folder, sessions, history, scope_args or [])
    except Exception as error:
        history.fail(version_id, f"Träningen kunde inte startas ({type(error).__name__}: {error}). "
                                 "Den aktiva modellen är orörd.")
        raise
    return version_id


def _spawn(version_id: int, folder: Path, sessions: sessionmaker, history: ModelHistory, scope_args: list[str]) -> None:
    env = dict(os.environ, **QUIET, DATABASE_URL=_database_url(sessions), MODEL_STORE_DIR=str(history.folder))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    with open(log_path(version_id), "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.retraining.job", str(version_id), "--folder", str(folder), *scope_args],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    # Reap the child when it ends, so a long-lived portal collects no zombies.
    threading.Thread(target=process.wait, daemon=True).start()
