"""What declaring a content type takes: its model, fields, Swedish words, record and rules.

Each module beside this one declares one type. History, the bundle, the
editor and the repository loop over the declarations, so a type is described
once. A field declared `translated` gets an English twin `<name>_en` right
after it (optional, a nullable column), so all of them cover both languages.
A declaration is checked when it is made: a missing validator, or a field its
model lacks, stops the import of bot.content.types.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.content.matching import normalise
from bot.content.models import SOURCES, Sourced
from bot.content.types import checks

WIDGETS = ("text", "markdown", "textarea", "lines", "select", "date", "url", "position", "key", "fixed")
LANGUAGES = ("sv", "en")  # Swedish is the main language and the default
ENGLISH_SUFFIX = "_en"  # the English version of field `title` is the field (and column) `title_en`
# Widgets of the long texts an answer is made of: a missing English one is sent
# in Swedish with a short English note (ContentRepository); short ones fall back silently.
LONG_TEXT_WIDGETS = ("markdown", "textarea")


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # Swedish: the editor's messages, conflicts and diffs name the field by it
    widget: str = "text"  # how staff write the value: one of WIDGETS
    required: bool = False
    check: checks.Check | None = None  # None: the widget's usual check
    choices: tuple[tuple[str, str], ...] = ()  # a select's stored values and their Swedish labels
    in_bundle: bool = True  # False: the import derives it (a position is the bundle's order)
    translated: bool = False  # True: the type also has an English version of it (`<name>_en`)
    english_of: str = ""  # the Swedish field this field is the English version of ("" if none)

    def problem(self, value: Any) -> str:
        """What is wrong with a value, in Swedish ("" if nothing)."""
        return (self.check or self._usual_check())(value)

    def _usual_check(self) -> checks.Check:
        if self.widget == "date":
            return checks.date
        if self.widget == "select":
            return checks.one_of(tuple(value for value, _label in self.choices))
        if self.widget == "lines":
            return checks.texts
        return checks.text if self.required else checks.optional_text

    @property
    def empty(self) -> Any:
        """The value an optional field gets when a bundle leaves it out."""
        return [] if self.widget == "lines" else ""

    def english(self) -> Field:
        """The English version of a translated field: optional, so an item may lack it
        (older stores and bundles; the bot then answers in Swedish with a note)."""
        return Field(self.name + ENGLISH_SUFFIX, f"{self.label} på engelska", self.widget,
                     check=_optional(self.check) if self.check else None,
                     english_of=self.name)


def _optional(check: checks.Check) -> checks.Check:
    """A required field's check that also lets the English version be left empty."""
    return lambda value: "" if _empty(value) else check(value)


def english_fields(fields: tuple[Field, ...]) -> tuple[Field, ...]:
    """The fields with each translated one followed by its English version."""
    return tuple(f for own in fields for f in ((own, own.english()) if own.translated else (own,)))


def _empty(value: Any) -> bool:
    return value in ("", [], None)


def same_value(old: Any, new: Any) -> bool:
    """Whether two stored values are the same; an English version a version from
    before English did not have (None) is the same as an empty one."""
    return old == new or (_empty(old) and _empty(new))


@dataclass(frozen=True)
class Localised:
    """A stored row as the bot reads it in one language: a translated field gives
    its English version in English, else the Swedish one (a long text then ends
    with `note`, the bot text "only in Swedish"); every other attribute is the row's."""

    row: Any
    language: str = "sv"
    note: str = ""

    def __getattr__(self, name: str) -> Any:
        row = self.__dict__["row"]
        swedish = getattr(row, name)
        if self.language == "sv" or not hasattr(row, name + ENGLISH_SUFFIX):
            return swedish
        english = getattr(row, name + ENGLISH_SUFFIX)
        if not _empty(english):
            return english
        long_text = TYPE_WIDGETS.get((type(row), name)) in LONG_TEXT_WIDGETS
        return f"{swedish}\n\n{self.note}" if long_text and swedish and self.note else swedish

    def every(self, name: str) -> tuple[str, ...]:
        """The field in every language it is written in, a list's lines one by one
        (for matching residents' wording)."""
        values = (getattr(self.row, name), getattr(self.row, name + ENGLISH_SUFFIX, None))
        lines = [line for v in values if not _empty(v) for line in (v if isinstance(v, list) else [v])]
        return tuple(dict.fromkeys(lines))


# (model, field name) → widget, for every declared type (filled in as types are declared).
TYPE_WIDGETS: dict[tuple[type, str], str] = {}

# What an item cites, in a bundle: "page" and the page's date, or "staff" and the
# day staff last changed it. Written by the export, so an import keeps it.
PROVENANCE_FIELDS = (
    Field("source", "Källa", "select", choices=tuple((source, source) for source in SOURCES)),
    Field("source_date", "Källans datum", "date"),
)


