"""`python -m bot.retraining.job <version id> --folder PATH`: one training, in its
own process (bot/retraining/launcher.py starts it, detached, at low priority).

Stages, each written to the model_version row as it goes (ModelHistory.progress),
with a heartbeat at least every HEARTBEAT seconds so the portal can tell a dead
job from a slow one:

1. data_check (0–5 %): the staged folder checked as `rasa data validate` does;
   any problem stops the job, the problems one per line in the row's error;
2. training (5–60 %): `rasa train` on the staged folder, read through
   bot/rasa/training.py's progress parser ("DIETClassifier, epok 12/40");
3. evaluation (60–100 %): the new model measured (bot/retraining/report.py), and
   the live model too when it has no measurements of the same scope, so the
   comparison is fair; then the gates (bot/retraining/gate.py) decide ready or refused.

Anything that goes wrong, and the time limit (TRAINING_TIME_LIMIT minutes,
default 60), ends the row as failed with the reason in Swedish; the live model
is never touched. Afterwards only the newest MODEL_STORE_KEEP (default 5)
model files are kept, and the live one.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections import deque
from pathlib import Path
from typing import Any

import yaml

from bot.db.engine import session_factory
from bot.nlp.build import build
from bot.paths import ROOT
from bot.rasa.library_warnings import without_known
from bot.rasa.training import Progress, pump
from bot.retraining.gate import compare
from bot.retraining.history import ModelHistory
from bot.retraining.launcher import log_path
from bot.retraining.report import FULL, Report, Scope, measure
from bot.retraining.staging import DATA, MODEL_NAME, staged_record, work_dir
from bot.retraining.validation import check

HEARTBEAT = 15  # seconds; ModelHistory.STALE_AFTER is 3 minutes
NICENESS = 10
DEFAULT_TIME_LIMIT = 60.0  # minutes
DEFAULT_KEEP = 5
MAX_PROBLEMS = 50
UNTOUCHED = "Den aktiva modellen är orörd."
GENERATED = Path("var") / "nlu"  # bot.nlp.build's output, under the staged data
# overall percent at the start and end of each stage
SPANS = {"data_check": (0, 5), "training": (5, 60), "evaluation": (60, 100)}
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")  # Rasa colours its errors on the terminal and in logs


class JobFailed(Exception):
    """The training cannot go on; the message says why, in Swedish."""


class TimeLimitReached(BaseException):
    """Raised by the alarm in the main thread, wherever it is (BaseException: no
    library's `except Exception` swallows it)."""


def time_limit() -> float:
    """Minutes (TRAINING_TIME_LIMIT); fractions allowed."""
    try:
        return max(0.01, float(os.environ.get("TRAINING_TIME_LIMIT") or DEFAULT_TIME_LIMIT))
    except ValueError:
        return DEFAULT_TIME_LIMIT


def keep() -> int:
    try:
        return max(1, int(os.environ.get("MODEL_STORE_KEEP") or DEFAULT_KEEP))
    except ValueError:
        return DEFAULT_KEEP


def minutes_text(minutes: float) -> str:
    return f"{minutes:g}".replace(".", ",") + (" minut" if minutes == 1 else " minuter")


class Reporter:
    """The row's progress: written when the stage changes, else at most once a
    second, and at least every HEARTBEAT seconds (the heartbeat)."""

    def __init__(self, history: ModelHistory, version_id: int) -> None:
        self.history, self.version_id = history, version_id
        self.state = ("data_check", 0, "")
        self._dirty = False
        self._written_at = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def set(self, stage: str, share: float, detail: str) -> None:
        """`share` (0–1) of `stage` is done."""
        start, end = SPANS[stage]
        percent = round(start + (end - start) * min(1.0, max(0.0, share)))
        with self._lock:
            old_stage, old_percent, _ = self.state
            percent = max(percent, old_percent) if stage == old_stage else percent
            self.state, self._dirty = (stage, percent, detail), True
            due = stage != old_stage or time.monotonic() - self._written_at >= 1
        if due:
            self.write()

    def write(self, pid: int | None = None) -> None:
        with self._lock:
            stage, percent, detail = self.state
            self._dirty, self._written_at = False, time.monotonic()
        self.history.progress(self.version_id, stage, percent, detail, pid=pid)

    def _tick(self) -> None:
        while not self._stop.wait(1):
            with self._lock:
                due = self._dirty or time.monotonic() - self._written_at >= HEARTBEAT
            if due:
                self.write()

    def start(self) -> None:
        self.write(pid=os.getpid())
        threading.Thread(target=self._tick, daemon=True).start()

    def stop(self) -> None:
        self._stop.set()


class TrainingProgress:
    """Rasa's output → the training stage's share and a Swedish line."""

    def __init__(self, reporter: Reporter, components: list[str]) -> None:
        self.reporter, self.components = reporter, components
        self.progress = Progress()
        self.tail: deque[str] = deque(maxlen=60)

    def update(self, line: str) -> None:
        if line.strip():
            self.tail.append(line)
        if self.progress.read(line):
            self.reporter.set("training", self.share(), self.detail())

    def share(self) -> float:
        """Components before DIET take a fifth, DIET's epochs most, the rest (policies) the last tenth."""
        p, order = self.progress, self.components
        if p.component == "DIETClassifier":
            return 0.2 + 0.7 * (p.epoch / p.epochs if p.epochs else 0.0)
        if p.component not in order:
            return 0.0
        position, diet = order.index(p.component), order.index("DIETClassifier") if "DIETClassifier" in order else 0
        if position < diet:
            return 0.2 * position / diet
        return 0.9 + 0.1 * (position - diet) / max(1, len(order) - diet)

    def detail(self) -> str:
        p = self.progress
        if not p.component:
            return "Läser träningsdatan"
        return f"{p.component}, epok {p.epoch}/{p.epochs}" if p.epochs else f"Tränar {p.component}"

    def error_line(self) -> str:
        """The line of Rasa's output that best says what went wrong."""
        lines = [_COLOUR.sub("", line) for line in without_known(list(self.tail))]
        errors = [line for line in lines if re.search(r"\w(Error|Exception)\b", line)]
        return (errors or lines or ["(ingen utskrift)"])[-1].strip()[:300]


def components(folder: Path) -> list[str]:
    config = yaml.safe_load((folder / "config.yml").read_text(encoding="utf-8")) or {}
    return [str(item.get("name", "")).rsplit(".", 1)[-1]
            for section in ("pipeline", "policies") for item in config.get(section) or [] if isinstance(item, dict)]


def train(folder: Path, reporter: Reporter) -> Path:
    """`rasa train` on the staged folder, in a child process of its own group."""
    command = [sys.executable, "-m", "bot.rasa.training", "train", "--config", str(folder / "config.yml"),
               "--domain", str(folder / "domain.yml"), "--data", str(folder / DATA),
               "--out", str(folder / "models"), "--fixed-model-name", MODEL_NAME]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    watcher = TrainingProgress(reporter, components(folder))
    reporter.set("training", 0.0, watcher.detail())
    sys.stdout.flush()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        reader = threading.Thread(target=pump, args=(process.stdout, sys.stdout.buffer, watcher), daemon=True)
        reader.start()
        while reader.is_alive():
            reader.join(1)
        code = process.wait()
    finally:
        if process.poll() is None:  # the time limit, or the job itself was stopped
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    if code != 0:
        raise JobFailed(f"Träningen misslyckades: Rasa avslutade med felkod {code}. "
                        f"Rasas sista besked: {watcher.error_line()} {UNTOUCHED}")
    model = folder / "models" / f"{MODEL_NAME}.tar.gz"
    if not model.is_file():
        raise JobFailed(f"Träningen blev klar men Rasa skrev ingen modell. {UNTOUCHED}")
    return model


def refresh_generated(folder: Path, reporter: Reporter) -> None:
    """The staged copy of var/nlu made anew from the content store, as `make train` makes
    it: a partner staff added in the portal since is learnt by this model too."""
    generated = folder / DATA / GENERATED
    if not generated.is_dir():
        return  # a project without generated data (the tests' small one)
    reporter.set("data_check", 0.05, "Läser samarbetsparterna ur innehållet")
    shutil.rmtree(generated)
    build(output=generated, language_names=folder / "language_names.txt")


def data_check(folder: Path, reporter: Reporter) -> None:
    refresh_generated(folder, reporter)
    reporter.set("data_check", 0.1, "Kontrollerar träningsdatan")
    problems = check(folder)
    if problems:
        lines = [str(problem) for problem in problems[:MAX_PROBLEMS]]
        if len(problems) > MAX_PROBLEMS:
            lines.append(f"… och {len(problems) - MAX_PROBLEMS} problem till.")
        count = "ett problem" if len(problems) == 1 else f"{len(problems)} problem"
        raise JobFailed("\n".join([f"Träningsdatan har {count}. Rätta det och starta träningen igen. {UNTOUCHED}",
                                   *lines]))
    reporter.set("data_check", 1.0, "Träningsdatan är i ordning")


def _needs_measuring(report: Report | None, scope: Scope) -> bool:
    return not report or "evaluation" not in report or report.get("scope") != scope.as_json()


def evaluate(history: ModelHistory, model: Path, scope: Scope, reporter: Reporter) -> tuple[Report, Report | None]:
    """The new model's report, and the live one's (measured now if it has none for this scope)."""
    live = history.live()
    live_file = history.live_file()
    measure_live = live is not None and live_file is not None and live_file[0].is_file() \
        and _needs_measuring(live.report, scope)
    split = 0.5 if measure_live else 1.0

    def new_progress(share: float, detail: str) -> None:
        reporter.set("evaluation", share * split, f"Den nya modellen: {detail}")

    report = measure(model, scope, new_progress)
    live_report = live.report if live else None
    if measure_live:
        def live_progress(share: float, detail: str) -> None:
            reporter.set("evaluation", split + share * (1 - split), f"Den aktiva modellen: {detail}")

        live_report = {**(live.report or {}), **measure(live_file[0], scope, live_progress)}
        history.set_report(live.id, live_report)
    return report, live_report


def run(history: ModelHistory, version_id: int, folder: Path, scope: Scope, reporter: Reporter) -> None:
    timings: dict[str, int] = {}
    started = time.monotonic()
    data_check(folder, reporter)
    timings["data_check"] = round(time.monotonic() - started)
    started = time.monotonic()
    model = train(folder, reporter)
    timings["training"] = round(time.monotonic() - started)
    started = time.monotonic()
    report, live_report = evaluate(history, model, scope, reporter)
    timings["evaluation"] = round(time.monotonic() - started)
    signal.setitimer(signal.ITIMER_REAL, 0)  # measured in time: what is left cannot hang
    report["data"] = staged_record(folder)
    report["seconds"] = timings
    gates = [gate.as_json() for gate in compare(live_report, report).gates]
    version = history.finish(version_id, model, report, gates)
    print(f"model {version_id}: {version.status}; {timings}", flush=True)
    print(f"pruned model files: {history.prune(keep())}", flush=True)


def _alarm(_signum: int, _frame: Any) -> None:
    raise TimeLimitReached


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.retraining.job", description=__doc__)
    parser.add_argument("version_id", type=int)
    parser.add_argument("--folder", type=Path, help="the staged training folder (default var/training/<id>)")
    parser.add_argument("--languages", nargs="+", default=list(FULL.languages))
    parser.add_argument("--groups", nargs="*", default=[])
    parser.add_argument("--limit", type=int)
    args = parser.parse_args(argv)
    folder = args.folder or work_dir() / str(args.version_id)
    scope = Scope(tuple(args.languages), tuple(args.groups), args.limit)
    os.nice(NICENESS)
    history = ModelHistory(session_factory())
    row = history.get(args.version_id)
    if row is None or row.status != "training":
        print(f"model {args.version_id} is not training; nothing to do", file=sys.stderr)
        return 1
    limit = time_limit()
    reporter = Reporter(history, args.version_id)
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit * 60)
    try:
        reporter.start()
        run(history, args.version_id, folder, scope, reporter)
        return 0
    except JobFailed as error:
        reason = str(error)
    except TimeLimitReached:
        reason = (f"Träningen avbröts: den tog längre än tidsgränsen på {minutes_text(limit)} "
                  f"(TRAINING_TIME_LIMIT). {UNTOUCHED}")
    except Exception as error:  # noqa: BLE001 - whatever it was, the row must say the training stopped
        traceback.print_exc()
        reason = (f"Träningen stoppades av ett oväntat fel ({type(error).__name__}). {UNTOUCHED} "
                  f"Detaljerna finns i {log_path(args.version_id).relative_to(ROOT)}.")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        reporter.stop()
        shutil.rmtree(folder, ignore_errors=True)
    print(reason, file=sys.stderr, flush=True)
    history.fail(args.version_id, reason)
    return 1


if __name__ == "__main__":
    sys.exit(main())
