"""initial content schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 01:55:18.412208

"""
from alembic import op

from bot.db.migrations.schema import DATE, INT, JSON, TEXT, columns, create_content_table, text

# revision identifiers, used by Alembic.
revision = "0001"
down_revision = None


def upgrade() -> None:
    create_content_table("focus_area", *columns(position=INT, title=text(300), description=TEXT, aliases=JSON),
                         unique="title")
    create_content_table("partner", *columns(name=text(200), country=text(100), continent=text(100), kind=text(20),
                                             description=TEXT, aliases=JSON), unique="name")
    create_content_table("site_info", *columns(municipality=text(200), municipality_url=text(500),
                                               source_title=text(200), source_url=text(500), last_updated=DATE))
    create_content_table("topic", *columns(key=text(80), title=text(200), body=TEXT), unique="key")


def downgrade() -> None:
    op.drop_table('topic')
    op.drop_table('site_info')
    op.drop_table('partner')
    op.drop_table('focus_area')
