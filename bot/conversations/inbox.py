"""The learning inbox: messages the bot was unsure about, and the NLU export.

A typed resident message lands in the inbox when
* the FallbackClassifier gave `nlu_fallback` (or a fallback action answered),
* it was classified `out_of_scope`,
* the best intent's confidence was below the inbox threshold
  (UNSURE_BELOW, higher than the fallback threshold in config.yml, so that
  barely-understood messages show up too), or
* the resident gave the reply to it a thumbs down in the widget.

Messages with the same text (case, spacing and end punctuation aside) are
one item, so an admin decides a text once; the decision is stored under the
SHA-256 of that key, and the export writes each text once. Texts are stored
and exported as they are in the tracker store: already masked, so the
placeholders ([PERSONNUMMER], [TELEFON], …) are what the model learns.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.conversations.transcript import Conversation, Line, squash, text_key
from bot.privacy.masking import PLACEHOLDER_RE

UNSURE_BELOW = 0.8
REASONS = {
    "fallback": "Boten förstod inte (reservsvar)",
    "out_of_scope": "Tolkades som utanför ämnet",
    "unsure": "Osäker tolkning",
    "negative": "Negativ återkoppling",
}
NLU_FILE_NAME = "reviewed.yml"

# Rasa's entity annotation: [text](entity), [text]{"entity": …} or [text][{…}]
_ENTITY = re.compile(
    r"\[(?P<text>[^\]]+?)\](\((?P<entity>[^:)]+?)(?:\:(?P<value>[^)]+))?\)|\{(?P<dict>[^}]+?)\}|\[(?P<list>.*?)\])"
)


def key_hash(text: str) -> str:
    return hashlib.sha256(text_key(text).encode("utf-8")).hexdigest()


@dataclass
class Occurrence:
    sender_id: str
    event_id: int
    at: float
    intent: str | None
    confidence: float | None
    language: str


@dataclass
class InboxItem:
    key: str
    text: str
    reasons: set[str] = field(default_factory=set)
    occurrences: list[Occurrence] = field(default_factory=list)

    @property
    def latest(self) -> Occurrence:
        return max(self.occurrences, key=lambda o: (o.at, o.event_id))

    @property
    def reason_labels(self) -> list[str]:
        return [label for name, label in REASONS.items() if name in self.reasons]

    @property
    def language(self) -> str:
        """The language of its latest occurrence: the one a decision on it is made for."""
        return self.latest.language


def _reasons(line: Line, threshold: float) -> set[str]:
    found = set()
    if line.fallback:
        found.add("fallback")
    if line.out_of_scope:
        found.add("out_of_scope")
    confidence = line.best_confidence
    if confidence is not None and confidence < threshold and not line.out_of_scope:
        found.add("unsure")
    return found


def collect(conversations: Iterable[Conversation], threshold: float = UNSURE_BELOW) -> list[InboxItem]:
    """Every inbox item, newest occurrence first."""
    items: dict[str, InboxItem] = {}

    def add(conversation: Conversation, line: Line, reasons: set[str]) -> None:
        if not reasons or not squash(line.text):
            return
        key = key_hash(line.text)
        item = items.setdefault(key, InboxItem(key, squash(line.text)))
        item.reasons |= reasons
        if all(o.event_id != line.event_id for o in item.occurrences):
            item.occurrences.append(Occurrence(conversation.sender_id, line.event_id, line.at,
                                               line.best_intent, line.best_confidence, line.language))

    for conversation in conversations:
        for line in conversation.typed:
            add(conversation, line, _reasons(line, threshold))
        for feedback in conversation.feedback:
            if feedback.feedback == "negative":
                message = conversation.rated_message(feedback)
                if message is not None:
                    add(conversation, message, {"negative"})
    return sorted(items.values(), key=lambda item: (item.latest.at, item.latest.event_id), reverse=True)


# ---------------------------------------------------------------- NLU export


def training_text(text: str) -> str:
    """A message as one line of Rasa NLU examples.

    One line, single spaces, no control characters; the masking placeholders are kept as they are,
    and can never be read as an entity annotation (a space is put between a
    placeholder and a following "(", "{" or "["); any other square brackets
    become round ones.
    """
    text = squash("".join(c if c.isprintable() else " " for c in text))
    parts, position = [], 0
    for match in PLACEHOLDER_RE.finditer(text):
        parts.append(text[position:match.start()].replace("[", "(").replace("]", ")"))
        parts.append(match.group(0))
        if match.end() < len(text) and text[match.end()] in "([{":
            parts.append(" ")
        position = match.end()
    parts.append(text[position:].replace("[", "(").replace("]", ")"))
    return "".join(parts).strip()


def plain_example(example: str) -> str:
    """A training example without its entity annotations."""
    return _ENTITY.sub(lambda m: m.group("text"), example)


def file_examples(path: Path) -> list[tuple[str, str]]:
    """(intent, example as written) of every intent example in one NLU file; none
    when the file cannot be read."""
    try:  # libyaml's loader: the generated files (places.yml) are large
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
    found = []
    for block in (data.get("nlu") if isinstance(data, dict) else None) or []:
        if not isinstance(block, dict) or "intent" not in block:
            continue
        examples = block.get("examples") or ""
        lines = examples.splitlines() if isinstance(examples, str) else [
            e.get("text", "") if isinstance(e, dict) else str(e) for e in examples]
        for line in lines:
            line = line.strip()
            if line.startswith("- "):
                line = line[2:]
            if line:
                found.append((str(block["intent"]), line))
    return found


def existing_examples(nlu_dir: Path, skip: Collection[Path] = ()) -> dict[str, str]:
    """text key → intent of every example in the project's NLU files (except those in `skip`)."""
    found: dict[str, str] = {}
    if not nlu_dir.is_dir():
        return found
    skipped = {path.resolve() for path in skip}
    for path in sorted(nlu_dir.rglob("*.yml")) + sorted(nlu_dir.rglob("*.yaml")):
        if path.resolve() in skipped:
            continue
        for intent, example in file_examples(path):
            found.setdefault(text_key(plain_example(example)), intent)
    return found


