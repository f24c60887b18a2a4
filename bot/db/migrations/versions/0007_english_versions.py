"""english versions: a nullable English column beside each translated field

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 07:00:00

Every text a resident can see gets an English version (`<field>_en`). The
columns are nullable: an item without its English version is answered in
Swedish with a short English note, and the portal lists it as untranslated.
The bot texts' English wording is filled in from data/content/texts.yml when
the store is next seeded (bot.content.store.add_missing_texts).
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: Union[str, None] = "0006"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_COLUMNS: dict[str, tuple[sa.Column, ...]] = {
    "topic": (sa.Column("title_en", sa.String(length=200), nullable=True),
              sa.Column("body_en", sa.Text(), nullable=True)),
    "focus_area": (sa.Column("title_en", sa.String(length=300), nullable=True),
                   sa.Column("description_en", sa.Text(), nullable=True)),
    "partner": (sa.Column("country_en", sa.String(length=100), nullable=True),
                sa.Column("continent_en", sa.String(length=100), nullable=True),
                sa.Column("description_en", sa.Text(), nullable=True)),
    "qa_entry": (sa.Column("title_en", sa.String(length=300), nullable=True),
                 sa.Column("answer_en", sa.Text(), nullable=True),
                 sa.Column("examples_en", sa.JSON(), nullable=True)),
    "site_info": (sa.Column("municipality_en", sa.String(length=200), nullable=True),
                  sa.Column("source_title_en", sa.String(length=200), nullable=True)),
    "bot_text": (sa.Column("text_en", sa.Text(), nullable=True),),
}


def upgrade() -> None:
    for table, columns in _COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.add_column(column)


def downgrade() -> None:
    for table, columns in _COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.drop_column(column.name)
