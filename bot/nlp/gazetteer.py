"""The place dictionary that PlaceFeaturizer and PlaceEntityExtractor share.

Built from the training data's lookup tables (`country`, `continent`,
`place`, generated into var/nlu/ by `python -m bot.nlp build`) as a dictionary
of folded token n-grams, so a message costs a few look-ups per word instead of
one alternation regex over tens of thousands of names (Rasa's
RegexFeaturizer and RegexEntityExtractor). Lookup tables named
`<label>_cased` hold names that are also Swedish words ("Vara", "Mora"):
they count only when written with a capital letter, not first in the message.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.content.matching import normalise

LABELS = ("country", "continent", "place")
CASED = "_cased"
MAX_WORDS = 4
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class Span:
    label: str
    value: str  # the canonical name
    start: int
    end: int


class PlaceDictionary:
    """folded n-gram → [label, canonical value, recognised only when capitalised]."""

    def __init__(self, names: dict[str, list[Any]] | None = None) -> None:
        self.names = names or {}
        self.max_words = max((k.count(" ") + 1 for k in self.names), default=1)

    @classmethod
    def from_training_data(cls, training_data: TrainingData) -> PlaceDictionary:
        """Countries win over cities of the same name ("Luxemburg"); a synonym in
        the training data gives the canonical value ("denmark" → "Danmark"),
        otherwise the lookup table's spelling does ("goteborg" → "Göteborg")."""
        synonyms = {normalise(k): v for k, v in training_data.entity_synonyms.items()}

        def rank(table: dict[str, Any]) -> int:
            label = table["name"].removesuffix(CASED)
            return LABELS.index(label) if label in LABELS else len(LABELS)

        names: dict[str, list[Any]] = {}
        for table in sorted(training_data.lookup_tables, key=rank):
            label = table["name"].removesuffix(CASED)
            if label not in LABELS:
                continue
            for name in table["elements"]:
                key = normalise(name)
                if key and key.count(" ") < MAX_WORDS:
                    names.setdefault(key, [label, synonyms.get(key, name), table["name"].endswith(CASED)])
        return cls(names)

    def find(self, text: str) -> list[Span]:
        """The places in a text, longest match first, left to right."""
        tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
        folded = [normalise(t[2]) for t in tokens]
        found, i = [], 0
        while i < len(tokens):
            for size in range(min(self.max_words, len(tokens) - i), 0, -1):
                entry = self.names.get(" ".join(folded[i:i + size]))
                if entry and (not entry[2] or (i > 0 and tokens[i][2][:1].isupper())):
                    found.append(Span(entry[0], entry[1], tokens[i][0], tokens[i + size - 1][1]))
                    i += size
                    break
            else:
                i += 1
        return found
