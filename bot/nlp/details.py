"""Details a resident asks for that an answer may not hold: a year, an amount,
a person's name, a phone number or e-mail address, a count.

When the answer from the store does not contain the detail asked for, the bot
says so first ("Sidan anger inget årtal för det.") instead of letting a
general answer pass for one. Plain patterns over folded text (no å/ä/ö).
"""
from __future__ import annotations

import re

from bot.content.matching import normalise
from bot.privacy.masking import PLACEHOLDER_RE

# detail → (the question asks for it, the answer gives it)
_DETAILS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "year": (
        re.compile(r"\b(vilket ar|vilka ar|artal|artalet|sedan nar|hur manga ar|sedan hur lange|"
                   r"nar (\w+ )?(borjade|startade|antogs|inleddes|kom|blev|skrevs|beslutades|bildades|grundades|"
                   r"skapades|togs|gjordes|undertecknades|uppstod)|what year|which year|since when|"
                   r"how many years|when (did|was|were))\b"),
        re.compile(r"\b(1[89]|20)\d\d\b"),
    ),
    "amount": (
        re.compile(r"\b(budget\w*|kostar|kostade|kostat|kosta|kostnad\w*|pengar|hur mycket|belopp\w*|kronor|miljon\w*|"
                   r"finansier\w*|bidrag\w*|how much|costs?|money|funding|funded)\b"),
        re.compile(r"\d[\d\s]*\s*(kr|kronor|sek|euro|eur|miljon\w*)\b"),
    ),
    "person": (
        re.compile(r"\b(vad heter|vem ar (ansvarig|chef|samordnare|kontaktperson)|namn pa|namnet pa|"
                   r"vem (har )?(skrev|skrivit|ledde|leder|ansvarade)|who is (in charge|responsible)|"
                   r"who wrote|name of|what is the name)\b"),
        re.compile(r"\b[A-ZÅÄÖ][a-zåäö]+ [A-ZÅÄÖ][a-zåäö]+son\b|\b(förnamn|efternamn)\b"),
    ),
    "contact": (
        re.compile(r"\b(telefon(nummer|numret)?|nummer till|mejl(adress\w*)?|e ?post(adress\w*)?|mail(adress\w*)?|"
                   r"email|e mail|phone|phone number)\b"),
        re.compile(r"@|\b0\d{1,3}[- ]?\d{2,3}[ ]?\d{2}"),
    ),
    "count": (
        re.compile(r"\b(hur manga|antal\w*|how many|number of)\b"),
        re.compile(r"\b(\d+|tva|tre|fyra|fem|sex|sju|atta|nio|tio|two|three|four|five|six)\b"),
    ),
}
# What the municipality's international work is about (folded stems).
_IN_SCOPE = re.compile(
    r"\b(internationell\w*|vanort\w*|fokusomrad\w*|policy\w*|samarbetspart\w*|partner\w*|"
    r"utbyte\w*|konferens\w*|utvecklingsprojekt\w*|twin town\w*|international\w*|exchange\w*)"
)


def detail_asked(question: str) -> str | None:
    """The kind of detail the question asks for, if it asks for one (a masked
    e-mail address in the question is not a question about e-mail)."""
    folded = normalise(PLACEHOLDER_RE.sub(" ", question))
    return next((kind for kind, (asks, _gives) in _DETAILS.items() if asks.search(folded)), None)


def detail_missing(question: str, answer: str) -> str | None:
    """The detail the question asks for when the answer does not give it."""
    kind = detail_asked(question)
    if kind is None:
        return None
    gives = _DETAILS[kind][1]
    return None if gives.search(answer) or gives.search(normalise(answer)) else kind


_COOPERATION = re.compile(
    r"\b(samarbet\w*|samverk\w*|utbyte\w*|partner\w*|vanort\w*|natverk\w*|cooperat\w*|"
    r"collaborat\w*|exchange\w*|twin\w*|(kontakt|projekt|contact|project)\w* (med|with))\b"
)


def asks_about_cooperation(question: str) -> bool:
    """Whether the question is about working together ("har ni kontakt med …",
    "finns det något utbyte med …"), whatever place it names."""
    return bool(_COOPERATION.search(normalise(question)))


def cooperates_with(question: str, place: str) -> bool:
    """Whether the question asks about working with this place, however long it is
    ("… har vänersborg nåt samarbete med skövde?")."""
    return bool(place) and bool(re.search(
        r"\b(samarbet\w*|samverk\w*|utbyte\w*|kontakt\w*|projekt\w*|cooperat\w*|contact\w*|exchange\w*) "
        rf"(med|with|mellan)( \w+)? {re.escape(normalise(place))}\b", normalise(question)))


def about_international_work(question: str, names: tuple[str, ...] = ()) -> bool:
    """Whether the question is about the international work (or names a partner)."""
    folded = normalise(question)
    return bool(_IN_SCOPE.search(folded)) or any(normalise(n) in folded.split() for n in names if n)