@dataclass
class Export:
    text: str
    written: list[tuple[str, str]]  # (intent, example)
    skipped: list[tuple[str, str]]  # (example, the intent it already has in the training data)


def render_nlu(examples: Iterable[tuple[str, str]], existing: dict[str, str],
               today: dt.date | None = None) -> Export:
    """Rasa 3 NLU YAML for (intent, text) pairs: each text once, none that the
    other NLU files already contain."""
    by_intent: dict[str, list[str]] = {}
    seen: set[str] = set()
    written, skipped = [], []
    for intent, text in examples:
        example = training_text(text)
        key = text_key(plain_example(example))
        if not example or not key or key in seen:
            continue
        seen.add(key)
        if key in existing:
            skipped.append((example, existing[key]))
            continue
        by_intent.setdefault(intent, []).append(example)
        written.append((intent, example))
    lines = [
        "# Corrections from the portal's learning inbox (Granska samtal → Inlärning),",
        f"# exported {(today or dt.date.today()).isoformat()}. Generated: the next export replaces this",
        "# file, so correct examples in the portal, not here. Texts are masked as the",
        "# tracker store keeps them ([PERSONNUMMER], [TELEFON], [E-POST], [NUMMER]).",
        "# `make train` picks the file up with the rest of data/nlu/.",
        'version: "3.1"',
    ]
    if not by_intent:
        lines.append("nlu: []")
    else:
        lines.append("nlu:")
        for intent in sorted(by_intent):
            lines += [f"  - intent: {intent}", "    examples: |"]
            lines += [f"      - {example}" for example in sorted(by_intent[intent], key=str.casefold)]
    return Export("\n".join(lines) + "\n", written, skipped)
