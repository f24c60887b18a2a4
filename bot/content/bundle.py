"""YAML import and export of the whole content store.

A bundle is one mapping with the sections `site`, `topics`, `focus_areas` and
`partners`, and optionally `qa` (staff-written question-and-answer entries) and
`texts` (the bot's own wording, bot/content/texts.py); the seed in
`data/content/` spreads the sections over one file each. An import replaces
the whole store, so a bundle without `qa` leaves no Q&A entries; every text a
bundle leaves out gets its default wording (older bundles have no `texts`).
Everything is validated before anything is written, and a bad file is
reported with its name, line and reason (in Swedish, for the staff who edit it).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.content import history, models, texts
from bot.content.matching import normalise

SECTIONS = ("site", "topics", "focus_areas", "partners")
OPTIONAL_SECTIONS = ("qa", "texts")
# Replies the bot needs whatever the question: "not my area" and "I don't know".
REQUIRED_TOPICS = ("out_of_scope", "no_answer")


@dataclass(frozen=True)
class Problem:
    source: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.source}, rad {self.line}: {self.reason}"


class BundleError(ValueError):
    """The YAML cannot be imported; `problems` says where and why."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class _Mapping(dict):
    """A YAML mapping that remembers where it was written."""

    source = "?"
    line = 0


class _LineLoader(yaml.SafeLoader):
    """A safe loader whose mappings know their file and line."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Mapping:
    mapping = _Mapping(loader.construct_mapping(node, deep=True))
    mapping.source = loader.name
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_bundle(path: str | Path) -> dict[str, Any]:
    """Read a bundle file, or a directory of `*.yml` files, and validate it."""
    path = Path(path)
    files = sorted(path.glob("*.yml")) if path.is_dir() else [path]
    if not files:
        raise BundleError([Problem(str(path), 0, "inga YAML-filer hittades")])
    return parse_bundle((str(f), f.read_text(encoding="utf-8")) for f in files)


def parse_bundle(documents: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Merge and validate YAML documents given as (name, text) pairs."""
    merged: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, text in documents:
        data = _parse_yaml(name, text)
        if not isinstance(data, dict):
            raise BundleError([Problem(name, 1, "filen ska innehålla en mappning med avsnitt")])
        for section, value in data.items():
            if section not in SECTIONS + OPTIONAL_SECTIONS:
                problems.append(Problem(name, data.line, f"okänt avsnitt ”{section}”"))
            elif section in merged:
                problems.append(Problem(name, data.line, f"avsnittet ”{section}” finns redan i en annan fil"))
            else:
                merged[section] = value
    for section in SECTIONS:
        if section not in merged:
            problems.append(Problem("innehållet", 0, f"avsnittet ”{section}” saknas"))
    for section in OPTIONAL_SECTIONS:
        if merged.get(section) is None:
            merged[section] = []
    if not problems:
        problems = _validate(merged)
    if problems:
        raise BundleError(problems)
    return merged


def _parse_yaml(name: str, text: str) -> Any:
    loader = _LineLoader(text)
    loader.name = name
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        raise BundleError([Problem(name, line, f"ogiltig YAML: {error.problem}")]) from error
    except yaml.YAMLError as error:
        raise BundleError([Problem(name, 0, f"ogiltig YAML: {error}")]) from error
    finally:
        loader.dispose()


# Field specs: name -> (required, check). A check returns an error text or "".
def _text(value: Any) -> str:
    return "" if isinstance(value, str) and value.strip() else "ska vara en text som inte är tom"


def _optional_text(value: Any) -> str:
    return "" if isinstance(value, str) else "ska vara en text"


def _date(value: Any) -> str:
    return "" if isinstance(value, dt.date) else "ska vara ett datum på formen ÅÅÅÅ-MM-DD"


def _aliases(value: Any) -> str:
    ok = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    return "" if ok else "ska vara en lista med texter"


def _examples(value: Any) -> str:
    ok = isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value)
    return "" if ok else "ska vara en lista med minst en exempelfråga"


def _kind(value: Any) -> str:
    return "" if value in models.PARTNER_KINDS else "ska vara en av " + ", ".join(models.PARTNER_KINDS)


