"""bot texts: the bot's own sentences as editable templates

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 08:00:00

Only the table: the rows are the seed's defaults (data/content/texts.yml),
added by `bot.content.store.seed_if_empty` for every key the store lacks, so
an existing store gets them at its next start, with a history entry each.
"""
from alembic import op

from bot.db.migrations.schema import TEXT, columns, create_content_table, text

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    create_content_table("bot_text", *columns(key=text(80), text=TEXT), unique="key")


def downgrade() -> None:
    op.drop_table("bot_text")
