"""The write side of the content store, used by the portal's editor.

Every content type (topics, focus areas, partners, the source page and staff
Q&A entries) is listed, searched, created, updated and deleted here. Each
write:

* is validated first, with Swedish messages per field (`ValidationFailed`);
  the field rules are the bundle import's (`bundle.*_SPEC`), so the portal
  and `python -m bot content import` accept the same content;
* takes the `version` the editor loaded, and refuses a stale one with
  `EditConflict`, which says who saved what in the meantime (optimistic
  locking; the `version_id_col` guards the last moment as well);
* writes a `ContentVersion` (who, when, snapshot), so history and restore
  work for every item.

Reads and writes open a short session each, so the bot (which reads through
`ContentRepository`) sees a saved change on its very next message.
"""
from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from bot.content import bundle, history, models, texts
from bot.content.db import session_factory
from bot.content.diffs import word_diff
from bot.content.matching import normalise
from bot.content.records import Provenance
from bot.paths import ROOT

DOMAIN_FILE = ROOT / "domain.yml"

KIND_LABELS = {
    "twin_town": "vänort",
    "partner": "samarbetspart",
    "network": "nätverk",
    "regional": "regional organisation",
}


# ---------------------------------------------------------------- errors


class EditorError(Exception):
    """Base class of everything the editor refuses."""


class NotFound(EditorError, LookupError):
    def __init__(self, kind: "Kind", item_id: Any) -> None:
        super().__init__(f"{kind.singular.capitalize()} med id {item_id} finns inte (längre).")


