"""The question in a resident's words: without the personal details around it,
and split when one message asks two things.

Plain text rules, shared by the REST channel (which then asks the classifier
about each part) and the portal (which shows staff how an example question
will be read).
"""
from __future__ import annotations

import re

from bot.privacy.masking import PLACEHOLDER_RE

_QUESTION_WORDS = (
    "vem|vad|varför|varfor|hur|vilka|vilken|vilket|när|nar|var|finns|kan|har|är|ar|gör|gor|"
    "who|what|why|how|which|when|where|is|are|do|does|can"
)
_NAME = r"(?:[A-ZÅÄÖ][\w-]*|[a-zåäö]+)(?: [A-ZÅÄÖ][\w-]*)?"
# Phrases that only carry who the resident is or where to send the answer; what
# is left of the message is its question. The masked placeholders go too.
_PERSONAL = re.compile(
    "|".join((
        rf"\b(?:jag heter|mitt namn är|mitt namn ar|my name is|i am called|i'm called) {_NAME}",
        # "jag är Anna", "I'm Tom", "Tom here": a capitalised name only ("jag är nyfiken" stays)
        rf"\b(?:jag är|i am|i'm|im) (?=(?-i:[A-ZÅÄÖ])){_NAME}(?:,? \d{{1,3}} (?:år|years old))?",
        r"(?:^|(?<=[,.;:!?] ))(?-i:[A-ZÅÄÖ][\w-]+) here\b",
        # a street address
        r"\b(?:och )?(?:jag )?bor (?:på|pa) [\wåäöÅÄÖ-]+(?: \d+\s?[A-Za-z]?)?",
        r"\b(?:and )?(?:i )?live (?:at|on) [\wåäöÅÄÖ-]+(?: (?:street|road|st|rd))? \d+\s?[A-Za-z]?\b",  # with its number
        r"\b(?:mejla|maila|mail|e-?posta|skicka|ring|sms:?a|email|e-mail|send|call|text)"
        r"(?: gärna| garna)? (?:mig|svaret|det|me|the answer)(?: (?:till|på|pa|to|at|on))?(?: \[[A-Z-]+\])?",
        r"\b(?:min|mitt|my) (?:e-?post(?:adress)?|mejl(?:adress)?|mail(?:adress)?|telefon(?:nummer)?|nummer|"
        r"mobil(?:nummer)?|personnummer|email(?: address)?|phone(?: number)?|personal (?:identity )?number|"
        r"(?:national )?id number|social security number|number)(?: (?:är|ar|is))?"
        r"(?: \[[A-Z-]+\])?",
        r"\bnå mig på|\bna mig pa|\breach me (?:at|on)",
        r"\b(?:till|to|at|on|på|pa) (?=\[[A-Z-]+\])",  # "… om utbyten till [E-POST]": where, not what
    )),
    re.IGNORECASE,
)
_QUESTION_MARK = re.compile(r"\?\s+")
_CONJUNCTION = re.compile(rf"\s+(?:och|samt|and)\s+(?=(?:{_QUESTION_WORDS})\b)", re.IGNORECASE)
# "vad är policyn och vem antog den" asks twice; "vilket stöd och vilken ersättning får jag"
# asks once, about two things: a conjunction splits only between parts this long
MIN_WORDS_AROUND_CONJUNCTION = 3


def without_personal_details(text: str) -> str:
    """The message without the phrases that only hold names, contact details or
    placeholders ("jag heter Anna, mejla svaret till [E-POST]: …"). A message
    without them comes back as it is ("och det åttonde?" keeps its "och")."""
    if not (_PERSONAL.search(text) or PLACEHOLDER_RE.search(text)):
        return text
    focused = PLACEHOLDER_RE.sub(" ", _PERSONAL.sub(" ", text))
    focused = re.sub(r"\s+([,.;:!?])", r"\1", re.sub(r"\s+", " ", focused))
    focused = re.sub(r"\b(?:och|and)(?=[,.;:!?])", "", focused)
    focused = re.sub(r"^(?:\s*(?:hej|hallå|hello|hi)?\s*[,.;:!?–-]+)+\s*|^(?:och|and)\s+", "", focused.strip(),
                     flags=re.IGNORECASE)
    focused = re.sub(r"^(?:(?:,|\.|;|:|–|-|och|and)\s*)+", "", focused).strip(" ,;:–-")
    return focused if focused != text.strip() and len(focused.split()) >= 2 else text


def questions(text: str) -> list[str]:
    """The questions in a message, in order (one, usually)."""
    parts = []
    for sentence in _QUESTION_MARK.split(text):
        halves = [h.strip(" ,;") for h in _CONJUNCTION.split(sentence)]
        whole = all(len(h.split()) >= MIN_WORDS_AROUND_CONJUNCTION for h in halves)
        parts.extend(halves if whole else [sentence.strip(" ,;")])
    return [p for p in parts if len(p.split()) >= 2] or [text]
