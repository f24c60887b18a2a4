"""the model store: every model trained or activated, for the portal's learning loop

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 12:00:00

The table of bot/retraining/models.py.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: Union[str, None] = "0008"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "model_version",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("running", sa.Integer, nullable=True, unique=True),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("percent", sa.Integer, nullable=False),
        sa.Column("detail", sa.String(300), nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("pid", sa.Integer, nullable=True),
        sa.Column("heartbeat_at", sa.DateTime, nullable=True),
        sa.Column("trained_by", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=True),
        sa.Column("activated_by", sa.String(80), nullable=True),
        sa.Column("activated_at", sa.DateTime, nullable=True),
        sa.Column("was_live", sa.Boolean, nullable=False),
        sa.Column("data_fingerprint", sa.String(64), nullable=False),
        sa.Column("file", sa.String(255), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("report", sa.JSON, nullable=True),
        sa.Column("gates", sa.JSON, nullable=True),
    )
    op.create_index("ix_model_version_status", "model_version", ["status"])


def downgrade() -> None:
    op.drop_index("ix_model_version_status", "model_version")
    op.drop_table("model_version")
