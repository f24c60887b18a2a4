"""the model store: every model trained or activated, for the portal's learning loop

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 12:00:00

The table of bot/retraining/models.py.
"""
from alembic import op

from bot.db.migrations.schema import BOOL, INT, JSON, TEXT, TIME, columns, create_table, nullable, text

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    create_table("model_version", *columns(
        id=INT, status=text(20), origin=text(20), running=nullable(INT), stage=text(20), percent=INT,
        detail=text(300), error=TEXT, pid=nullable(INT), heartbeat_at=nullable(TIME), trained_by=text(80),
        created_at=TIME, finished_at=nullable(TIME), activated_by=nullable(text(80)), activated_at=nullable(TIME),
        was_live=BOOL, data_fingerprint=text(64), file=nullable(text(255)), sha256=nullable(text(64)),
        report=nullable(JSON), gates=nullable(JSON),
    ), unique="running")
    op.create_index("ix_model_version_status", "model_version", ["status"])


def downgrade() -> None:
    op.drop_index("ix_model_version_status", "model_version")
    op.drop_table("model_version")
