"""portal users, content history and staff Q&A entries

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 03:00:00

Hand-written and checked on SQLite and PostgreSQL. The table for users is
`portal_user`, since `user` is a reserved word in PostgreSQL. Existing content
rows get a first history entry (who: "migrering"), so the editor can show
what changed since any version an editor may have loaded.
"""
import datetime as dt
import sqlalchemy as sa
from alembic import op

from bot.db.migrations.schema import (
    BOOL, INT, JSON, TEXT, TIME, columns, create_content_table, create_table, nullable, text,
)

revision = "0002"
down_revision = "0001"

# The content tables as they are at this revision, with the fields a snapshot keeps.
_TEXT, _JSON = sa.Text(), sa.JSON()
_CONTENT = {
    "site_info": ("site", {
        "municipality": _TEXT, "municipality_url": _TEXT, "source_title": _TEXT,
        "source_url": _TEXT, "last_updated": sa.Date(),
    }),
    "topic": ("topic", {"key": _TEXT, "title": _TEXT, "body": _TEXT}),
    "focus_area": ("focus_area", {
        "position": sa.Integer(), "title": _TEXT, "description": _TEXT, "aliases": _JSON,
    }),
    "partner": ("partner", {
        "name": _TEXT, "country": _TEXT, "continent": _TEXT, "kind": _TEXT,
        "description": _TEXT, "aliases": _JSON,
    }),
}


def upgrade() -> None:
    create_table("portal_user", *columns(
        id=INT, username=text(80), password_hash=text(255), role=text(20), active=BOOL, failed_logins=INT,
        locked_until=nullable(TIME), session_epoch=INT, created_at=TIME, last_login_at=nullable(TIME),
    ), unique="username")
    create_content_table("qa_entry", *columns(title=text(300), answer=TEXT, examples=JSON), unique="title")
    history = create_table("content_version", *columns(
        id=INT, entity_type=text(30), entity_id=nullable(INT), version=INT, action=text(20), username=text(80),
        created_at=TIME, snapshot=JSON,
    ))
    op.create_index("ix_content_version_entity", "content_version", ["entity_type", "entity_id"])
    _backfill_history(history)


def _backfill_history(history: sa.Table) -> None:
    """A first history entry for every content row that already exists."""
    bind = op.get_bind()
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    rows = []
    for table_name, (entity_type, fields) in _CONTENT.items():
        table = sa.table(
            table_name, sa.column("id", sa.Integer()), sa.column("version", sa.Integer()),
            *(sa.column(name, type_) for name, type_ in fields.items()),
        )
        for row in bind.execute(sa.select(table).order_by(table.c.id)).mappings():
            snapshot = {"id": row["id"], "version": row["version"]}
            for field in fields:
                value = row[field]
                snapshot[field] = value.isoformat() if isinstance(value, dt.date) else value
            rows.append({
                "entity_type": entity_type, "entity_id": row["id"], "version": row["version"],
                "action": "migrerad", "username": "migrering", "created_at": now,
                "snapshot": snapshot,
            })
    if rows:
        op.bulk_insert(history, rows)


def downgrade() -> None:
    op.drop_index("ix_content_version_entity", table_name="content_version")
    op.drop_table("content_version")
    op.drop_table("qa_entry")
    op.drop_table("portal_user")
