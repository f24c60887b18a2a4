"""Fuzzy matching of residents' wording against names stored in the content store.

Residents misspell names and leave out å, ä and ö, so names are compared after
folding case and diacritics, with RapidFuzz's similarity ratio.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from rapidfuzz import fuzz

Item = TypeVar("Item")
MIN_SIMILARITY = 84.0
_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """Lower case, without diacritics or punctuation, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_WORD.findall(stripped))


def _phrases(text: str, max_words: int) -> list[str]:
    """Every run of 1..max_words consecutive words in the text."""
    words = normalise(text).split()
    return [
        " ".join(words[start:start + size])
        for size in range(1, max_words + 1)
        for start in range(len(words) - size + 1)
    ]


def best_match(
    query: str,
    items: Sequence[Item],
    names: Callable[[Item], Iterable[str]],
    *,
    within_text: bool = False,
) -> Item | None:
    """The item whose name (or alias) is most like `query`, if any is close enough.

    With `within_text`, `query` is a whole message and every short phrase in it
    is tried, so "berätta om ravena tack" still finds Ravenna.
    """
    candidates = [(normalise(name), item) for item in items for name in names(item)]
    if not candidates or not query.strip():
        return None
    longest = max(len(name.split()) for name, _ in candidates)
    probes = _phrases(query, longest) if within_text else [normalise(query)]
    best, best_score = None, MIN_SIMILARITY
    for probe in probes:
        for name, item in candidates:
            score = fuzz.ratio(probe, name)
            if score > best_score or (score == best_score and best is None):
                best, best_score = item, score
    return best
