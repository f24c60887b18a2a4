"""What a follow-up refers to: "det fjärde", "nummer 5", "den danska", "utanför Europa".

Plain rules over the resident's words (folded like every other match, so
"fjarde" and "fjärde" are the same), used by the actions after the classifier
has said "this is a follow-up" or "this is a partner question".
"""
from __future__ import annotations

import re

from bot.content.matching import normalise
from bot.dates import SWEDISH_MONTHS

LAST = -1
NEXT_TO_LAST = -2
# Ordinal words in Swedish and English, folded (no diacritics).
_ORDINALS = {
    "forsta": 1, "forste": 1, "first": 1,
    "andra": 2, "andre": 2, "second": 2,
    "tredje": 3, "third": 3,
    "fjarde": 4, "fourth": 4,
    "femte": 5, "fifth": 5,
    "sjatte": 6, "sixth": 6,
    "sjunde": 7, "seventh": 7,
    "attonde": 8, "eighth": 8,
    "nionde": 9, "ninth": 9,
    "tionde": 10, "tenth": 10,
    "elfte": 11, "tolfte": 12, "trettonde": 13, "fjortonde": 14, "femtonde": 15,
    "sextonde": 16, "sjuttonde": 17, "artonde": 18, "nittonde": 19, "tjugonde": 20,
    # Spoken Swedish: "ettan", "trean", "tvåan" …
    "ettan": 1, "tvaan": 2, "trean": 3, "fyran": 4, "femman": 5, "sexan": 6,
    "sjuan": 7, "attan": 8, "nian": 9, "tian": 10,
    "sista": LAST, "siste": LAST, "last": LAST,
}
# Cardinals, read only after "nummer"/"nr"/"number" ("nummer fem").
_CARDINALS = {
    "ett": 1, "en": 1, "one": 1, "tva": 2, "two": 2, "tre": 3, "three": 3,
    "fyra": 4, "four": 4, "fem": 5, "five": 5, "sex": 6, "six": 6, "sju": 7, "seven": 7,
    "atta": 8, "eight": 8, "nio": 9, "nine": 9, "tio": 10, "ten": 10,
}
_NUMBER_WORDS = {"nummer", "nr", "number", "no"}
_DIGITS = re.compile(r"^(\d{1,2})(?:a|e|st|nd|rd|th)?$")
# Words that turn "i Europa" into "not in Europa".
_EXCLUDING = re.compile(
    r"\b(utanfor|forutom|utom|bortsett fran|exklusive|(inte|ej) (ligger |finns |ar )?(i|pa|fran)|"
    r"andra (\w+ )?an|outside|except|apart from|other than|not (located )?in|besides|excluding)\s*$"
)
# Regions residents name that are neither a country nor a continent, by their countries.
REGIONS = {
    "norden": ("Danmark", "Finland", "Island", "Norge", "Sverige"),
    "nordic countries": ("Danmark", "Finland", "Island", "Norge", "Sverige"),
    "skandinavien": ("Danmark", "Norge", "Sverige"),
    "scandinavia": ("Danmark", "Norge", "Sverige"),
}
# Words that ask where something is, not what it is.
_LOCATION_WORDS = ("land", "lander", "kontinent", "varldsdel", "country", "continent")
_ADJECTIVE_ENDINGS = ("iska", "iske", "isk", "ska", "ske", "sk", "ian", "ish", "ese", "an")


def picks_by_position(text: str) -> bool:
    """A short message that asks for a place in a list ("det tionde då?", "sjuttonde")."""
    return len(normalise(text).split()) <= 4 and ordinal(text) is not None


# A bare number picks from a list only in a short follow-up ("4", "nr 4 tack"); in a
# longer question, or before a month, it is a date or a name ("covid-19", "6 oktober").
BARE_NUMBER_WORDS = 4
# Markup or code around a number ("<script>alert(1)</script>") is not a follow-up.
_CODE_LIKE = re.compile(r"[<>{}\[\];=()]")
_MONTHS = frozenset(normalise(m) for m in SWEDISH_MONTHS) | frozenset(
    "january february march april may june july august september october november december".split())


def ordinal(text: str) -> int | None:
    """The position a follow-up asks for (1-based; LAST for "det sista"), if any."""
    words = normalise(text).split()
    code_like = bool(_CODE_LIKE.search(text))
    for index, word in enumerate(words):
        if word in ("sista", "last") and index and words[index - 1] in ("nast", "next"):
            return NEXT_TO_LAST
        if word in _ORDINALS:
            return _ORDINALS[word]
        digits = _DIGITS.match(word)
        following = words[index + 1] if index + 1 < len(words) else ""
        if word in _NUMBER_WORDS and following:
            if following in _CARDINALS:
                return _CARDINALS[following]
            number = _DIGITS.match(following)
            if number:
                return int(number.group(1))
        if (digits and 0 < int(digits.group(1)) < 100 and len(words) <= BARE_NUMBER_WORDS
                and following not in _MONTHS and not code_like):
            return int(digits.group(1))
    return None


def index_in(position: int, length: int) -> int | None:
    """The 0-based index of a position (LAST, NEXT_TO_LAST or 1-based) in a list, if it is there."""
    index = length + position if position < 0 else position - 1
    return index if 0 <= index < length else None


def is_excluded(text: str, place: str) -> bool:
    """Whether the resident asks for everything but `place` ("utanför Europa")."""
    folded, target = normalise(text), normalise(place)
    position = folded.find(target)
    if not target or position < 0:
        return False
    before = folded[max(0, position - 30):position]
    # The exclusion word ends right before the place, or a few words before it
    # ("förutom ravenna och herning", "andra kontinenter än europa").
    return any(_EXCLUDING.search(before[:cut].rstrip() + " ") or _EXCLUDING.search(before[:cut].rstrip())
               for cut in _word_ends(before))


def _word_ends(text: str) -> list[int]:
    """Where each of the last few words before a place ends (the place itself first)."""
    ends = [len(text)] + [m.start() for m in re.finditer(r" ", text)][::-1]
    return ends[:4]


def adjective_of(word: str, place: str) -> bool:
    """Whether an adjective names a place: "danska" → Danmark, "italienska" → Italien,
    "botswanska" → Botswana. Used only to choose among the few items just listed."""
    folded, target = normalise(word), normalise(place)
    for ending in _ADJECTIVE_ENDINGS:
        if folded.endswith(ending) and len(folded) - len(ending) >= 3:
            stem = folded[: -len(ending)]
            return target.startswith(stem) or (len(stem) >= 4 and target.startswith(stem[:-1]))
    return False


def regions_in(text: str) -> list[str]:
    """The regions (REGIONS) the text names, in folded form."""
    folded = f" {normalise(text)} "
    return [region for region in REGIONS if f" {region} " in folded]


def asks_location(text: str) -> bool:
    """Whether the question is about where ("vilket land", "vilken världsdel")."""
    return any(word in normalise(text).split() for word in _LOCATION_WORDS)
