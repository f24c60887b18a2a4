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
# Clauses that only carry personal details or where to send the answer.
_PERSONAL_CLAUSE = re.compile(
    r"^\s*(jag heter|mitt namn är|mitt namn ar|my name is|i am called|i'm called|"
    r"(mejla|maila|mail|e-?posta|skicka|ring|sms:?a|email|e-mail|send|call)\b.*\b(till|på|pa|mig|to|me)\b|"
    r"(min|mitt|my)\s+(e-?post|mejl|mail|telefon|nummer|mobil|personnummer|email|phone|number)\b)",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"(?<=[,.;:!?\n])\s*")
_SPLIT = re.compile(rf"\?\s+|\s+(?:och|samt|and)\s+(?=(?:{_QUESTION_WORDS})\b)", re.IGNORECASE)


def without_personal_details(text: str) -> str:
    """The message without clauses that only hold names, contact details or placeholders."""
    clauses = [c for c in _CLAUSE_BREAK.split(text) if c.strip()]
    kept = [
        c for c in clauses
        if not _PERSONAL_CLAUSE.match(c) and PLACEHOLDER_RE.sub("", c).strip(" ,.;:!?\n")
    ]
    focused = PLACEHOLDER_RE.sub(" ", " ".join(kept))
    focused = re.sub(r"\s+", " ", focused).strip(" ,;:")
    return focused or text


def questions(text: str) -> list[str]:
    """The questions in a message, in order (one, usually)."""
    parts = [p.strip(" ,;") for p in _SPLIT.split(text)]
    return [p for p in parts if len(p.split()) >= 2] or [text]
