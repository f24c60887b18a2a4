"""`python -m bot train`: `rasa train` with a sign of life.

`rasa train --quiet` prints nothing for about two minutes. This runs
`rasa train` (without --quiet) as a child process, writes everything it says to
var/log/train.log, and shows only progress: which component is training and,
for DIET, "epoch 12/40", read from Rasa's own progress bar (tqdm on stderr),
with the elapsed time. On a terminal that is one line with a spinner, redrawn
every second; elsewhere (CI, a log) a line per step and every ten epochs.
It writes the seconds taken to results/train_seconds.txt and, when training
fails, says so with the end of the log.

`python -m bot.rasa.training [rasa train options]` is the child: Rasa's own CLI
with the known library warnings silenced (bot/rasa/library_warnings.py).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from bot.paths import ROOT, VAR_DIR
from bot.rasa.library_warnings import silence, without_known

LOG_PATH = VAR_DIR / "log" / "train.log"
SECONDS_PATH = ROOT / "results" / "train_seconds.txt"
DEFAULT_ARGS = ["--fixed-model-name", "bot", "--out", "models"]
EPOCH_STEP = 10  # without a terminal: a line every this many epochs…
QUIET_LIMIT = 30  # …and at least one every this many seconds
TAIL = 20

_COMPONENT = re.compile(r"Starting to train component '(?P<name>\w+)'")
_EPOCHS = re.compile(r"Epochs:\s+\d+%\|[^|]*\|\s*(?P<done>\d+)/(?P<total>\d+)")
_UNCHANGED = "Nothing changed. You can use the old model"
_SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


def elapsed_text(seconds: float) -> str:
    """'45 s', '2 min 05 s'."""
    seconds = int(seconds)
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


@dataclass
class Progress:
    """What Rasa has said so far, as far as a person waiting cares."""
    component: str = ""
    epoch: int = 0
    epochs: int = 0
    unchanged: bool = False

    def read(self, line: str) -> bool:
        """Take one line (or progress-bar update) of Rasa's output; True if the step changed."""
        if match := _COMPONENT.search(line):
            self.component, self.epoch, self.epochs = match.group("name"), 0, 0
            return True
        if match := _EPOCHS.search(line):
            done, total = int(match.group("done")), int(match.group("total"))
            changed = done != self.epoch
            self.epoch, self.epochs = done, total
            return changed
        if _UNCHANGED in line:
            self.unchanged = True
        return False

    def describe(self) -> str:
        if not self.component:
            return "reading the training data"
        if self.epochs:
            return f"{self.component}, epoch {self.epoch}/{self.epochs}"
        return self.component


class Display:
    """The progress on the terminal: one redrawn line on a TTY, a line per step elsewhere."""

    def __init__(self, out: IO[str], tty: bool) -> None:
        self.out, self.tty = out, tty
        self.started = time.monotonic()
        self.progress = Progress()
        self._said_at = self.started
        self._lock = threading.Lock()
        self._ticks = 0

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def update(self, line: str) -> None:
        with self._lock:
            if not self.progress.read(line) or self.tty:
                return
            p = self.progress
            if p.epochs and p.epoch not in (1, p.epochs) and p.epoch % EPOCH_STEP:
                return
            self._say(f"  … {p.describe()} ({elapsed_text(self.elapsed())})\n")

    def tick(self) -> None:
        """Once a second: on a terminal the spinner and the elapsed time; elsewhere a
        line when nothing was said for QUIET_LIMIT seconds."""
        with self._lock:
            if not self.tty:
                if time.monotonic() - self._said_at >= QUIET_LIMIT:
                    self._say(f"  … still training: {self.progress.describe()} ({elapsed_text(self.elapsed())})\n")
                return
            self._ticks += 1
            spinner = _SPINNER[self._ticks % len(_SPINNER)]
            self._say(f"\r\x1b[K{spinner} training: {self.progress.describe()} · {elapsed_text(self.elapsed())}")

    def close(self) -> None:
        with self._lock:
            if self.tty:
                self._say("\r\x1b[K")

    def _say(self, text: str) -> None:
        self._said_at = time.monotonic()
        self.out.write(text)
        self.out.flush()


class Listener(Protocol):
    def update(self, line: str) -> None: ...


def pump(stream: IO[bytes], log: IO[bytes], display: Listener) -> None:
    """Copy the child's output to the log; feed every line and progress-bar update to
    the display (this terminal's, or the portal training's progress: bot/retraining/job.py)."""
    pending = b""
    while chunk := stream.read1(4096):
        log.write(chunk)
        log.flush()
        pending += chunk
        *parts, pending = re.split(rb"[\r\n]", pending)
        for part in parts:
            display.update(part.decode("utf-8", "replace"))
    if pending:
        display.update(pending.decode("utf-8", "replace"))


def child_command(rasa_args: list[str]) -> list[str]:
    return [sys.executable, "-m", "bot.rasa.training", "train", *DEFAULT_ARGS, *rasa_args]


def train(rasa_args: list[str], command: list[str] | None = None, out: IO[str] | None = None,
          tty: bool | None = None, log_path: Path = LOG_PATH, seconds_path: Path = SECONDS_PATH) -> int:
    """Run the training with progress on `out`; Rasa's exit code (0: a model was written or was current)."""
    out = out or sys.stdout
    tty = out.isatty() if tty is None else tty
    command = command or child_command(rasa_args)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    print("… training the Rasa model (data or config changed); the details go to "
          f"{_shown(log_path)}", file=out, flush=True)
    display = Display(out, tty)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        reader = threading.Thread(target=pump, args=(process.stdout, log, display), daemon=True)
        reader.start()
        try:
            while reader.is_alive():
                display.tick()
                reader.join(1)
            code = process.wait()
        except KeyboardInterrupt:
            process.terminate()
            process.wait()
            display.close()
            print("\nTraining stopped; the old model (if any) is unchanged.", file=out, flush=True)
            return 130
    display.close()
    seconds = display.elapsed()
    if code != 0:
        tail = without_known(log_path.read_text(encoding="utf-8", errors="replace").splitlines())[-TAIL:]
        print(f"✗ training failed: rasa train exited with code {code} after {elapsed_text(seconds)}.\n"
              f"  The last lines of {_shown(log_path)}:", file=out)
        print("\n".join(f"    {line}" for line in tail), file=out, flush=True)
        return code
    seconds_path.parent.mkdir(parents=True, exist_ok=True)
    seconds_path.write_text(f"{round(seconds)}\n", encoding="utf-8")
    if display.progress.unchanged:
        print(f"✓ the model is up to date: Rasa found nothing changed ({elapsed_text(seconds)})", file=out)
    else:
        print(f"✓ model trained in {round(seconds)} s", file=out, flush=True)
    return 0


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def main() -> None:
    """The child: Rasa's CLI (`rasa train …`) without the known library warnings."""
    silence()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
