"""Known deprecation warnings from the libraries Rasa 3.6 pins, kept out of the terminal.

Rasa 3.6 pins old libraries that warn about their own deprecations on every run
(pkg_resources, jax through TensorFlow, pyparsing through packaging and
matplotlib, click through typer and spaCy, SQLAlchemy 2.0's notice about
Rasa's tracker store): about a hundred lines between the project's own
"… / ✓" lines, none of which a user of this project can act on.
The project's entry points (`python -m bot`, the training child in
bot/rasa/training.py) call `silence()` first; any other warning still shows.
"""
from __future__ import annotations

import re
import warnings
from collections.abc import Iterable

# (message pattern, as the warning's text starts); each was seen in `make run` or `rasa train`.
KNOWN: tuple[str, ...] = (
    r"pkg_resources is deprecated as an API",
    r"Deprecated call to `pkg_resources\.declare_namespace",
    r"jax\.xla_computation is deprecated",
    r"'\w+' deprecated - use '\w+'",  # pyparsing 3.3's camelCase names (packaging, matplotlib)
    r"'[\w.]+' is deprecated and will be removed in Click 9\.0",  # typer
    r"Importing '[\w.]+' is deprecated, it will only be available in '\w+' in Click 9\.0",  # spaCy's CLI
    r"Deprecated API features detected! These feature\(s\) are not compatible with SQLAlchemy 2\.0",  # Rasa's
)
_KNOWN = re.compile("|".join(f"(?:{pattern})" for pattern in KNOWN))
# How the warnings module prints one: "path:line: Category: message" (then the source line, indented).
_HEADER = re.compile(r"^\S.*?:\d+: \w*Warning: (?P<message>.*)$")


def is_known(message: str) -> bool:
    return _KNOWN.match(message.strip()) is not None


def silence() -> None:
    """Drop the known library warnings in this process; every other warning still shows.

    Filters alone are not enough: Rasa and its libraries add filters of their own later
    (Rasa shows each DeprecationWarning "once"), and a filter added later wins. So the
    known ones are also dropped where a warning is printed."""
    for pattern in KNOWN:
        warnings.filterwarnings("ignore", message=pattern, category=Warning)
    show = warnings.showwarning
    if getattr(show, "drops_known_warnings", False):
        return

    def showwarning(message, category, filename, lineno, file=None, line=None):
        if not is_known(str(message)):
            show(message, category, filename, lineno, file, line)

    showwarning.drops_known_warnings = True  # type: ignore[attr-defined]
    warnings.showwarning = showwarning


def without_known(lines: Iterable[str]) -> list[str]:
    """Log lines without the known warnings that a process printed before `silence()`
    could run (a warning's message may span lines; its indented source line ends it)."""
    kept: list[str] = []
    skipping = 0
    for line in lines:
        if skipping:
            skipping -= 1
            if line.startswith("  "):
                skipping = 0
            continue
        header = _HEADER.match(line)
        if header and is_known(header.group("message")):
            skipping = 4  # the rest of the message and the source line, at most
            continue
        kept.append(line)
    return kept