class ValidationFailed(EditorError, ValueError):
    """Per-field messages (`""` for the form as a whole), in Swedish."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("\n".join(self.errors.values()))


@dataclass(frozen=True)
class Change:
    """One field another person changed after the editor loaded the item."""

    field: str
    label: str
    loaded: Any
    current: Any


class EditConflict(EditorError):
    """The item was saved by someone else after the editor loaded it."""

    def __init__(self, kind: "Kind", current: Optional["Item"], loaded_version: int,
                 changes: Sequence[Change], last: Optional["VersionEntry"]) -> None:
        self.kind = kind
        self.current = current  # None when the other person deleted it
        self.loaded_version = loaded_version
        self.changes = list(changes)
        self.last = last
        who = f" av {last.username}" if last else ""
        if current is None:
            message = (f"{kind.singular.capitalize()} har tagits bort{who} sedan du öppnade "
                       f"{kind.pronoun}. Dina ändringar har inte sparats.")
        else:
            message = (
                f"{kind.singular.capitalize()} har ändrats{who} sedan du öppnade {kind.pronoun} "
                f"(du öppnade version {loaded_version}, nu gäller version {current.version}). "
                "Dina ändringar har inte sparats, så att inget skrivs över."
            )
        super().__init__(message)


# ---------------------------------------------------------------- content types


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    widget: str = "text"  # text | textarea | markdown | lines | select | date | url | position | key | fixed
    hint: str = ""
    choices: Tuple[Tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Filter:
    name: str
    label: str
    choices: Callable[[List["Item"]], List[Tuple[str, str]]]
    test: Callable[["Item", str], bool]


@dataclass(frozen=True)
class Kind:
    name: str  # entity type in history
    slug: str  # URL segment
    label: str  # plural heading
    singular: str  # "ämnet", used in messages ("… har tagits bort")
    pronoun: str  # "det" or "den", for "sedan du öppnade det"
    new_label: str  # button text
    model: Any
    fields: Tuple[Field, ...]
    spec: Dict[str, Tuple[bool, Callable[[Any], str]]]
    title_field: str
    order_by: str
    description: str = ""
    can_create: bool = True
    can_delete: bool = True
    filters: Tuple[Filter, ...] = ()
    # How staff name an item when its title field is not enough (a text's Swedish label).
    title_of: Optional[Callable[[Mapping[str, Any]], str]] = None

    def title_for(self, values: Mapping[str, Any]) -> str:
        if self.title_of is not None:
            return self.title_of(values)
        return str(values.get(self.title_field) or "")

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def field_names(self) -> Tuple[str, ...]:
        return history.FIELDS[self.name]


def _distinct(name: str) -> Callable[[List["Item"]], List[Tuple[str, str]]]:
    def choices(items: List["Item"]) -> List[Tuple[str, str]]:
        values = sorted({str(i.values.get(name) or "") for i in items} - {""})
        return [(v, v) for v in values]

    return choices


KINDS: Dict[str, Kind] = {}


def _register(kind: Kind) -> Kind:
    KINDS[kind.slug] = kind
    return kind


TOPICS = _register(Kind(
    name="topic", slug="topics", label="Ämnessvar", singular="ämnet", pronoun="det", new_label="Nytt ämne",
    model=models.Topic, spec=bundle.TOPIC_SPEC, title_field="title", order_by="key",
    description=(
        "Svaren på de frågor boten är tränad att känna igen. Ett nytt ämne används först när "
        "boten har tränats på frågor om det. Nya frågor som ska fungera direkt lägger du "
        "under Frågor och svar."
    ),
    fields=(
        Field("key", "Nyckel", "key", "Små bokstäver a–z, siffror och understreck, t.ex. contact."),
        Field("title", "Rubrik"),
        Field("body", "Svar", "markdown", "Skrivs i Markdown. Boten skickar svaret som text och lägger till källan."),
    ),
    filters=(
        Filter("used", "Används av boten",
               lambda _items: [("ja", "Ja"), ("nej", "Nej")],
               lambda item, value: (item.values["key"] in protected_topic_keys()) == (value == "ja")),
    ),
))
FOCUS_AREAS = _register(Kind(
    name="focus_area", slug="focus-areas", label="Fokusområden", singular="fokusområdet", pronoun="det",
    new_label="Nytt fokusområde", model=models.FocusArea, spec=bundle.FOCUS_AREA_SPEC,
    title_field="title", order_by="position",
    description="Den internationella policyns prioriterade fokusområden, i policyns ordning.",
    fields=(
        Field("position", "Plats i ordningen", "position", "Övriga fokusområden flyttas så att ordningen hålls obruten."),
        Field("title", "Rubrik"),
        Field("description", "Beskrivning", "markdown", "Frivillig. Skrivs i Markdown."),
        Field("aliases", "Sökord", "lines", "Ett ord eller uttryck per rad. Hjälper boten att känna igen frågor om området."),
    ),
))
PARTNERS = _register(Kind(
    name="partner", slug="partners", label="Samarbetsparter", singular="samarbetsparten", pronoun="den",
    new_label="Ny samarbetspart", model=models.Partner, spec=bundle.PARTNER_SPEC,
    title_field="name", order_by="name",
    description="Vänorter, samarbetsparter, nätverk och regionala organisationer.",
    fields=(
        Field("name", "Namn"),
        Field("country", "Land"),
        Field("continent", "Världsdel"),
        Field("kind", "Typ", "select", "", tuple((k, KIND_LABELS[k].capitalize()) for k in models.PARTNER_KINDS)),
        Field("description", "Beskrivning", "markdown", "Skrivs i Markdown. Boten svarar med den när någon frågar om parten."),
        Field("aliases", "Andra namn", "lines", "Ett namn per rad, t.ex. stavningar eller förkortningar."),
    ),
    filters=(
        Filter("kind", "Typ",
               lambda _items: [(k, KIND_LABELS[k].capitalize()) for k in models.PARTNER_KINDS],
               lambda item, value: item.values["kind"] == value),
        Filter("continent", "Världsdel", _distinct("continent"),
               lambda item, value: item.values["continent"] == value),
    ),
))
QA = _register(Kind(
    name="qa", slug="qa", label="Frågor och svar", singular="frågan", pronoun="den", new_label="Ny fråga",
    model=models.QAEntry, spec=bundle.QA_SPEC, title_field="title", order_by="title",
    description=(
        "Egna frågor med svar. Boten hittar dem utifrån exempelfrågorna redan vid nästa "
        "meddelande, utan ny träning, när den inte känner igen frågan på annat sätt."
    ),
    fields=(
        Field("title", "Fråga (rubrik)"),
        Field("answer", "Svar", "markdown", "Skrivs i Markdown. Boten skickar svaret som text."),
        Field("examples", "Exempelfrågor", "lines",
              "En fråga per rad, formulerad som invånare skulle skriva den. Skriv gärna tre eller fler."),
    ),
))
TEXTS = _register(Kind(
    name="text", slug="texts", label="Botens formuleringar", singular="formuleringen", pronoun="den",
    new_label="", model=models.BotText, spec=bundle.TEXT_SPEC, title_field="key", order_by="id",
    description=(
        "Botens egna meningar: hälsningen, inledningar och rubriker i svaren, svaret när boten "
        "inte känner till något och felmeddelandena. Ord inom klammerparenteser, som {namn}, "
        "fyller boten i när den svarar."
    ),
    can_create=False, can_delete=False,
    title_of=lambda values: texts.SPECS[values["key"]].label if values.get("key") in texts.SPECS
    else str(values.get("key") or ""),
    fields=(
        Field("key", "Nyckel", "fixed", "Kopplar texten till boten och kan inte ändras."),
        Field("text", "Text", "textarea",
              "Skriv platshållarna precis som de står, med klammerparenteser. Skriv {{ eller }} "
              "om texten ska innehålla en klammerparentes."),
    ),
))
SITE = _register(Kind(
    name="site", slug="site", label="Källa och kommun", singular="källan", pronoun="den", new_label="",
    model=models.SiteInfo, spec=bundle.SITE_SPEC, title_field="source_title", order_by="id",
    description=(
        "Sidan som svaren bygger på, dess adress och datumet den uppdaterades. Varje faktasvar "
        "hänvisar hit. Kontaktuppgifterna som boten ger står i ämnet ”Kontakt” under Ämnessvar."
    ),
    can_create=False, can_delete=False,
    fields=(
        Field("municipality", "Kommun"),
        Field("municipality_url", "Kommunens webbplats", "url",
              "Startsidan. Svar från kommunens egna uppgifter länkar hit."),
        Field("source_title", "Källsidans rubrik"),
        Field("source_url", "Källsidans egen adress", "url",
              "Adressen till själva sidan, inte kommunens startsida. Källhänvisningen i svaren "
              "länkar hit. Lämna tomt om du inte vet den; då länkar svaren till kommunens webbplats."),
        Field("last_updated", "Källsidan senast uppdaterad", "date", "Skriv datumet som ÅÅÅÅ-MM-DD."),
    ),
))
KIND_BY_NAME = {kind.name: kind for kind in KINDS.values()}


# ---------------------------------------------------------------- protected topics


@lru_cache(maxsize=4)
def _domain_intents(path: Path, _mtime: float) -> Tuple[str, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    intents = []
    for entry in data.get("intents") or []:
        intents.append(next(iter(entry)) if isinstance(entry, dict) else str(entry))
    return tuple(intents)


def domain_intents(path: Path = DOMAIN_FILE) -> Tuple[str, ...]:
    """The intents in domain.yml (re-read when the file changes)."""
    try:
        return _domain_intents(path, path.stat().st_mtime)
    except FileNotFoundError:
        return ()


def protected_topic_keys(path: Path = DOMAIN_FILE) -> Dict[str, str]:
    """Topic keys the bot needs → why: its standard replies and every `ask_<key>` intent."""
    keys = {key: "boten behöver ämnet för sina standardsvar" for key in bundle.REQUIRED_TOPICS}
    for intent in domain_intents(path):
        if intent.startswith("ask_"):
            keys.setdefault(intent[4:], f"boten behöver ämnet för avsikten {intent}")
    return keys


# ---------------------------------------------------------------- values


@dataclass(frozen=True)
class Item:
    kind: Kind
    id: int
    version: int
    updated_at: dt.datetime
    values: Dict[str, Any]
    provenance: Optional[Provenance] = None  # what the bot cites for it (None: not an item that cites)

    @property
    def title(self) -> str:
        return self.kind.title_for(self.values)


@dataclass(frozen=True)
class VersionEntry:
    id: int
    entity_type: str
    entity_id: Optional[int]
    version: int
    action: str
    username: str
    created_at: dt.datetime
    snapshot: Dict[str, Any]

    @property
    def action_label(self) -> str:
        return history.ACTIONS.get(self.action, self.action)

    @property
    def title(self) -> str:
        return KIND_BY_NAME[self.entity_type].title_for(self.snapshot)


def _version_entry(row: models.ContentVersion) -> VersionEntry:
    return VersionEntry(row.id, row.entity_type, row.entity_id, row.version, row.action, row.username,
                        row.created_at, dict(row.snapshot))


@dataclass(frozen=True)
class FieldDiff:
    field: str
    label: str
    segments: List[Tuple[str, str]]  # ("=" | "+" | "-", text), word by word (bot/content/diffs.py)


@dataclass
class SearchHit:
    kind: Kind
    item: Item
    field_labels: List[str] = field(default_factory=list)


def _as_lines(value: Any) -> List[str]:
    if isinstance(value, (list, tuple)):
        items = value
    else:
        items = str(value or "").splitlines()
    return [str(v).strip() for v in items if str(v).strip()]


def clean(kind: Kind, raw: Mapping[str, Any]) -> Tuple[Dict[str, Any], Dict[str, str]]:
    """Form strings (or Python values) → typed values, and type errors per field."""
    values: Dict[str, Any] = {}
    errors: Dict[str, str] = {}
    for spec_field in kind.fields:
        name, value = spec_field.name, raw.get(spec_field.name)
        if spec_field.widget == "lines":
            values[name] = _as_lines(value)
        elif spec_field.widget == "date":
            if isinstance(value, dt.date):
                values[name] = value
            else:
                text = str(value or "").strip()
                try:
                    values[name] = dt.date.fromisoformat(text) if text else None
                except ValueError:
                    values[name] = text
                    errors[name] = f"”{spec_field.label}” ska vara ett datum på formen ÅÅÅÅ-MM-DD, till exempel 2023-05-08."
        elif spec_field.widget == "position":
            text = str(value if value is not None else "").strip()
            values[name] = int(text) if text.isdigit() else None
            if text and not text.isdigit():
                errors[name] = f"”{spec_field.label}” ska vara ett heltal."
        elif spec_field.widget in ("markdown", "textarea"):
            values[name] = str(value or "").replace("\r\n", "\n").strip()
        else:
            values[name] = " ".join(str(value or "").split())
    return values, errors


def _max_length(kind: Kind, name: str) -> Optional[int]:
    column = getattr(kind.model, name).property.columns[0]
    return getattr(column.type, "length", None)


def _written_by_staff(row: Any) -> None:
    """An item staff create or change cites the municipality, on the day of the change."""
    if isinstance(row, models.Sourced):
        row.source, row.source_date = "staff", dt.date.today()


def _bundle_value(value: Any) -> Any:
    """Values as the bundle's checks expect them (an empty text stays a text)."""
    return "" if value is None else value


