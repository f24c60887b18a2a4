"""Masking of personal data in residents' messages.

Applied by the residents' REST channel (bot/channels/rest.py) to the message
text and to every string in the metadata the widget sends, before Rasa parses
the message, so neither the NLU pipeline, the actions, the logs nor the
tracker store ever see the original. Admin notes and tags in the review pages
go through the same function.

What is replaced, in this order (an earlier rule wins where two overlap):

1. e-mail addresses                                → [E-POST]
2. Swedish personnummer and samordningsnummer     → [PERSONNUMMER]
   10 or 12 digits, with or without "-", "+" or a space before the last four;
   the check digit and the date are validated with python-stdnum
   (`stdnum.se.personnummer`; a samordningsnummer has 60 added to the day).
3. Swedish phone numbers                           → [TELEFON]
   mobile and landline, "0" or "+46"/"0046" (also "+46 (0)…"), with spaces,
   hyphens or parentheses: 070-123 45 67, 0521-27 10 00, +46 8 123 456 78.
   The national number has 7–9 digits after the leading zero.
4. any other run of at least 8 digits              → [NUMMER]
   digits may be grouped with single spaces or hyphens: bank accounts, card
   numbers, a personnummer with a wrong check digit, case numbers.

Kept as they are (they are not personal data on their own, and answers need
them): years (2023), dates (8 maj 2023, 2023-05-08, 20230508, 8/5 2023), year
ranges (2021–2023), organisation numbers of companies and authorities
(212000-1520: month 20 or more, so never a personnummer), amounts with a unit ("12 000 000 kr"), short numbers
("6 fokusområden", "kl. 08.30"), and postcodes ("462 85 Vänersborg": five
digits; a postcode on its own does not identify anyone, and a whole address
cannot be recognised reliably anyway).

Not masked, because they cannot be recognised reliably: names and street
addresses. The widget asks residents not to write personal data at all.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from stdnum import luhn
from stdnum.exceptions import ValidationError
from stdnum.se import orgnr, personnummer

PERSONNUMMER = "[PERSONNUMMER]"
TELEFON = "[TELEFON]"
E_POST = "[E-POST]"
NUMMER = "[NUMMER]"
PLACEHOLDERS = (PERSONNUMMER, TELEFON, E_POST, NUMMER)
PLACEHOLDER_RE = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS))

MIN_LONG_DIGITS = 8

_SPACE = r"[ \t\u00a0]"
# between digit groups: one space, or a hyphen (or en dash) with optional spaces
_GROUP_SEP = rf"(?:{_SPACE}?[-\u2013]{_SPACE}?|{_SPACE})?"

EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@(?:[\w-]+\.)+[^\W\d_]{2,}(?![\w-])")

PNR = re.compile(
    rf"(?<![\d+])(?P<date>\d{{8}}|\d{{6}})"
    rf"(?:{_SPACE}?(?P<sep>[-+]){_SPACE}?|{_SPACE})?(?P<serial>\d{{4}})(?!\d)"
)

PHONE = re.compile(
    rf"(?<![\d+])"
    rf"(?:(?:\+|00){_SPACE}?46{_SPACE}?-?{_SPACE}?(?:\(0\){_SPACE}?-?{_SPACE}?)?|\(?0)"
    rf"[1-9](?:\)?{_GROUP_SEP}\d){{6,8}}(?!\d)"
)

_YEAR = r"(?:1[89]|20)\d\d"
_MONTH = r"(?:0[1-9]|1[0-2])"
_DAY = r"(?:0[1-9]|[12]\d|3[01])"
_UNITS = (
    r"kr\b|kronor|sek\b|euro|eur\b|€|usd\b|dollar|\$|invånare|personer|elever|deltagare|"
    r"studenter|besökare|ton\b|kvadratmeter|m2\b|m²|km\b|meter"
)
KEEP = re.compile(
    "|".join([
        rf"(?<!\d){_YEAR}-{_MONTH}-{_DAY}(?!\d)",  # ISO date
        rf"(?<!\d){_YEAR}{_MONTH}{_DAY}(?!{_SPACE}?[-+]?{_SPACE}?\d)",  # compact date, alone
        rf"(?<!\d){_YEAR}{_SPACE}?[-\u2013/]{_SPACE}?{_YEAR}(?!\d)",  # year range
        rf"(?<!\d){_YEAR}(?:{_SPACE}{_YEAR})+(?!{_GROUP_SEP}\d)",  # years: "2022 2023"
        rf"(?<!\d)\d{{1,3}}(?:[ \u00a0]\d{{3}})+(?:,\d+)?(?={_SPACE}?(?:{_UNITS}))",  # amount
    ]),
    re.IGNORECASE,
)

# an optional country code in front ("SE45 5000 0000 …": an IBAN is masked whole)
ORGNR = re.compile(r"(?<![\d+])\d{6}-?\d{4}(?!\d)")

LONG_NUMBER = re.compile(
    rf"(?:(?<![^\W\d_])[A-Z]{{2}}(?=\d))?(?<!\d)\d(?:{_GROUP_SEP}\d){{{MIN_LONG_DIGITS - 1},}}(?!\d)"
)
_DIGIT_BEFORE = re.compile(rf"\d{_GROUP_SEP}$")
_DIGIT_AFTER = re.compile(rf"\)?{_GROUP_SEP}\d")


def _ascii_digits(text: str) -> str:
    """The digits of `text` as ASCII (residents may type other Unicode digits)."""
    return "".join(str(int(c)) for c in text if c.isdigit())


def is_personnummer(date: str, separator: str | None, serial: str) -> bool:
    """A valid personnummer or samordningsnummer (stdnum.se.personnummer).

    `date` is YYMMDD or YYYYMMDD, `separator` "-", "+" or None, `serial` the
    last four digits. A samordningsnummer has 60 added to the day of birth;
    the check digit is computed over the number as written.
    """
    date, serial = _ascii_digits(date), _ascii_digits(serial)
    if len(date) == 8 and date[:2] not in ("18", "19", "20"):
        return False
    sep = separator if separator in ("-", "+") else "-"
    day = int(date[-2:])
    if day <= 60:
        return personnummer.is_valid(f"{date}{sep}{serial}")
    birth = f"{date[:-2]}{day - 60:02d}"
    try:
        personnummer.get_birth_date(f"{birth}{sep}{serial}")
    except ValidationError:
        return False
    return luhn.is_valid(date[-6:] + serial)


def _accept_pnr(match: re.Match) -> bool:
    date, sep, serial = match.group("date", "sep", "serial")
    if sep is None and len(date) == 6 and _ascii_digits(date).startswith("0") \
            and PHONE.fullmatch(match.group(0)):
        return False  # "0701234567" reads as a phone number first (it is masked either way)
    return is_personnummer(date, sep, serial)


def _accept_phone(match: re.Match) -> bool:
    """Not a phone number when it is part of a longer run of digit groups
    (an IBAN or an account number); the run is then masked as [NUMMER]."""
    text = match.string
    return not (_DIGIT_BEFORE.search(text, max(0, match.start() - 4), match.start())
                or _DIGIT_AFTER.match(text, match.end()))


@dataclass(frozen=True)
class _Rule:
    name: str
    pattern: re.Pattern
    placeholder: str | None  # None: keep the text (protects it from later rules)
    accept: Callable[[re.Match], bool] = field(default=lambda _match: True)


RULES: tuple[_Rule, ...] = (
    _Rule("e-post", EMAIL, E_POST),
    _Rule("personnummer", PNR, PERSONNUMMER, _accept_pnr),
    _Rule("telefon", PHONE, TELEFON, _accept_phone),
    _Rule("behåll", KEEP, None),
    _Rule("organisationsnummer", ORGNR, None, lambda match: orgnr.is_valid(match.group(0))),
    _Rule("nummer", LONG_NUMBER, NUMMER),
)


@dataclass(frozen=True)
class Masked:
    text: str
    counts: dict[str, int]  # rule name → how many were replaced

    @property
    def changed(self) -> bool:
        return bool(self.counts)


def _gaps(length: int, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    gaps, position = [], 0
    for start, end in sorted(taken):
        if start > position:
            gaps.append((position, start))
        position = max(position, end)
    if position < length:
        gaps.append((position, length))
    return gaps


def mask(text: str) -> Masked:
    """The text with personal data replaced by placeholders, and what was found."""
    if not text or not any(c.isdigit() or c == "@" for c in text):
        return Masked(text, {})
    taken: list[tuple[int, int]] = []
    replacements: list[tuple[int, int, str]] = []
    counts: Counter = Counter()
    for rule in RULES:
        found = []
        for start, end in _gaps(len(text), taken):
            for match in rule.pattern.finditer(text, start, end):
                after = match.end()
                if after < len(text) and after == end and text[after].isdigit():
                    continue  # the run goes on into text an earlier rule claimed
                if rule.accept(match):
                    found.append(match)
        for match in found:
            taken.append(match.span())
            if rule.placeholder is not None:
                replacements.append((match.start(), match.end(), rule.placeholder))
                counts[rule.name] += 1
    if not replacements:
        return Masked(text, {})
    parts, position = [], 0
    for start, end, placeholder in sorted(replacements):
        parts.append(text[position:start])
        parts.append(placeholder)
        position = end
    parts.append(text[position:])
    return Masked("".join(parts), dict(counts))


def mask_text(text: str) -> str:
    """`text` with personnummer, phone numbers, e-mail addresses and long numbers masked."""
    return mask(text).text


def mask_value(value: Any) -> Any:
    """Every string inside `value` (dicts, lists, tuples) masked; keys and other types kept."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: mask_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(mask_value(item) for item in value)
    return value
