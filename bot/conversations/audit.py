"""The audit log of purges, erasures and exports: who, when, how many.

It never holds message content, and the sender id only for an erasure.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.conversations.models import ReviewAudit


class AuditLog:
    """The `review_audit` table."""

    def __init__(self, sessions: sessionmaker) -> None:
        self.sessions = sessions

    def write(self, who: str, action: str, *, sender_id: str | None = None, conversations: int = 0,
              events: int = 0, detail: str = "") -> None:
        with self.sessions() as session, session.begin():
            session.add(ReviewAudit(username=who, action=action, sender_id=sender_id,
                                    conversations=conversations, events=events, detail=detail))

    def latest(self, limit: int = 200) -> list[ReviewAudit]:
        with self.sessions() as session:
            rows = session.execute(select(ReviewAudit).order_by(ReviewAudit.id.desc()).limit(limit)).scalars()
            result = list(rows)
            session.expunge_all()
            return result
