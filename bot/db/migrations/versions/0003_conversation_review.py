"""conversation review: status, tags and notes, learning-inbox decisions, audit log

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 04:00:00

The tables of bot/conversations/models.py. The conversations themselves stay
in Rasa's tracker store; these tables hold only what admins decide about
them, and an audit log of purges, erasures and exports without any content.
Hand-written for SQLite and PostgreSQL.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: Union[str, None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "conversation_review",
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("reviewed_by", sa.String(length=80), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("sender_id"),
    )
    op.create_table(
        "learning_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_key", sa.String(length=64), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("intent", sa.String(length=100), nullable=True),
        sa.Column("qa_entry_id", sa.Integer(), nullable=True),
        sa.Column("sender_id", sa.String(length=255), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(length=80), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("exported_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("text_key"),
    )
    op.create_index("ix_learning_decision_sender", "learning_decision", ["sender_id"])
    op.create_table(
        "review_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=True),
        sa.Column("conversations", sa.Integer(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_review_audit_created_at", "review_audit", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_review_audit_created_at", table_name="review_audit")
    op.drop_table("review_audit")
    op.drop_index("ix_learning_decision_sender", table_name="learning_decision")
    op.drop_table("learning_decision")
    op.drop_table("conversation_review")
