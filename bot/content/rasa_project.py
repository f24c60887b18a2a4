"""What the content store needs to know about the Rasa project: the intents in domain.yml."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from bot.paths import ROOT

DOMAIN_FILE = ROOT / "domain.yml"


@lru_cache(maxsize=4)
def _domain_intents(path: Path, _mtime: float) -> tuple[str, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    intents = []
    for entry in data.get("intents") or []:
        intents.append(next(iter(entry)) if isinstance(entry, dict) else str(entry))
    return tuple(intents)


def domain_intents(path: Path = DOMAIN_FILE) -> tuple[str, ...]:
    """The intents in domain.yml (re-read when the file changes)."""
    try:
        return _domain_intents(path, path.stat().st_mtime)
    except FileNotFoundError:
        return ()
