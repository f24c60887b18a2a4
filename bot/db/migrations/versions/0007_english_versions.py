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
import sqlalchemy as sa
from alembic import op

from bot.db.migrations.schema import JSON, TEXT, columns, nullable, text

revision = "0007"
down_revision = "0006"

_COLUMNS: dict[str, list[sa.Column]] = {
    "topic": columns(title_en=nullable(text(200)), body_en=nullable(TEXT)),
    "focus_area": columns(title_en=nullable(text(300)), description_en=nullable(TEXT)),
    "partner": columns(country_en=nullable(text(100)), continent_en=nullable(text(100)),
                       description_en=nullable(TEXT)),
    "qa_entry": columns(title_en=nullable(text(300)), answer_en=nullable(TEXT), examples_en=nullable(JSON)),
    "site_info": columns(municipality_en=nullable(text(200)), source_title_en=nullable(text(200))),
    "bot_text": columns(text_en=nullable(TEXT)),
}


def upgrade() -> None:
    for table, added in _COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in added:
                batch.add_column(column)


def downgrade() -> None:
    for table, added in _COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in added:
                batch.drop_column(column.name)
