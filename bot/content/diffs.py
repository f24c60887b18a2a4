"""Word-level differences between two versions of a field, for the history pages.

Staff compare versions to see what a save changed or what a restore will do;
whole changed paragraphs hide a one-word edit, so the texts are compared word
by word (difflib on words, each with the space after it), list fields item by item,
and long unchanged stretches are shortened to a few words on each side.
"""
from __future__ import annotations

import difflib
import re
from typing import Any

Segment = tuple[str, str]  # ("=" | "+" | "-", text)

_TOKENS = re.compile(r"\S+\s*|\s+")  # a word with the space after it
_WORDS = re.compile(r"\s+|[^\s]+")
SMALL_MATCH = 2  # unchanged words this few between two changes are shown as part of the change
CONTEXT_WORDS = 8  # unchanged words kept on each side of a change


def _tokens(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [token for item in value for token in (str(item), "\n")][:-1]
    return _TOKENS.findall(str(value))


def _shorten(text: str, first: bool, last: bool) -> str:
    """An unchanged stretch with only the words next to a change."""
    words = _WORDS.findall(text)
    keep = 2 * CONTEXT_WORDS  # tokens: words and the spaces between them
    if len(words) <= 2 * keep + 1:
        return text
    head = "" if first else "".join(words[:keep])
    tail = "" if last else "".join(words[-keep:])
    if first and last:
        return text
    return (head.rstrip() + " " if head else "") + "…" + (" " + tail.lstrip() if tail else "")


def word_diff(old: Any, new: Any) -> list[Segment]:
    """The segments that turn `old` into `new`: unchanged, removed and added text."""
    before, after = _tokens(old), _tokens(new)
    chunks: list[list[str]] = []  # [kind, removed, added]: "=" with text in both, "~" a change
    opcodes = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        removed, added = "".join(before[i1:i2]), "".join(after[j1:j2])
        between_changes = 0 < index < len(opcodes) - 1 and i2 - i1 <= SMALL_MATCH
        if tag == "equal" and not between_changes:
            chunks.append(["=", removed, added])
        elif chunks and chunks[-1][0] == "~":
            chunks[-1][1] += removed
            chunks[-1][2] += added
        else:
            chunks.append(["~", removed, added])
    segments: list[Segment] = []
    for kind, removed, added in chunks:
        if kind == "=":
            segments.append(("=", removed))
            continue
        if removed:
            segments.append(("-", removed))
        if added:
            segments.append(("+", added))
    last = len(segments) - 1
    return [
        (op, _shorten(text, index == 0, index == last) if op == "=" else text)
        for index, (op, text) in enumerate(segments)
    ]