Spec = dict[str, tuple[bool, Callable[[Any], str]]]
SITE_SPEC: Spec = {
    "municipality": (True, _text), "municipality_url": (True, _text),
    "source_title": (True, _text), "source_url": (False, _optional_text), "last_updated": (True, _date),
}
TOPIC_SPEC: Spec = {"key": (True, _text), "title": (True, _text), "body": (True, _text)}
FOCUS_AREA_SPEC: Spec = {
    "title": (True, _text), "description": (False, _optional_text), "aliases": (False, _aliases),
}
PARTNER_SPEC: Spec = {
    "name": (True, _text), "country": (False, _optional_text), "continent": (False, _optional_text),
    "kind": (True, _kind), "description": (False, _optional_text), "aliases": (False, _aliases),
}
QA_SPEC: Spec = {"title": (True, _text), "answer": (True, _text), "examples": (True, _examples)}
TEXT_SPEC: Spec = {"key": (True, _text), "text": (True, _text)}


# Length caps of every content field, in characters, and the most lines of a list.
# The editor and the import share them; markdown-it's time grows fast on long texts.
MAX_LONG_TEXT = 5000
MAX_LINE = 300
FIELD_CAPS: dict[str, int] = {
    "body": MAX_LONG_TEXT, "answer": MAX_LONG_TEXT, "description": MAX_LONG_TEXT, "text": MAX_LONG_TEXT,
    "title": 300, "key": 80, "name": 200, "country": 100, "continent": 100, "kind": 20,
    "municipality": 200, "municipality_url": 500, "source_title": 200, "source_url": 500,
}
LIST_CAPS: dict[str, tuple[int, str]] = {"examples": (50, "exempelfrågor"), "aliases": (50, "rader")}


def cap_problem(field: str, value: Any) -> str:
    """A Swedish reason when a value is longer than its field allows, else ""."""
    if isinstance(value, str) and len(value) > FIELD_CAPS.get(field, MAX_LONG_TEXT):
        return f"får vara högst {FIELD_CAPS.get(field, MAX_LONG_TEXT)} tecken (nu {len(value)})"
    if isinstance(value, list):
        most, noun = LIST_CAPS.get(field, (50, "rader"))
        if len(value) > most:
            return f"får ha högst {most} {noun} (nu {len(value)})"
        if any(isinstance(item, str) and len(item) > MAX_LINE for item in value):
            return f"får ha högst {MAX_LINE} tecken per rad"
    return ""


def _check_record(record: Any, spec: Spec, what: str, where: tuple[str, int]) -> list[Problem]:
    if not isinstance(record, _Mapping):
        return [Problem(where[0], where[1], f"{what} ska vara en mappning")]
    source, line = record.source, record.line
    problems = [Problem(source, line, f"{what}: okänt fält ”{k}”") for k in record if k not in spec]
    for field, (required, check) in spec.items():
        if field not in record:
            if required:
                problems.append(Problem(source, line, f"{what}: fältet ”{field}” saknas"))
        elif check(record[field]):
            problems.append(Problem(source, line, f"{what}: fältet ”{field}” {check(record[field])}"))
        elif cap_problem(field, record[field]):
            problems.append(Problem(source, line, f"{what}: fältet ”{field}” {cap_problem(field, record[field])}"))
    return problems


def _check_list(bundle: dict[str, Any], section: str, spec: Spec, what: str) -> list[Problem]:
    items = bundle[section]
    if not isinstance(items, list):
        return [Problem("innehållet", 0, f"avsnittet ”{section}” ska vara en lista")]
    where = ("innehållet", 0)
    return [p for item in items for p in _check_record(item, spec, what, where)]


def _duplicates(records: list[_Mapping], names: Callable[[_Mapping], Iterable[str]], what: str) -> list[Problem]:
    seen: dict[str, str] = {}
    problems = []
    for record in records:
        for name in names(record):
            key = normalise(name)
            if key in seen:
                problems.append(Problem(record.source, record.line, f"{what} ”{name}” förekommer mer än en gång"))
            seen[key] = name
    return problems


def _validate(bundle: dict[str, Any]) -> list[Problem]:
    problems = _check_record(bundle["site"], SITE_SPEC, "site", ("innehållet", 0))
    problems += _check_list(bundle, "topics", TOPIC_SPEC | PROVENANCE_SPEC, "ämne")
    problems += _check_list(bundle, "focus_areas", FOCUS_AREA_SPEC | PROVENANCE_SPEC, "fokusområde")
    problems += _check_list(bundle, "partners", PARTNER_SPEC | PROVENANCE_SPEC, "partner")
    problems += _check_list(bundle, "qa", QA_SPEC | PROVENANCE_SPEC, "fråga och svar")
    problems += _check_list(bundle, "texts", TEXT_SPEC, "text")
    if problems:
        return problems
    problems += _check_texts(bundle["texts"])
    problems += _duplicates(bundle["topics"], lambda t: [t["key"]], "ämnesnyckeln")
    keys = {t["key"] for t in bundle["topics"]}
    problems += [
        Problem("innehållet", 0, f"ämnet ”{key}” krävs av boten och saknas")
        for key in REQUIRED_TOPICS if key not in keys
    ]
    problems += _duplicates(bundle["focus_areas"], lambda f: [f["title"]], "fokusområdet")
    problems += _duplicates(
        bundle["partners"], lambda p: [p["name"], *p.get("aliases", [])], "partnernamnet eller aliaset"
    )
    problems += _duplicates(bundle["qa"], lambda q: [q["title"]], "frågans rubrik")
    problems += _duplicates(bundle["qa"], lambda q: q["examples"], "exempelfrågan")
    return problems


