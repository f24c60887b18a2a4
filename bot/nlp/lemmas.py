"""Swedish lookup lemmas for the action server, read from disk a word at a time.

The table is spacy-lookups-data's `sv_lemma_lookup`, the same one the Rasa
pipeline's lookup lemmatizer uses (bot/nlp/pipeline.py). Loaded through spaCy
it cost the action server about 450 MB of memory (660,000 forms); the Q&A
retrieval only ever asks about the words of a few questions, so the table is
turned once into an indexed SQLite file in var/ and queried
per word, with a bounded cache in front.
"""
from __future__ import annotations

import gzip
import json
import os
import sqlite3
import tempfile
import threading
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import spacy_lookups_data

from bot.content.matching import normalise
from bot.paths import VAR_DIR

# Named by the package's version, so that an upgrade builds the table anew.
LEMMA_DB = VAR_DIR / f"lemmas_sv-{version('spacy-lookups-data')}.sqlite"
SOURCE = Path(spacy_lookups_data.__file__).parent / "data" / "sv_lemma_lookup.json.gz"
CACHED_WORDS = 50_000


def build(target: Path = LEMMA_DB, source: Path = SOURCE) -> Path:
    """Write the table as SQLite: forms and their lemmas, every lemma, and every
    lemma folded (lower case, no diacritics). Atomic, so that two processes
    building at once both end with a whole file."""
    table: dict[str, str] = json.loads(gzip.decompress(source.read_bytes()))
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(handle)
    try:
        with sqlite3.connect(temporary) as db:
            db.execute("CREATE TABLE form (form TEXT PRIMARY KEY, lemma TEXT NOT NULL) WITHOUT ROWID")
            db.execute("CREATE TABLE lemma (lemma TEXT PRIMARY KEY) WITHOUT ROWID")
            db.execute("CREATE TABLE folded (folded TEXT PRIMARY KEY) WITHOUT ROWID")
            db.executemany("INSERT INTO form VALUES (?, ?)", table.items())
            lemmas = set(table.values())
            db.executemany("INSERT INTO lemma VALUES (?)", ((lemma,) for lemma in lemmas))
            db.executemany("INSERT INTO folded VALUES (?)", ((f,) for f in {normalise(lemma) for lemma in lemmas}))
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return target


class LemmaTable:
    """Read-only lookups in the built table; safe to share between threads."""

    def __init__(self, path: Path = LEMMA_DB) -> None:
        if not path.exists():
            build(path)
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self.lemma = lru_cache(maxsize=CACHED_WORDS)(
            lambda form: self._value("SELECT lemma FROM form WHERE form = ?", form))
        self.is_lemma = lru_cache(maxsize=CACHED_WORDS)(
            lambda word: self._value("SELECT 1 FROM lemma WHERE lemma = ?", word) is not None)
        self.is_folded_lemma = lru_cache(maxsize=CACHED_WORDS)(
            lambda word: self._value("SELECT 1 FROM folded WHERE folded = ?", word) is not None)

    def _value(self, query: str, word: str) -> str | int | None:
        with self._lock:
            row = self._db.execute(query, (word,)).fetchone()
        return row[0] if row else None
