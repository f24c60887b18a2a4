"""conversation review: status, tags and notes, learning-inbox decisions, audit log

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 04:00:00

The tables of bot/conversations/models.py. The conversations themselves stay
in Rasa's tracker store; these tables hold only what admins decide about
them, and an audit log of purges, erasures and exports without any content.
Hand-written for SQLite and PostgreSQL.
"""
from alembic import op

from bot.db.migrations.schema import INT, JSON, TEXT, TIME, columns, create_table, nullable, text

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    create_table("conversation_review", *columns(
        sender_id=text(255), status=text(20), tags=JSON, note=TEXT, updated_by=text(80), updated_at=TIME,
        reviewed_by=nullable(text(80)), reviewed_at=nullable(TIME),
    ), key="sender_id")
    create_table("learning_decision", *columns(
        id=INT, text=TEXT, text_key=text(64), decision=text(20), intent=nullable(text(100)),
        qa_entry_id=nullable(INT), sender_id=nullable(text(255)), event_id=nullable(INT), decided_by=text(80),
        decided_at=TIME, exported_at=nullable(TIME),
    ), unique="text_key")
    op.create_index("ix_learning_decision_sender", "learning_decision", ["sender_id"])
    create_table("review_audit", *columns(
        id=INT, created_at=TIME, username=text(80), action=text(20), sender_id=nullable(text(255)),
        conversations=INT, events=INT, detail=text(300),
    ))
    op.create_index("ix_review_audit_created_at", "review_audit", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_review_audit_created_at", table_name="review_audit")
    op.drop_table("review_audit")
    op.drop_index("ix_learning_decision_sender", table_name="learning_decision")
    op.drop_table("learning_decision")
    op.drop_table("conversation_review")