def _source(value: Any) -> str:
    return "" if value in models.SOURCES else "ska vara en av " + ", ".join(models.SOURCES)


# What an item cites (optional in a bundle): "page" and the page's date, or "staff"
# and the day staff last changed it. Written by the export, so an import keeps it.
PROVENANCE_SPEC: Spec = {"source": (False, _source), "source_date": (False, _date)}


def _with_provenance(record: dict[str, Any], default: str, page_day: dt.date) -> dict[str, Any]:
    values = dict(record)
    source = values.setdefault("source", default)
    values.setdefault("source_date", page_day if source == "page" else dt.date.today())
    return values


def _check_texts(records: list[_Mapping]) -> list[Problem]:
    problems = _duplicates(records, lambda t: [t["key"]], "textnyckeln")
    for record in records:
        spec = texts.SPECS.get(record["key"])
        reason = f"okänd textnyckel ”{record['key']}”" if spec is None else texts.problem(spec, record["text"])
        if reason:
            problems.append(Problem(record.source, record.line, f"text ”{record['key']}”: {reason}"))
    return problems


def replace_content(session: Session, bundle: dict[str, Any], who: str = "import") -> None:
    """Replace the whole store with a validated bundle (caller commits).

    Every new row gets a first history entry by `who`; the history of the
    replaced rows is kept but unlinked from their ids, which may be reused.
    """
    for model in history.MODELS.values():
        session.execute(delete(model))
    history.detach_all(session, tuple(history.MODELS))
    site = {"source_url": "", **bundle["site"]}
    rows: list[models.Base] = [models.SiteInfo(**site)]
    day = site["last_updated"]
    rows += [models.Topic(**_with_provenance(t, "page", day)) for t in bundle["topics"]]
    rows += [
        models.FocusArea(position=i, **{"description": "", "aliases": [], **_with_provenance(f, "page", day)})
        for i, f in enumerate(bundle["focus_areas"], start=1)
    ]
    rows += [
        models.Partner(**{"country": "", "continent": "", "description": "", "aliases": [],
                          **_with_provenance(p, "page", day)})
        for p in bundle["partners"]
    ]
    rows += [models.QAEntry(**_with_provenance(q, "staff", day)) for q in bundle.get("qa") or []]
    wording = texts.defaults() | {t["key"]: t["text"] for t in bundle.get("texts") or []}
    rows += [models.BotText(key=key, text=wording[key]) for key in texts.SPECS]
    session.add_all(rows)
    session.flush()
    for row in rows:
        history.record(session, row, "importerad", who)


def export_content(session: Session) -> dict[str, Any]:
    """The whole store as a bundle, in the same shape that `replace_content` takes."""
    site = session.execute(select(models.SiteInfo)).scalars().one()
    return {
        "site": {field: getattr(site, field) for field in SITE_SPEC},
        "topics": [
            {field: getattr(t, field) for field in TOPIC_SPEC | PROVENANCE_SPEC}
            for t in session.execute(select(models.Topic).order_by(models.Topic.id)).scalars()
        ],
        "focus_areas": [
            {field: getattr(f, field) for field in FOCUS_AREA_SPEC | PROVENANCE_SPEC}
            for f in session.execute(select(models.FocusArea).order_by(models.FocusArea.position)).scalars()
        ],
        "partners": [
            {field: getattr(p, field) for field in PARTNER_SPEC | PROVENANCE_SPEC}
            for p in session.execute(select(models.Partner).order_by(models.Partner.name)).scalars()
        ],
        "qa": [
            {field: getattr(q, field) for field in QA_SPEC | PROVENANCE_SPEC}
            for q in session.execute(select(models.QAEntry).order_by(models.QAEntry.id)).scalars()
        ],
        "texts": [
            {field: getattr(t, field) for field in TEXT_SPEC}
            for t in session.execute(select(models.BotText).order_by(models.BotText.id)).scalars()
        ],
    }


def dump_bundle(bundle: dict[str, Any]) -> str:
    return yaml.safe_dump(bundle, allow_unicode=True, sort_keys=False, width=88)
