"""the language of a learning-inbox decision

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 07:00:00

A correction is exported to the training data of the language the resident
wrote in (data/nlu/reviewed.yml or data/nlu/en/reviewed.yml), and the message
it came from may be purged before the next export: the decision keeps it.
Decisions made before English were about Swedish messages.
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    with op.batch_alter_table("learning_decision") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=False, server_default="sv"))


def downgrade() -> None:
    with op.batch_alter_table("learning_decision") as batch:
        batch.drop_column("language")
