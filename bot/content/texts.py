"""The bot's own wording ("bot texts"): templates with named Swedish placeholders.

Every fixed sentence a resident can see (greeting, intros, headings, the
unknown-partner reply, errors) is a template that staff edit in the portal.
`SPECS` says which keys exist and which placeholders each may or must use;
the default wording is written once, in `data/content/texts.yml` (Swedish
`text`, English `text_en`, with the same placeholders), which seeds the store
and is also the safe fallback when the store cannot be read.
"""
from __future__ import annotations

import string
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from bot.paths import CONTENT_SEED_DIR

SEED_FILE = CONTENT_SEED_DIR / "texts.yml"
MAX_CHARS = 1000


@dataclass(frozen=True)
class TextSpec:
    key: str
    label: str                 # Swedish, for staff
    required: tuple[str, ...]  # placeholders that must appear
    optional: tuple[str, ...] = ()
    examples: dict[str, str] = field(default_factory=dict)  # for the preview

    @property
    def allowed(self) -> tuple[str, ...]:
        return self.required + self.optional


def _spec(key: str, label: str, required: tuple[str, ...] = (), optional: tuple[str, ...] = (),
          **examples: str) -> TextSpec:
    return TextSpec(key, label, required, optional, examples)


_PLACE = {"plats": "Italien"}
_PARTNER = {"namn": "Ravenna"}
SPECS: dict[str, TextSpec] = {spec.key: spec for spec in (
    _spec("greet", "Hälsning när någon säger hej"),
    _spec("capabilities", "Vad boten kan svara på"),
    _spec("goodbye", "Avslutning när någon säger hej då"),
    _spec("thank", "Svar när någon tackar"),
    _spec("iamabot", "Svar på frågan om boten är en människa"),
    _spec("feedback_thanks", "Tack för återkoppling (tumme upp eller ner)"),
    _spec("rephrase", "Be invånaren formulera om frågan"),
    _spec("button_why", "Knapp: varför kommunen arbetar internationellt"),
    _spec("button_focus_areas", "Knapp: fokusområden"),
    _spec("button_partners", "Knapp: samarbetsparter"),
    _spec("button_benefits_residents", "Knapp: vad arbetet ger invånarna"),
    _spec("technical_error", "Tekniskt fel (visas även när innehållet inte kan läsas)"),
    _spec("empty_message", "Svar på ett tomt meddelande"),
    _spec("too_long", "Svar på ett för långt meddelande", optional=("antal",), antal="1000"),
    _spec("rate_limited", "För många meddelanden på kort tid (skickas av webbservern)"),
    _spec("citation", "Källhänvisning under ett faktasvar", ("källor",),
          källor="Internationellt arbete, 8 maj 2023"),
    _spec("citation_page", "Källan när svaret bygger på källsidan", ("datum",), ("sida",),
          sida="Internationellt arbete", datum="8 maj 2023"),
    _spec("citation_staff", "Källan när kommunens personal har skrivit eller ändrat uppgiften",
          ("datum",), ("kommun",), kommun="Vänersborgs kommun", datum="2 december 2026"),
    _spec("focus_areas_intro", "Inledning till listan över fokusområden", optional=("antal",), antal="6"),
    _spec("focus_area_one", "Svar om ett fokusområde", ("rubrik",), ("nummer", "antal"),
          rubrik="Livslångt lärande", nummer="3", antal="6"),
    _spec("partners_all", "Rubrik till listan över alla samarbetsparter"),
    _spec("partners_in_place", "Rubrik till samarbetsparter i ett land eller en världsdel",
          ("plats",), **_PLACE),
    _spec("partners_none_in_place", "Inga samarbetsparter i ett land eller en världsdel",
          ("plats",), **_PLACE),
    _spec("partners_of_kind", "Rubrik till samarbetsparter av en typ", ("typ",), typ="nätverk"),
    _spec("partners_none_of_kind", "Inga samarbetsparter av en typ", ("typ",), typ="vänorter"),
    _spec("partners_known", "Inledning till listan över kända samarbetsparter"),
    _spec("partner_which", "Fråga vilken samarbetspart invånaren menar"),
    _spec("partner_unknown", "Ingen information om en namngiven samarbetspart",
          ("namn",), namn="Oslo"),
    _spec("partner_default_description", "Samarbetspart utan egen beskrivning", ("namn",), **_PARTNER),
    _spec("partner_country", "Landet en samarbetspart ligger i", ("namn", "land"),
          namn="Ravenna", land="Italien"),
    _spec("partner_country_continent", "Landet och världsdelen en samarbetspart ligger i",
          ("namn", "land", "världsdel"), namn="Ravenna", land="Italien", världsdel="Europa"),
    _spec("partner_no_country", "Ingen uppgift om en samarbetsparts land", ("namn",), **_PARTNER),
    # Follow-ups, filters, suggestions and the personal-data reminder.
    _spec("did_you_mean", "Förslag när boten var osäker på vad som menades (följs av knappar)"),
    _spec("personal_data_reminder", "Påminnelse när ett meddelande innehöll personuppgifter"),
    _spec("focus_area_out_of_range", "Ett nummer utanför listan över fokusområden", ("antal",), antal="6"),
    _spec("listed_out_of_range", "Ett nummer utanför listan över samarbetsparter", ("antal",), antal="3"),
    _spec("listed_none_matching", "Ingen av de nämnda samarbetsparterna ligger på platsen",
          ("plats",), **_PLACE),
    _spec("which_list", "Fråga vilken lista invånaren menar (följs av knappar)"),
    _spec("partners_outside_place", "Rubrik till samarbetsparter utanför ett land eller en världsdel",
          ("plats",), plats="Europa"),
    _spec("detail_missing_year", "Frågan gäller ett årtal som svaret inte anger"),
    _spec("detail_missing_amount", "Frågan gäller ett belopp som svaret inte anger"),
    _spec("detail_missing_person", "Frågan gäller en persons namn som svaret inte anger"),
    _spec("detail_missing_contact", "Frågan gäller ett telefonnummer eller en e-postadress som svaret inte anger"),
    _spec("detail_missing_count", "Frågan gäller ett antal som svaret inte anger"),
    _spec("partners_other_than", "Rubrik till samarbetsparter utom de som nämndes", ("namn",), namn="Herning"),
    _spec("partners_none_other_than", "Inga fler samarbetsparter än de som nämndes", ("namn",), namn="Herning"),
    _spec("partners_none_outside_place", "Inga samarbetsparter utanför ett land eller en världsdel",
          ("plats",), plats="Europa"),
    # The kinds of partner, in the plural, as {typ} in the lists' headings ("partner" is
    # never asked for: every contact is one).
    _spec("kind_twin_town", "Typen vänort, i plural (vänorter)"),
    _spec("kind_network", "Typen nätverk, i plural (nätverk)"),
    _spec("kind_regional", "Typen regional organisation, i plural (regionala organisationer)"),
    # English answers only: what an item without an English version is sent with.
    _spec("only_in_swedish", "Not under ett svar som bara finns på svenska (visas i engelska svar)"),
)}