# ---------------------------------------------------------------- the editor


class ContentEditor:
    """Create, read, update and delete every content type, with history."""

    def __init__(self, sessions: Optional[sessionmaker] = None, domain_file: Path = DOMAIN_FILE) -> None:
        self._sessions = sessions or session_factory()
        self._domain_file = domain_file

    @property
    def sessions(self) -> sessionmaker:
        return self._sessions

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    # ------------------------------------------------------------ reading

    def _item(self, kind: Kind, row: Any) -> Item:
        data = history.snapshot(row)
        values = {name: data[name] for name in kind.field_names}
        provenance = Provenance(row.source, row.source_date) if isinstance(row, models.Sourced) else None
        return Item(kind, row.id, row.version, row.updated_at, values, provenance)

    def _row(self, session: Session, kind: Kind, item_id: int) -> Any:
        row = session.get(kind.model, item_id)
        if row is None:
            raise NotFound(kind, item_id)
        return row

    def get(self, kind: Kind, item_id: int) -> Item:
        with self._sessions() as session:
            return self._item(kind, self._row(session, kind, item_id))

    def list(self, kind: Kind, query: str = "", filters: Optional[Mapping[str, str]] = None) -> List[Item]:
        """Every item of a kind in its natural order, narrowed by a search text
        (case and å/ä/ö insensitive) and by the kind's filters."""
        with self._sessions() as session:
            rows = session.execute(
                select(kind.model).order_by(getattr(kind.model, kind.order_by), kind.model.id)
            ).scalars()
            items = [self._item(kind, row) for row in rows]
        if query.strip():
            items = [item for item in items if self._matching_fields(item, query)]
        for flt in kind.filters:
            value = (filters or {}).get(flt.name) or ""
            if value:
                items = [item for item in items if flt.test(item, value)]
        return items

    @staticmethod
    def _matching_fields(item: Item, query: str) -> List[str]:
        wanted = normalise(query)
        return [
            item.kind.field(name).label
            for name, value in item.values.items()
            if wanted and wanted in normalise(" ".join(_as_lines(value)) if isinstance(value, list) else str(value))
        ]

    def search(self, query: str) -> List[SearchHit]:
        """Search every content type at once."""
        hits: List[SearchHit] = []
        if not normalise(query):
            return hits
        for kind in KINDS.values():
            for item in self.list(kind):
                labels = self._matching_fields(item, query)
                if labels:
                    hits.append(SearchHit(kind, item, labels))
        return hits

    def count(self, kind: Kind) -> int:
        with self._sessions() as session:
            return session.execute(select(func.count()).select_from(kind.model)).scalar_one()

    def protected_topics(self) -> Dict[str, str]:
        return protected_topic_keys(self._domain_file)

    # ------------------------------------------------------------ validation

    def _validate(self, session: Session, kind: Kind, values: Dict[str, Any],
                  errors: Dict[str, str], row: Any = None) -> None:
        for name, (required, check) in kind.spec.items():
            if name in errors:
                continue
            label = kind.field(name).label
            value = values.get(name)
            empty = value is None or value == "" or value == []
            if empty and required:
                errors[name] = (
                    f"Skriv minst en rad i ”{label}”." if kind.field(name).widget == "lines"
                    else f"Välj ”{label}”." if kind.field(name).widget == "select"
                    else f"”{label}” måste fyllas i."
                )
            elif not empty and check(_bundle_value(value)):
                if name == "kind":
                    choices = ", ".join(KIND_LABELS[k] for k in models.PARTNER_KINDS)
                    errors[name] = f"”{label}” ska vara en av: {choices}."
                else:
                    errors[name] = f"”{label}” {check(_bundle_value(value))}."
            limit = _max_length(kind, name)
            if name not in errors and limit and isinstance(value, str) and len(value) > limit:
                errors[name] = f"”{label}” får vara högst {limit} tecken (nu {len(value)})."
            if name not in errors and isinstance(value, list) and limit is None:
                long = next((v for v in value if len(v) > 300), None)
                if long:
                    errors[name] = f"Varje rad i ”{label}” får vara högst 300 tecken."
            if name not in errors and bundle.cap_problem(name, value):
                errors[name] = f"”{label}” {bundle.cap_problem(name, value)}."
        for spec_field in kind.fields:
            value = values.get(spec_field.name)
            if spec_field.widget == "url" and spec_field.name not in errors and value:
                if not re.match(r"^https?://[^\s/]+\.[^\s]+$", value):
                    errors[spec_field.name] = (
                        f"”{spec_field.label}” ska vara en fullständig webbadress som börjar med https://."
                    )
        getattr(self, f"_validate_{kind.name}")(session, kind, values, errors, row)
        if errors:
            raise ValidationFailed(errors)

    @staticmethod
    def _others(session: Session, kind: Kind, row: Any) -> List[Any]:
        query = select(kind.model)
        if row is not None:
            query = query.where(kind.model.id != row.id)
        return list(session.execute(query).scalars())

    def _validate_site(self, session, kind, values, errors, row) -> None:
        page, home = values.get("source_url") or "", values.get("municipality_url") or ""
        if page and "source_url" not in errors and page.rstrip("/") == home.rstrip("/"):
            errors["source_url"] = ("”Källsidans egen adress” är samma som kommunens webbplats. Skriv "
                                    "adressen till själva källsidan, eller lämna fältet tomt.")

    def _validate_topic(self, session, kind, values, errors, row) -> None:
        key = values.get("key") or ""
        if "key" not in errors and key:
            if not re.fullmatch(r"[a-z0-9_]+", key):
                errors["key"] = "”Nyckel” får bara innehålla små bokstäver a–z, siffror och understreck."
            elif any(other.key == key for other in self._others(session, kind, row)):
                errors["key"] = f"Det finns redan ett ämne med nyckeln ”{key}”."
        protected = self.protected_topics()
        if row is not None and row.key in protected and key != row.key and "key" not in errors:
            errors["key"] = f"Nyckeln ”{row.key}” kan inte ändras: {protected[row.key]}."

    def _validate_focus_area(self, session, kind, values, errors, row) -> None:
        count = len(self._others(session, kind, row)) + 1
        position = values.get("position")
        if position is None and "position" not in errors:
            values["position"] = position = row.position if row is not None else count
        if "position" not in errors and not 1 <= position <= count:
            errors["position"] = f"”Plats i ordningen” ska vara ett tal mellan 1 och {count}."
        title = values.get("title") or ""
        if "title" not in errors and title:
            for other in self._others(session, kind, row):
                if normalise(other.title) == normalise(title):
                    errors["title"] = f"Det finns redan ett fokusområde med rubriken ”{other.title}”."
                    break

    def _validate_partner(self, session, kind, values, errors, row) -> None:
        names = [("name", values.get("name") or "")] + [("aliases", a) for a in values.get("aliases") or []]
        seen: Dict[str, str] = {}
        for field_name, name in names:
            if field_name in errors or not name:
                continue
            key = normalise(name)
            if key in seen:
                errors[field_name] = f"”{name}” står mer än en gång bland namnet och de andra namnen."
                continue
            seen[key] = name
            for other in self._others(session, kind, row):
                if key in {normalise(n) for n in (other.name, *other.aliases)}:
                    errors[field_name] = (
                        f"Namnet eller aliaset ”{name}” används redan av samarbetsparten ”{other.name}”."
                    )
                    break

    def _validate_text(self, session, kind, values, errors, row) -> None:
        if row is not None and values.get("key") != row.key:
            errors["key"] = f"Nyckeln ”{row.key}” kan inte ändras."
        spec = texts.SPECS.get(values.get("key") or "")
        if spec is None and "key" not in errors:
            errors["key"] = f"Boten använder ingen text med nyckeln ”{values.get('key')}”."
        elif spec is not None and "text" not in errors:
            problem = texts.problem(spec, values.get("text") or "")
            if problem:
                errors["text"] = problem

    def _validate_qa(self, session, kind, values, errors, row) -> None:
        others = self._others(session, kind, row)
        title = values.get("title") or ""
        if "title" not in errors and title:
            for other in others:
                if normalise(other.title) == normalise(title):
                    errors["title"] = f"Det finns redan en fråga med rubriken ”{other.title}”."
                    break
        if "examples" not in errors:
            seen: Dict[str, str] = {}
            for example in values.get("examples") or []:
                key = normalise(example)
                if key in seen:
                    errors["examples"] = f"Exempelfrågan ”{example}” står mer än en gång."
                    break
                seen[key] = example
                owner = next((o for o in others if key in {normalise(e) for e in o.examples}), None)
                if owner is not None:
                    errors["examples"] = f"Exempelfrågan ”{example}” finns redan i frågan ”{owner.title}”."
                    break

    # ------------------------------------------------------------ writing

    def create(self, kind: Kind, raw: Mapping[str, Any], who: str, *, item_id: Optional[int] = None,
               action: str = "skapad") -> Item:
        """A new item; `item_id` brings a deleted one back under its old id (and history)."""
        if not kind.can_create:
            raise ValidationFailed({"": f"Det går inte att skapa fler av {kind.label.lower()}."})
        values, errors = clean(kind, raw)
        with self._write() as session:
            self._validate(session, kind, values, errors)
            if kind is FOCUS_AREAS:
                self._shift(session, values["position"], None, who)
            row = kind.model(**values) if item_id is None else kind.model(id=item_id, **values)
            _written_by_staff(row)
            session.add(row)
            history.record(session, row, action, who)
            return self._item(kind, row)

    def update(self, kind: Kind, item_id: int, raw: Mapping[str, Any], expected_version: int,
               who: str, action: str = "ändrad") -> Item:
        values, errors = clean(kind, raw)
        try:
            with self._write() as session:
                row = self._current(session, kind, item_id, expected_version)
                self._validate(session, kind, values, errors, row)
                if kind is FOCUS_AREAS and values["position"] != row.position:
                    self._shift(session, values["position"], row, who)
                if all(getattr(row, name) == value for name, value in values.items()):
                    return self._item(kind, row)  # nothing changed: no new version
                for name, value in values.items():
                    setattr(row, name, value)
                _written_by_staff(row)
                history.record(session, row, action, who)
                return self._item(kind, row)
        except StaleDataError:
            raise self._conflict(kind, item_id, expected_version) from None

    def delete(self, kind: Kind, item_id: int, expected_version: int, who: str) -> None:
        if not kind.can_delete:
            raise ValidationFailed({"": f"{kind.singular.capitalize()} kan inte tas bort."})
        try:
            with self._write() as session:
                row = self._current(session, kind, item_id, expected_version)
                if kind is TOPICS:
                    why = self.protected_topics().get(row.key)
                    if why:
                        raise ValidationFailed({"": f"Ämnet ”{row.key}” kan inte tas bort: {why}."})
                history.record(session, row, "borttagen", who)
                session.delete(row)
                session.flush()
                if kind is FOCUS_AREAS:
                    self._close_gap(session, who)
        except StaleDataError:
            raise self._conflict(kind, item_id, expected_version) from None

    def _current(self, session: Session, kind: Kind, item_id: int, expected_version: int) -> Any:
        row = session.get(kind.model, item_id)
        if row is None or row.version != int(expected_version):
            raise self._conflict(kind, item_id, int(expected_version), session)
        return row

    def _shift(self, session: Session, position: int, moving: Any, who: str) -> None:
        """Make room at `position` for a new or moved focus area."""
        rows = list(session.execute(
            select(models.FocusArea).order_by(models.FocusArea.position)
        ).scalars())
        others = [r for r in rows if r is not moving]  # numbered 1.. with a gap at `position`
        for index, row in enumerate(others, start=1):
            new = index if index < position else index + 1
            if row.position != new:
                row.position = new
                history.record(session, row, "flyttad", who)

    def _close_gap(self, session: Session, who: str) -> None:
        rows = session.execute(select(models.FocusArea).order_by(models.FocusArea.position)).scalars()
        for index, row in enumerate(rows, start=1):
            if row.position != index:
                row.position = index
                history.record(session, row, "flyttad", who)

    # ------------------------------------------------------------ conflicts and history

    def _conflict(self, kind: Kind, item_id: int, loaded_version: int,
                  session: Optional[Session] = None) -> EditConflict:
        if session is None:
            with self._sessions() as fresh:
                return self._conflict(kind, item_id, loaded_version, fresh)
        row = session.get(kind.model, item_id)
        session.refresh(row) if row is not None else None
        current = self._item(kind, row) if row is not None else None
        entries = self._entries(session, kind, item_id)
        loaded = next((e for e in entries if e.version == loaded_version), None)
        changes: List[Change] = []
        if current is not None:
            for name in kind.field_names:
                before = loaded.snapshot.get(name) if loaded else None
                after = current.values[name]
                if loaded is None or before != after:
                    changes.append(Change(name, kind.field(name).label, before, after))
        return EditConflict(kind, current, loaded_version, changes, entries[0] if entries else None)

    @staticmethod
    def _entries(session: Session, kind: Kind, item_id: int) -> List[VersionEntry]:
        rows = session.execute(
            select(models.ContentVersion)
            .where(models.ContentVersion.entity_type == kind.name,
                   models.ContentVersion.entity_id == item_id)
            .order_by(models.ContentVersion.id.desc())
        ).scalars()
        return [_version_entry(r) for r in rows]

    def history(self, kind: Kind, item_id: int) -> List[VersionEntry]:
        """Every saved version of an item, newest first (also after it was deleted)."""
        with self._sessions() as session:
            return self._entries(session, kind, item_id)

    def deleted(self, kind: Kind) -> List[VersionEntry]:
        """The deletion of every item of a kind that is still deleted, newest first."""
        with self._sessions() as session:
            existing = set(session.execute(select(kind.model.id)).scalars())
            rows = session.execute(
                select(models.ContentVersion)
                .where(models.ContentVersion.entity_type == kind.name,
                       models.ContentVersion.entity_id.isnot(None))
                .order_by(models.ContentVersion.id.desc())
            ).scalars()
            latest: Dict[int, models.ContentVersion] = {}
            for r in rows:
                latest.setdefault(r.entity_id, r)
            return [_version_entry(r) for r in latest.values()
                    if r.action == "borttagen" and r.entity_id not in existing]

    def recent_changes(self, limit: int = 20) -> List[VersionEntry]:
        with self._sessions() as session:
            rows = session.execute(
                select(models.ContentVersion)
                .where(models.ContentVersion.action != "importerad")
                .order_by(models.ContentVersion.id.desc()).limit(limit)
            ).scalars()
            return [_version_entry(r) for r in rows]

    def version(self, kind: Kind, item_id: int, entry_id: int) -> Tuple[VersionEntry, Optional[VersionEntry]]:
        """One history entry and the one before it (None for the first)."""
        entries = self.history(kind, item_id)
        for index, entry in enumerate(entries):
            if entry.id == entry_id:
                return entry, entries[index + 1] if index + 1 < len(entries) else None
        raise NotFound(kind, f"{item_id}, version {entry_id}")

    @staticmethod
    def diff(kind: Kind, before: Optional[Mapping[str, Any]], after: Mapping[str, Any]) -> List[FieldDiff]:
        """Word-by-word differences per field from `before` to `after`, only for
        fields that changed (every field when there is no `before`)."""
        diffs = []
        for name in kind.field_names:
            old = before.get(name) if before else None
            new = after.get(name)
            if before is not None and old == new:
                continue
            diffs.append(FieldDiff(name, kind.field(name).label, word_diff(old, new)))
        return diffs

    def restore(self, kind: Kind, item_id: int, entry_id: int, expected_version: Optional[int],
                who: str) -> Item:
        """Make an earlier version current again, as a new version (validated as any save).
        An item that has been deleted is created anew from the version."""
        entry, _previous = self.version(kind, item_id, entry_id)
        raw = {name: entry.snapshot.get(name) for name in kind.field_names}
        with self._sessions() as session:
            exists = session.get(kind.model, item_id) is not None
        if not exists:
            if kind is FOCUS_AREAS:
                raw["position"] = min(int(raw.get("position") or 1), self.count(kind) + 1)
            return self.create(kind, raw, who, item_id=item_id, action="återställd")
        if expected_version is None:
            raise ValidationFailed({"": "Versionen du utgick från saknas. Ladda om sidan och försök igen."})
        if kind is FOCUS_AREAS:
            raw["position"] = min(int(raw.get("position") or 1), self.count(kind))
        return self.update(kind, item_id, raw, expected_version, who, action="återställd")
