"""The review tables, in the content database (migration 0003).

None of them holds a conversation: the conversations stay in Rasa's tracker
store. `conversation_review` holds what admins wrote about one (status, tags,
note); `learning_decision` the admins' corrections of single, already masked
messages for the training data; `review_audit` who purged, erased or exported
what and when, with counts and sender ids only, never message content.
"""
from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Index, Integer, String, Text

from bot.dates import utc_now
from bot.db.base import Base

STATUSES = {"ny": "Ej granskad", "granskad": "Granskad"}
DECISIONS = {
    "intent": "Rätt avsikt vald",
    "out_of_scope": "Utanför ämnet",
    "qa": "Kopplad till en fråga och svar",
    "ignore": "Ignorerad (inte träningsdata)",
}
AUDIT_ACTIONS = {
    "gallring": "Gallring (äldre samtal togs bort)",
    "radering": "Radering av ett samtal",
    "export": "Export av samtal",
    "träning": "Träning av en ny modell",
    "aktivering": "Aktivering av en modell",
    "återställning": "Återställning till en tidigare modell",
}


class ConversationReview(Base):
    """An admin's status, tags and note for one conversation (sender id)."""

    __tablename__ = "conversation_review"
    sender_id = Column(String(255), primary_key=True)
    status = Column(String(20), nullable=False, default="ny")
    tags = Column(JSON, nullable=False, default=list)
    note = Column(Text, nullable=False, default="")
    updated_by = Column(String(80), nullable=False, default="")
    updated_at = Column(DateTime, nullable=False, default=utc_now)
    reviewed_by = Column(String(80), nullable=True)
    reviewed_at = Column(DateTime, nullable=True)


class LearningDecision(Base):
    """What an admin decided for one (masked) message text in the learning inbox.

    `text_key` is unique: a text is decided, and exported, once. `sender_id`
    and `event_id` point at the message it came from while the conversation
    exists (cleared by purge; erasure deletes the decision).
    """

    __tablename__ = "learning_decision"
    __table_args__ = (Index("ix_learning_decision_sender", "sender_id"),)
    id = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)
    text_key = Column(String(64), nullable=False, unique=True)
    decision = Column(String(20), nullable=False)
    intent = Column(String(100), nullable=True)
    qa_entry_id = Column(Integer, nullable=True)
    sender_id = Column(String(255), nullable=True)
    event_id = Column(Integer, nullable=True)
    decided_by = Column(String(80), nullable=False)
    decided_at = Column(DateTime, nullable=False, default=utc_now)
    exported_at = Column(DateTime, nullable=True)
    language = Column(String(8), nullable=False, default="sv", server_default="sv")  # migration 0008


class ReviewAudit(Base):
    """One purge, erasure or export: who, when, which sender id or how many."""

    __tablename__ = "review_audit"
    __table_args__ = (Index("ix_review_audit_created_at", "created_at"),)
    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime, nullable=False, default=utc_now)
    username = Column(String(80), nullable=False)
    action = Column(String(20), nullable=False)
    sender_id = Column(String(255), nullable=True)
    conversations = Column(Integer, nullable=False, default=0)
    events = Column(Integer, nullable=False, default=0)
    detail = Column(String(300), nullable=False, default="")
