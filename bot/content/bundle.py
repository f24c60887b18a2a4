"""YAML import and export of the whole content store.

A bundle is one mapping with a section per content type (bot/content/types/):
`site`, `topics`, `focus_areas` and `partners`, and optionally `qa`
(staff-written question-and-answer entries) and `texts` (the bot's own
wording, bot/content/texts.py); the seed in `data/content/` spreads the
sections over one file each. An import replaces the whole store, so a bundle
without `qa` leaves no Q&A entries; every text a bundle leaves out gets its
default wording (older bundles have no `texts`).
Records carry both languages (`title` and `title_en` …); a file written
before English (no `*_en` fields) still imports, its items without English.
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

from bot.content import history
from bot.content.matching import normalise
from bot.content.types import SITE, TYPES, ContentType
from bot.content.types.checks import cap_problem
from bot.content.types.declaration import Field

# Every content type has a section; the site's comes first, as the bundle's header.
BUNDLE_TYPES = tuple(sorted(TYPES.values(), key=lambda kind: not kind.single))
SECTION_TYPES = {kind.section: kind for kind in BUNDLE_TYPES}


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
            if section not in SECTION_TYPES:
                problems.append(Problem(name, data.line, f"okänt avsnitt ”{section}”"))
            elif section in merged:
                problems.append(Problem(name, data.line, f"avsnittet ”{section}” finns redan i en annan fil"))
            else:
                merged[section] = value
    for kind in BUNDLE_TYPES:
        if kind.optional_section and merged.get(kind.section) is None:
            merged[kind.section] = []
        elif kind.section not in merged:
            problems.append(Problem("innehållet", 0, f"avsnittet ”{kind.section}” saknas"))
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


def _check_record(record: Any, fields: tuple[Field, ...], what: str, where: tuple[str, int]) -> list[Problem]:
    if not isinstance(record, _Mapping):
        return [Problem(where[0], where[1], f"{what} ska vara en mappning")]
    source, line = record.source, record.line
    names = {field.name for field in fields}
    problems = [Problem(source, line, f"{what}: okänt fält ”{k}”") for k in record if k not in names]
    for field in fields:
        if field.name not in record:
            if field.required:
                problems.append(Problem(source, line, f"{what}: fältet ”{field.name}” saknas"))
            continue
        reason = field.problem(record[field.name]) or cap_problem(field.name, record[field.name])
        if reason:
            problems.append(Problem(source, line, f"{what}: fältet ”{field.name}” {reason}"))
    return problems


def _check_section(bundle: dict[str, Any], kind: ContentType) -> list[Problem]:
    items = bundle[kind.section]
    where = ("innehållet", 0)
    if kind.single:
        return _check_record(items, kind.bundle_fields, kind.noun, where)
    if not isinstance(items, list):
        return [Problem(*where, f"avsnittet ”{kind.section}” ska vara en lista")]
    return [p for item in items for p in _check_record(item, kind.bundle_fields, kind.noun, where)]


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


def _records(bundle: dict[str, Any], kind: ContentType) -> list[Any]:
    return [bundle[kind.section]] if kind.single else bundle[kind.section]


def _validate(bundle: dict[str, Any]) -> list[Problem]:
    problems = [p for kind in BUNDLE_TYPES for p in _check_section(bundle, kind)]
    if problems:
        return problems
    for kind in BUNDLE_TYPES:
        records = _records(bundle, kind)
        for unique in kind.unique:
            problems += _duplicates(records, unique.values, unique.what)
        for record, reason in kind.check_bundle(records) if kind.check_bundle else ():
            where = (record.source, record.line) if record is not None else ("innehållet", 0)
            problems.append(Problem(*where, reason))
    return problems


def _values(kind: ContentType, record: dict[str, Any], position: int, page_day: dt.date) -> dict[str, Any]:
    """A record as model values: optional fields it leaves out are empty, an
    ordered item's position is its place in the section, and an item cites the
    page (at the page's date) or the staff (today) unless the record says."""
    values = {f.name: f.empty for f in kind.fields if f.in_bundle and not f.required} | dict(record)
    if kind.ordered:
        values["position"] = position
    if kind.sourced:
        source = values.setdefault("source", kind.default_source)
        values.setdefault("source_date", page_day if source == "page" else dt.date.today())
    return values


def replace_content(session: Session, bundle: dict[str, Any], who: str = "import") -> None:
    """Replace the whole store with a validated bundle (caller commits).

    Every new row gets a first history entry by `who`; the history of the
    replaced rows is kept but unlinked from their ids, which may be reused.
    """
    for kind in BUNDLE_TYPES:
        session.execute(delete(kind.model))
    history.detach_all(session)
    page_day = bundle[SITE.section]["last_updated"]
    rows = []
    for kind in BUNDLE_TYPES:
        records = _records(bundle, kind)
        records = kind.bundle_rows(records) if kind.bundle_rows else records
        rows += [kind.model(**_values(kind, record, position, page_day))
                 for position, record in enumerate(records, start=1)]
    session.add_all(rows)
    session.flush()
    for row in rows:
        history.record(session, row, "importerad", who)


def _stored(row: Any, field: Field) -> Any:
    """A field's value for the export; an English version never written is empty."""
    value = getattr(row, field.name)
    return field.empty if value is None and field.english_of else value


def _exported(session: Session, kind: ContentType) -> Any:
    order = getattr(kind.model, kind.bundle_order or kind.stored_order)
    records = [{field.name: _stored(row, field) for field in kind.bundle_fields}
               for row in session.execute(select(kind.model).order_by(order)).scalars()]
    return records[0] if kind.single else records


def export_content(session: Session) -> dict[str, Any]:
    """The whole store as a bundle, in the same shape that `replace_content` takes."""
    return {kind.section: _exported(session, kind) for kind in BUNDLE_TYPES}


def dump_bundle(bundle: dict[str, Any]) -> str:
    return yaml.safe_dump(bundle, allow_unicode=True, sort_keys=False, width=88)
