"""Issue 14, item 8: var/ (password hashes, conversations, logs) is 700 and its
files 600, whatever the umask, and the start-up says so."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from bot.paths import ROOT, VAR_DIR


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_secure_tree_closes_what_a_loose_umask_left_open(tmp_path):
    from bot.stack.filemodes import report

    old = os.umask(0o022)
    try:
        var = tmp_path / "var"
        (var / "log").mkdir(parents=True)
        (var / "content.db").write_text("hashes")
        (var / "log" / "rasa.log").write_text("log")
    finally:
        os.umask(old)
    assert mode(var) == 0o755 and mode(var / "content.db") == 0o644
    said = report(var)
    assert said.startswith(f"✓ {var} is private") and "tightened 4" in said
    assert {mode(p) for p in (var, var / "log")} == {0o700}
    assert {mode(p) for p in (var / "content.db", var / "log" / "rasa.log")} == {0o600}
    assert "tightened" not in report(var)


def test_setup_makes_var_private_whatever_the_umask_and_says_so():
    """`make setup` runs `python -m bot setup` (here with umask 022, as a login shell has)."""
    done = subprocess.run([sys.executable, "-m", "bot", "setup"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, preexec_fn=lambda: os.umask(0o022),
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"✓ {VAR_DIR} is private: folders 700, files 600" in done.stdout
    assert mode(VAR_DIR) == 0o700
    for path in VAR_DIR.rglob("*"):
        if path.is_file() and not path.is_symlink():
            assert mode(path) == 0o600, path


def _umask_of(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Umask:"):
            return int(line.split()[1], 8)
    raise AssertionError("no Umask line")


def test_every_process_of_the_stack_creates_private_files(live_stack):
    for name, process in live_stack.stack.processes.items():
        assert _umask_of(process.pid) == 0o077, name
        assert mode(live_stack.stack.log_path(next(s for s in live_stack.stack.services if s.name == name))) == 0o600
    live_stack.text("sec-modes-0001", "Hej")  # the tracker database exists after a message
    assert mode(Path(live_stack.settings.tracker_db)) == 0o600