_FORMATTER = string.Formatter()


class TemplateError(ValueError):
    """A template's braces cannot be read (for example a lone "{")."""


def placeholders(template: str) -> list[str]:
    """The placeholder names in a template, in order ("{{" and "}}" are literal braces)."""
    try:
        return [name for _text, name, _spec, _conv in _FORMATTER.parse(template) if name is not None]
    except ValueError as error:
        raise TemplateError(str(error)) from error


def _braces(names: list[str]) -> str:
    return ", ".join("{" + name + "}" for name in names)


def problem(spec: TextSpec, template: str) -> str:
    """What is wrong with a template, in Swedish for staff; "" when it is fine."""
    if not template.strip():
        return "Texten måste fyllas i."
    if len(template) > MAX_CHARS:
        return f"Texten får vara högst {MAX_CHARS} tecken (nu {len(template)})."
    try:
        used = placeholders(template)
    except TemplateError:
        return ("Texten har en klammerparentes som inte hör till någon platshållare. "
                "Skriv platshållare som {namn}, och skriv {{ eller }} för en klammerparentes i texten.")
    unknown = sorted({name for name in used if name not in spec.allowed})
    if unknown:
        allowed = (f"Du kan använda {_braces(list(spec.allowed))}." if spec.allowed
                   else "Den här texten har inga platshållare.")
        word = "Platshållaren" if len(unknown) == 1 else "Platshållarna"
        return f"{word} {_braces(unknown)} finns inte för den här texten. {allowed}"
    missing = [name for name in spec.required if name not in used]
    if missing:
        word = "platshållaren" if len(missing) == 1 else "platshållarna"
        return f"Texten måste innehålla {word} {_braces(missing)}."
    return ""


def fill(template: str, values: dict[str, object]) -> str:
    """The template with its placeholders replaced; a placeholder without a value stays as written."""
    parts = []
    for text, name, _spec, _conv in _FORMATTER.parse(template):
        parts.append(text)
        if name is not None:
            parts.append(str(values[name]) if name in values else "{" + name + "}")
    return "".join(parts)


def example(key: str, template: str) -> str:
    """The template filled in with the spec's example values, for the portal's preview."""
    return fill(template, dict(SPECS[key].examples))


# A bot text's column (and bundle field) in each language.
COLUMN = {"sv": "text", "en": "text_en"}


@cache
def _seed(path: Path, language: str) -> dict[str, str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    column = COLUMN[language]
    return {entry["key"]: entry[column] for entry in data.get("texts") or [] if entry.get(column)}


def defaults(path: Path = SEED_FILE, language: str = "sv") -> dict[str, str]:
    """The default wording of every key in a language, from the seed file (no database involved)."""
    return dict(_seed(path, language))


def default(key: str, language: str = "sv", **values: object) -> str:
    """A default text filled in: the safe path when the content store is down."""
    wording = _seed(SEED_FILE, language)
    return fill(wording.get(key) or _seed(SEED_FILE, "sv")[key], values)