@dataclass(frozen=True)
class Unique:
    """Values that may occur only once in a bundle section (without case or diacritics)."""

    what: str  # Swedish, for the problem: "ämnesnyckeln ”x” förekommer mer än en gång"
    values: Callable[[Mapping[str, Any]], Iterable[str]]


@dataclass
class SaveContext:
    """What a type's rules may consult while one item is saved."""

    session: Session
    model: Any
    row: Any | None  # the stored row being changed; None for a new item
    domain_file: Path  # the Rasa project's domain.yml, for the topics the bot needs
    _others: list[Any] | None = field(default=None, init=False, repr=False)

    def others(self) -> list[Any]:
        """Every other stored row of the type (read once per save)."""
        if self._others is None:
            query = select(self.model)
            if self.row is not None:
                query = query.where(self.model.id != self.row.id)
            self._others = list(self.session.execute(query).scalars())
        return self._others

    def clash(self, name: str, value: str) -> Any | None:
        """Another stored row whose field `name` is `value` (without case or diacritics)."""
        wanted = normalise(value)
        return next((other for other in self.others() if normalise(getattr(other, name)) == wanted), None)


# A type's own rules, after the field checks: they add Swedish messages to `errors`
# (field name → message) and may fill in a value the form left empty.
Validator = Callable[[dict[str, Any], dict[str, str], SaveContext], None]
# Problems a whole bundle section has beyond its fields: (the record or None, reason).
BundleCheck = Callable[[list[Mapping[str, Any]]], list[tuple[Mapping[str, Any] | None, str]]]


@dataclass(frozen=True)
class ContentType:
    name: str  # the entity type in the history ("topic")
    model: Any  # the SQLAlchemy model
    fields: tuple[Field, ...]  # in the editor's order; a version's snapshot keeps exactly these
    validate: Validator
    label: str  # Swedish, plural ("Ämnessvar")
    singular: str  # Swedish, definite ("ämnet"), in messages such as "Ämnet har tagits bort"
    pronoun: str  # "det" or "den", as in "sedan du öppnade det"
    section: str  # the bundle's section ("topics")
    noun: str  # Swedish, one record of the section in the import's problems ("ämne")
    title_field: str
    order_by: str  # the editor's order
    record: Callable[[Any], Any] | None = None  # the plain view the bot reads (None: it reads none)
    unique: tuple[Unique, ...] = ()
    can_create: bool = True
    can_delete: bool = True
    ordered: bool = False  # items keep a `position`, numbered 1..n without gaps
    single: bool = False  # exactly one row, a mapping in the bundle (the site)
    optional_section: bool = False  # a bundle may leave the section out
    default_source: str = "page"  # what an imported item cites when the bundle does not say
    bundle_order: str = ""  # the export's order when it is not the stored one
    title_of: Callable[[Mapping[str, Any]], str] | None = None  # when the title field is not enough
    why_kept: Callable[[Any, Path], str] | None = None  # why a row cannot be deleted ("" if it can)
    bundle_rows: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None  # rows an import writes
    check_bundle: BundleCheck | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", english_fields(self.fields))
        TYPE_WIDGETS.update({(self.model, f.name): f.widget for f in self.fields})
        columns = set(self.model.__table__.columns.keys())
        named = [f.name for f in self.fields] + [self.title_field, self.order_by, self.bundle_order or "id"]
        missing = [name for name in named if name not in columns]
        if missing:
            raise TypeError(f"content type {self.name!r}: {self.model.__name__} has no column {missing}")
        unknown = [f.name for f in self.fields if f.widget not in WIDGETS]
        if unknown or not callable(self.validate):
            raise TypeError(f"content type {self.name!r}: unknown widgets {unknown} or no validator")

    def title_for(self, values: Mapping[str, Any]) -> str:
        """How staff name an item with these values."""
        if self.title_of is not None:
            return self.title_of(values)
        return str(values.get(self.title_field) or "")

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def translated(self) -> tuple[Field, ...]:
        """The Swedish fields that have an English version."""
        return tuple(f for f in self.fields if f.translated)

    def missing_english(self, values: Mapping[str, Any]) -> list[Field]:
        """The translated fields whose Swedish text is given but whose English one is not."""
        return [f for f in self.translated
                if not _empty(values.get(f.name)) and _empty(values.get(f.name + ENGLISH_SUFFIX))]

    @property
    def sourced(self) -> bool:
        """Whether its items cite a source of their own (bot/content/citations.py)."""
        return issubclass(self.model, Sourced)

    @property
    def bundle_fields(self) -> tuple[Field, ...]:
        """The fields a bundle record may hold, in the export's order."""
        own = tuple(f for f in self.fields if f.in_bundle)
        return own + PROVENANCE_FIELDS if self.sourced else own

    @property
    def stored_order(self) -> str:
        """The order the bot reads items in: by position, else as they were added."""
        return "position" if self.ordered else "id"
