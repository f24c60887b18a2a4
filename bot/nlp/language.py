"""The language of a resident's message, and of the conversation.

lingua-language-detector (its models ship in the wheel, nothing is downloaded)
decides between Swedish and English only. Short messages mislead it, so
before it looks:

- names go: a capitalised word inside a sentence ("What partners does
  Vänersborg have?" would otherwise be Swedish), and the place and partner
  names of var/language_names.txt (written by `python -m bot.nlp build`):
  countries, continents and partners however they are written ("den i
  botswana", "berätta om chobe district council"), other places when they
  have several words, a capital letter or letters such as å/ä/ö ("does
  trollhättan have twin towns");
- the personal-data placeholders ([PERSONNUMMER], [TELEFON], [E-POST]) go;
- what is left must hold two words that are not courtesy words ("hej",
  "ok", "thanks"), and lingua must be clearly sure.

Anything else is unclear (None), and the conversation keeps its language.
"""
from __future__ import annotations

import logging
import re
from functools import cache

from bot.content.matching import normalise
from bot.nlp.gazetteer import PlaceDictionary
from bot.privacy.masking import PLACEHOLDER_RE

logger = logging.getLogger(__name__)

SWEDISH, ENGLISH = "sv", "en"
LANGUAGES = (SWEDISH, ENGLISH)
DEFAULT = SWEDISH
# lingua's confidence in the top language must beat the other one's by this much.
MIN_MARGIN = 0.3
MIN_WORDS = 2
# Words that say nothing about the language: greetings, thanks, yes and no, in both.
_COURTESY = frozenset(normalise(w) for w in (
    "hej hejsan hallå tjena tja hejdå tack tackar ok okej okay ja nej japp nä bra toppen "
    "hi hello hey hiya thanks thank you thx ty bye yes no yeah nope good great fine cool "
    "mm aha oj wow super perfekt perfect please snälla"
).split())
ALWAYS = "always"  # a name however it is written: a country, a continent, a partner
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?:;]\s*$")


@cache
def _detector():
    """Built once per process, for Swedish and English only."""
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.SWEDISH, Language.ENGLISH).build()


@cache
def _names() -> PlaceDictionary:
    """The place and partner names `python -m bot.nlp build` wrote (empty before the first build)."""
    from bot.nlp.build import LANGUAGE_NAMES

    try:
        lines = LANGUAGE_NAMES.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        logger.warning("%s is missing (run `python -m bot.nlp build`); names stay in language detection",
                       LANGUAGE_NAMES)
        return PlaceDictionary()
    names: dict[str, list] = {}
    for line in lines:
        flag, _, name = line.partition("\t")
        key = normalise(name)
        if key:
            names.setdefault(key, [ALWAYS if flag == "2" else "name", name, flag == "1"])
    return PlaceDictionary(names)


def _looks_like_a_name(found: str) -> bool:
    """A known name counts when it has several words ("chobe district council", whose
    words would read as English), a capital letter or a letter such as å/ä/ö; a
    lower-case single word may be an everyday English word that is also a place."""
    return " " in found or found[:1].isupper() or not found.isascii()


def without_names(text: str) -> str:
    """The text without placeholders, capitalised words inside sentences, and known names."""
    text = PLACEHOLDER_RE.sub(" ", text)
    spans = [(s.start, s.end) for s in _names().find(text)
             if s.label == ALWAYS or _looks_like_a_name(text[s.start:s.end])]
    kept = []
    for match in _WORD.finditer(text):
        named = any(start <= match.start() < end for start, end in spans)
        before = text[:match.start()]
        inside_sentence = before.strip() != "" and not _SENTENCE_END.search(before)
        mid_sentence_capital = inside_sentence and match.group()[:1].isupper() and match.group() != "I"
        if not named and not mid_sentence_capital:
            kept.append(match.group())
    return " ".join(kept)


def detect(text: str) -> str | None:
    """"sv" or "en" when the message is clearly in that language; None when unclear."""
    if text.lstrip().startswith("/"):  # a button's payload, not words
        return None
    words = without_names(text)
    if sum(normalise(w) not in _COURTESY for w in words.split()) < MIN_WORDS:
        return None
    values = _detector().compute_language_confidence_values(words)
    if len(values) < 2 or values[0].value - values[1].value < MIN_MARGIN:
        return None
    return SWEDISH if values[0].language.name == "SWEDISH" else ENGLISH


def warm_up() -> None:
    """Load lingua's models and the names now (about 2 s, 130 MB), not in a resident's first turn."""
    detect("warm up the models")


def next_language(previous: str | None, text: str, chosen: str | None) -> str:
    """The conversation's language after this message: the resident's choice,
    else the message's language when it is clear, else the previous one."""
    if chosen in LANGUAGES:
        return chosen
    return detect(text) or (previous if previous in LANGUAGES else DEFAULT)
