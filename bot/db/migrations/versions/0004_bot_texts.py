"""bot texts: the bot's own sentences as editable templates

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 08:00:00

Only the table: the rows are the seed's defaults (data/content/texts.yml),
added by `bot.content.store.seed_if_empty` for every key the store lacks, so
an existing store gets them at its next start, with a history entry each.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: Union[str, None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "bot_text",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("bot_text")
