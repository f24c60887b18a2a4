"""Bringing a content database to the current schema, seeding it, and the
store's one import and one export (the command line and the portal use both)."""
from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import select

from bot.content import history, texts
from bot.content.bundle import BUNDLE_TYPES, dump_bundle, export_content, load_bundle, parse_bundle, replace_content
from bot.content.types import SITE, TEXTS
from bot.db.engine import database_url, session_factory
from bot.paths import CONTENT_SEED_DIR, MIGRATIONS_DIR

logger = logging.getLogger(__name__)



def migrate(url: str | None = None) -> None:
    """Apply every Alembic migration to the database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", (url or database_url()).replace("%", "%%"))
    command.upgrade(config, "head")


def import_file(source: Path | tuple[str, str], url: str | None = None, who: str = "import") -> dict[str, int]:
    """Validate a bundle and replace the whole store with it, in one transaction.

    `source` is a file or a folder of them, or an uploaded file as its name and
    text. Returns how many items each list section held (`BundleError` when the
    bundle is refused; then nothing is changed).
    """
    bundle = parse_bundle([source]) if isinstance(source, tuple) else load_bundle(source)
    with session_factory(url)() as session, session.begin():
        replace_content(session, bundle, who)
    return {kind.section: len(bundle[kind.section]) for kind in BUNDLE_TYPES if not kind.single}


def export_text(url: str | None = None) -> str:
    """The whole store as one YAML bundle, as `import_file` takes it."""
    with session_factory(url)() as session:
        return dump_bundle(export_content(session))


def seed_if_empty(url: str | None = None, seed: Path = CONTENT_SEED_DIR) -> bool:
    """Load the seed content into an empty store; True when it did. A store that
    has content gets the default wording of every bot text it lacks, and the
    seed's English versions where its items still read as the seed does."""
    with session_factory(url)() as session:
        if session.execute(select(SITE.model.id)).first() is not None:
            add_missing_texts(url)
            add_seed_english(url, seed)
            return False
    import_file(seed, url)
    logger.info("Seeded the content store from %s", seed)
    return True


def add_missing_texts(url: str | None = None) -> list[str]:
    """Add the default of every bot text the store lacks (new keys, older stores), and
    the default English wording of each stored text that has none yet; the keys added."""
    english = texts.defaults(language="en")
    with session_factory(url)() as session, session.begin():
        stored = {row.key: row for row in session.execute(select(TEXTS.model)).scalars()}
        rows = [TEXTS.model(key=key, text=text, text_en=english.get(key, ""))
                for key, text in texts.defaults().items() if key in texts.SPECS and key not in stored]
        untranslated = [row for key, row in stored.items() if row.text_en is None and english.get(key)]
        for row in untranslated:
            row.text_en = english[row.key]
        session.add_all(rows)
        for row in rows + untranslated:
            history.record(session, row, "importerad", "standardtext")
    if rows:
        logger.info("Added the default wording of %d bot texts", len(rows))
    return [row.key for row in rows]


def add_seed_english(url: str | None = None, seed: Path = CONTENT_SEED_DIR) -> int:
    """Give each item whose Swedish texts are still the seed's, word for word, the
    seed's English versions it lacks (stores seeded before English): the
    translation is then of exactly what the item says. The number of texts added."""
    bundle = load_bundle(seed)
    added = 0
    with session_factory(url)() as session, session.begin():
        for kind in BUNDLE_TYPES:
            section = bundle.get(kind.section) or []
            records = [section] if kind.single else section
            for row in session.execute(select(kind.model)).scalars() if kind.translated else []:
                record = next((r for r in records
                               if all((getattr(row, f.name) or f.empty) == (r.get(f.name) or f.empty)
                                      for f in kind.translated)), None)
                missing = [f.english().name for f in kind.translated
                           if record is not None and not getattr(row, f.english().name) and record.get(f.english().name)]
                for name in missing:
                    setattr(row, name, record[name])
                if missing:
                    history.record(session, row, "importerad", "källsidans översättning")
                    added += len(missing)
    if added:
        logger.info("Added %d English versions from the seed", added)
    return added
