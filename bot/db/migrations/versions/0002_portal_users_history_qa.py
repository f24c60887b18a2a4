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
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: Union[str, None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

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
    op.create_table(
        "portal_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("session_epoch", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "qa_entry",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("examples", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("title"),
    )
    history = op.create_table(
        "content_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_type", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
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
