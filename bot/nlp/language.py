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
from bot.content.types.declaration import LANGUAGES
from bot.nlp.gazetteer import PlaceDictionary
from bot.nlp.lemmas import LemmaTable
from bot.privacy.masking import PLACEHOLDER_RE

logger = logging.getLogger(__name__)

SWEDISH, ENGLISH = LANGUAGES
DEFAULT = SWEDISH
# lingua's confidence in the top language must beat the other one's by this much.
MIN_MARGIN = 0.3
MIN_WORDS = 2
# Greetings, thanks, yes and no: too short to switch a conversation's language,
# but the first message of a new one ("hello") may still set it.
_SWEDISH_COURTESY = frozenset(normalise(w) for w in (
    "hej hejsan hallå tjena tja hejdå tack tackar okej ja nej japp nä bra toppen oj perfekt snälla"
).split())
_ENGLISH_COURTESY = frozenset(normalise(w) for w in (
    "hi hello hey hiya thanks thank you thx ty bye yes yeah nope good great fine cool perfect please"
).split())
_COURTESY = _SWEDISH_COURTESY | _ENGLISH_COURTESY | {"ok", "okay", "no", "mm", "aha", "wow", "super"}
# A new conversation has no language to keep, so its first message may set one
# with fewer words, but Swedish stays the default for words Swedish shares.
FIRST_MARGIN = 0.4
ALWAYS = "always"  # a name however it is written: a country, a continent, a partner
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_MARKUP = re.compile(r"<[^<>]*>")  # HTML tags say nothing about the language
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
        if key and (flag == "2" or key not in names):  # a name "however written" wins
            names[key] = [ALWAYS if flag == "2" else "name", name, flag == "1"]
    return PlaceDictionary(names)


def _looks_like_a_name(found: str) -> bool:
    """A known name counts when it has several words ("chobe district council", whose
    words would read as English), a capital letter or a letter such as å/ä/ö; a
    lower-case single word may be an everyday English word that is also a place."""
    return " " in found or found[:1].isupper() or not found.isascii()


def without_names(text: str) -> str:
    """The text without markup, placeholders, capitalised words inside sentences,
    acronyms, and known names."""
    text = PLACEHOLDER_RE.sub(" ", _MARKUP.sub(" ", text))
    spans = [(s.start, s.end) for s in _names().find(text)
             if s.label == ALWAYS or _looks_like_a_name(text[s.start:s.end])]
    # Words in capitals beside lower-case ones are acronyms or code ("'; DROP TABLE
    # events; --"); a message written all in capitals keeps them.
    shouted = not any(c.islower() for c in text)
    kept = []
    for match in _WORD.finditer(text):
        named = any(start <= match.start() < end for start, end in spans)
        before = text[:match.start()]
        inside_sentence = before.strip() != "" and not _SENTENCE_END.search(before)
        mid_sentence_capital = inside_sentence and match.group()[:1].isupper() and match.group() != "I"
        acronym = len(match.group()) > 1 and match.group().isupper() and not shouted
        if not named and not mid_sentence_capital and not acronym:
            kept.append(match.group())
    return " ".join(kept)


def detect(text: str) -> str | None:
    """"sv" or "en" when the message is clearly in that language; None when unclear."""
    if text.lstrip().startswith("/"):  # a button's payload, not words
        return None
    words = without_names(text)
    folded = [normalise(w) for w in words.split()]
    if sum(w not in _COURTESY for w in folded) < MIN_WORDS:
        return None
    swedish, english = _function_words()
    votes = (sum(w in swedish for w in folded), sum(w in english for w in folded))
    if votes[0] and not votes[1]:  # "vad är life science": Swedish, whatever its nouns
        return SWEDISH
    if votes[1] and not votes[0]:
        return ENGLISH
    values = _detector().compute_language_confidence_values(words)
    if len(values) < 2 or values[0].value - values[1].value < MIN_MARGIN:
        return None
    return SWEDISH if values[0].language.name == "SWEDISH" else ENGLISH



def warm_up() -> None:
    """Load lingua's models and the names now (about 2 s, 130 MB), not in a resident's first turn."""
    detect("warm up the models")


@cache
def _function_words() -> tuple[frozenset[str], frozenset[str]]:
    """spaCy's Swedish and English stop words that only one of the two has
    ("vad", "är", "och" / "what", "does", "the"), folded: a message with some of
    one language's and none of the other's is in that language."""
    from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH_WORDS
    from spacy.lang.sv.stop_words import STOP_WORDS as SWEDISH_WORDS

    swedish = {normalise(w) for w in SWEDISH_WORDS} - _COURTESY
    english = {normalise(w) for w in ENGLISH_WORDS} - _COURTESY
    return frozenset(swedish - english), frozenset(english - swedish)


@cache
def _lemmas() -> LemmaTable:
    return LemmaTable()


def _swedish_word(word: str) -> bool:
    return _lemmas().lemma(word) is not None or _lemmas().is_lemma(word)


def first_guess(text: str) -> str | None:
    """The language of a new conversation's first message when `detect` is unsure:
    its greetings ("hello", "hej"), else lingua's leaning on even one word."""
    if text.lstrip().startswith("/"):
        return None
    words = [normalise(w) for w in without_names(text).split()]
    swedish, english = (sum(w in table for w in words) for table in (_SWEDISH_COURTESY, _ENGLISH_COURTESY))
    if swedish != english:
        return SWEDISH if swedish > english else ENGLISH
    content = [w for w in words if w not in _COURTESY]
    if not content or all(_swedish_word(w) for w in content):  # "policy", "partners": Swedish too
        return None
    values = _detector().compute_language_confidence_values(" ".join(content))
    if len(values) < 2 or values[0].value - values[1].value < FIRST_MARGIN:
        return None
    return SWEDISH if values[0].language.name == "SWEDISH" else ENGLISH


def next_language(previous: str | None, text: str, chosen: str | None) -> str:
    """The conversation's language after this message: the resident's choice,
    else the message's language when it is clear, else the previous one (for
    a new conversation: the first message's leaning, else Swedish)."""
    if chosen in LANGUAGES:
        return chosen
    found = detect(text)
    if found:
        return found
    if previous in LANGUAGES:
        return previous
    return first_guess(text) or DEFAULT
