"""Migration 0003 builds exactly the review tables of bot/conversations/models.py."""
from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from bot.content.store import MIGRATIONS_DIR, migrate
from bot.conversations import models
from bot.db.base import Base

REVIEW_TABLES = {m.__tablename__ for m in (models.ConversationReview, models.LearningDecision, models.ReviewAudit)}


def _review_only(obj, name, type_, reflected, compare_to) -> bool:
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table in REVIEW_TABLES


def _config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url)
    return config


def test_the_migration_builds_exactly_the_review_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'schema.db'}"
    migrate(url)
    with create_engine(url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": _review_only})
        assert compare_metadata(context, Base.metadata) == []
        assert REVIEW_TABLES <= set(inspect(connection).get_table_names())


def test_0003_follows_0002_and_downgrades_cleanly(tmp_path):
    url = f"sqlite:///{tmp_path / 'down.db'}"
    script = ScriptDirectory.from_config(_config(url))
    assert script.get_revision("0003").down_revision == "0002"
    assert len(script.get_heads()) == 1  # one line of migrations, 0003 on it
    assert "0003" in {r.revision for r in script.walk_revisions()}
    migrate(url)
    command.downgrade(_config(url), "0002")
    tables = set(inspect(create_engine(url)).get_table_names())
    assert not tables & REVIEW_TABLES and "portal_user" in tables
    command.upgrade(_config(url), "head")
    assert REVIEW_TABLES <= set(inspect(create_engine(url)).get_table_names())
