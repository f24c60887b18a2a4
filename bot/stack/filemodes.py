"""var/ holds the password hashes (content.db), the conversations (tracker.db),
the session key and the logs: only the owner may read it, whatever the umask.

Every process of the stack calls `private_umask()` first, so the files it
creates (SQLite's -wal and -shm files too) are born 600 and its folders 700;
`make setup` and the start of each profile call `secure_tree()`, which
tightens whatever an earlier run, a cron job or a copy left more open, and
say what they found.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from bot.paths import VAR_DIR

DIR_MODE = 0o700
FILE_MODE = 0o600
UMASK = 0o077


def private_umask() -> None:
    """New files of this process and its children: owner only."""
    os.umask(UMASK)


def _wanted(mode: int) -> int | None:
    if stat.S_ISDIR(mode):
        return DIR_MODE
    if stat.S_ISREG(mode):
        return FILE_MODE
    return None  # sockets, fifos: leave them


def secure_tree(root: Path = VAR_DIR) -> list[Path]:
    """Create `root` if needed; set its folders to 700 and files to 600; the paths changed."""
    root.mkdir(parents=True, exist_ok=True)
    changed = []
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        mode = path.stat().st_mode
        wanted = _wanted(mode)
        if wanted is not None and stat.S_IMODE(mode) != wanted:
            path.chmod(wanted)
            changed.append(path)
    return changed


def report(root: Path = VAR_DIR) -> str:
    """Tighten `root` and say so, for the start-up output."""
    changed = secure_tree(root)
    done = f"; tightened {len(changed)} that were open to others" if changed else ""
    return f"✓ {root} is private: folders 700, files 600{done}"
