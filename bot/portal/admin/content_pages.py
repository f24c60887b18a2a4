"""What the portal shows for each content type beyond its declaration: the
address of its pages, the button that adds one, the paragraph that explains
it, a hint under each field, the list's filters and its word in the import's
summary. Only the portal says these words; the type's own (its labels, its
messages) are in its declaration (bot/content/types/).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.content.items import Item
from bot.content.types import FOCUS_AREAS, PARTNERS, QA, SITE, TEXTS, TOPICS, TYPES, ContentType
from bot.content.types.topic import protected_topic_keys


@dataclass(frozen=True)
class Filter:
    name: str
    label: str
    choices: Callable[[list[Item]], list[tuple[str, str]]]
    test: Callable[[Item, str], bool]


def _distinct(name: str) -> Callable[[list[Item]], list[tuple[str, str]]]:
    def choices(items: list[Item]) -> list[tuple[str, str]]:
        values = sorted({str(i.values.get(name) or "") for i in items} - {""})
        return [(v, v) for v in values]

    return choices


def _field_is(kind: ContentType, name: str) -> Filter:
    """A filter on one field's value, under the field's label, offering its choices (or the values in use)."""
    own = kind.field(name)

    def test(item: Item, value: str) -> bool:
        return item.values[name] == value

    return Filter(name, own.label, (lambda _items: list(own.choices)) if own.choices else _distinct(name), test)


@dataclass(frozen=True)
class ContentPage:
    """One content type in the portal. Everything else a template asks of it
    (name, label, fields, rules) is the type's declaration."""

    type: ContentType
    slug: str  # the URL segment: /admin/content/<slug>
    description: str
    new_label: str = ""  # the button that adds an item (types that can be created)
    hints: Mapping[str, str] = field(default_factory=dict)  # field name → a line under the field
    filters: tuple[Filter, ...] = ()
    counted: str = ""  # plural in the import's summary ("16 ämnen"); "" leaves the type out

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.type, name)

    def narrowed(self, items: list[Item], chosen: Mapping[str, str]) -> list[Item]:
        """The items that pass every filter given a value."""
        for flt in self.filters:
            value = chosen.get(flt.name) or ""
            if value:
                items = [item for item in items if flt.test(item, value)]
        return items


_USED = Filter("used", "Används av boten", lambda _items: [("ja", "Ja"), ("nej", "Nej")],
               lambda item, value: (item.values["key"] in protected_topic_keys()) == (value == "ja"))

# In the menu's order.
PAGES: dict[str, ContentPage] = {page.slug: page for page in (
    ContentPage(
        TOPICS, "topics", new_label="Nytt ämne", counted="ämnen", filters=(_USED,),
        description=(
            "Svaren på de frågor boten är tränad att känna igen. Ett nytt ämne används först när "
            "boten har tränats på frågor om det. Nya frågor som ska fungera direkt lägger du "
            "under Frågor och svar."
        ),
        hints={
            "key": "Små bokstäver a–z, siffror och understreck, t.ex. contact.",
            "body": "Skrivs i Markdown. Boten skickar svaret som text och lägger till källan.",
        },
    ),
    ContentPage(
        FOCUS_AREAS, "focus-areas", new_label="Nytt fokusområde", counted="fokusområden",
        description="Den internationella policyns prioriterade fokusområden, i policyns ordning.",
        hints={
            "position": "Övriga fokusområden flyttas så att ordningen hålls obruten.",
            "description": "Frivillig. Skrivs i Markdown.",
            "aliases": "Ett ord eller uttryck per rad. Hjälper boten att känna igen frågor om området.",
        },
    ),
    ContentPage(
        PARTNERS, "partners", new_label="Ny samarbetspart", counted="samarbetsparter",
        filters=(_field_is(PARTNERS, "kind"), _field_is(PARTNERS, "continent")),
        description="Vänorter, samarbetsparter, nätverk och regionala organisationer.",
        hints={
            "description": "Skrivs i Markdown. Boten svarar med den när någon frågar om parten.",
            "aliases": "Ett namn per rad, t.ex. stavningar eller förkortningar.",
        },
    ),
    ContentPage(
        QA, "qa", new_label="Ny fråga", counted="frågor",
        description=(
            "Egna frågor med svar. Boten hittar dem utifrån exempelfrågorna redan vid nästa "
            "meddelande, utan ny träning, när den inte känner igen frågan på annat sätt."
        ),
        hints={
            "answer": "Skrivs i Markdown. Boten skickar svaret som text.",
            "examples": "En fråga per rad, formulerad som invånare skulle skriva den. Skriv gärna tre eller fler.",
        },
    ),
    ContentPage(
        TEXTS, "texts",
        description=(
            "Botens egna meningar: hälsningen, inledningar och rubriker i svaren, svaret när boten "
            "inte känner till något och felmeddelandena. Ord inom klammerparenteser, som {namn}, "
            "fyller boten i när den svarar."
        ),
        hints={
            "key": "Kopplar texten till boten och kan inte ändras.",
            "text": ("Skriv platshållarna precis som de står, med klammerparenteser. Skriv {{ eller }} "
                     "om texten ska innehålla en klammerparentes."),
        },
    ),
    ContentPage(
        SITE, "site",
        description=(
            "Sidan som svaren bygger på, dess adress och datumet den uppdaterades. Varje faktasvar "
            "hänvisar hit. Kontaktuppgifterna som boten ger står i ämnet ”Kontakt” under Ämnessvar."
        ),
        hints={
            "municipality_url": "Startsidan. Svar från kommunens egna uppgifter länkar hit.",
            "source_url": ("Adressen till själva sidan, inte kommunens startsida. Källhänvisningen i svaren "
                           "länkar hit. Lämna tomt om du inte vet den; då länkar svaren till kommunens "
                           "webbplats."),
            "last_updated": "Skriv datumet som ÅÅÅÅ-MM-DD.",
        },
    ),
)}
PAGE_OF_TYPE: dict[str, ContentPage] = {page.type.name: page for page in PAGES.values()}

_unshown = set(TYPES) ^ set(PAGE_OF_TYPE)
if _unshown:
    raise RuntimeError(f"content types without a page in the portal, or pages without a type: {_unshown}")
