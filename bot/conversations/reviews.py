"""What admins write about a conversation: its review status, tags and a note.

Tags and notes are masked like the residents' messages (bot/privacy/), so an
admin cannot bring back into the log what the channel took out of it.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from bot.conversations.errors import ReviewError
from bot.conversations.models import STATUSES, ConversationReview
from bot.conversations.tracker import chunks
from bot.conversations.transcript import squash
from bot.dates import utc_now
from bot.privacy.masking import mask_text

MAX_TAGS = 10
MAX_TAG_CHARS = 40
MAX_NOTE_CHARS = 2000


def parse_tags(raw: str) -> list[str]:
    """Comma-separated tags: masked, trimmed, each once, at most MAX_TAGS."""
    tags: list[str] = []
    for part in (raw or "").split(","):
        tag = squash(mask_text(part))[:MAX_TAG_CHARS]
        if tag and tag.casefold() not in {t.casefold() for t in tags}:
            tags.append(tag)
    return tags[:MAX_TAGS]


def _as_dict(row: ConversationReview) -> dict[str, Any]:
    return {"status": row.status, "tags": list(row.tags or []), "note": row.note or "",
            "updated_by": row.updated_by, "updated_at": row.updated_at,
            "reviewed_by": row.reviewed_by, "reviewed_at": row.reviewed_at}


class Reviews:
    """The `conversation_review` table."""

    def __init__(self, sessions: sessionmaker) -> None:
        self.sessions = sessions

    def all(self) -> dict[str, dict[str, Any]]:
        with self.sessions() as session:
            return {row.sender_id: _as_dict(row) for row in session.execute(select(ConversationReview)).scalars()}

    def of(self, sender_id: str) -> dict[str, Any]:
        with self.sessions() as session:
            row = session.get(ConversationReview, sender_id)
            return _as_dict(row) if row else {"status": "ny", "tags": [], "note": ""}

    def tags(self) -> list[str]:
        """Every tag in use, for the list's tag filter."""
        tags = {tag for review in self.all().values() for tag in review["tags"]}
        return sorted(tags, key=str.casefold)

    def save(self, sender_id: str, who: str, *, status: str | None = None,
             tags: str | None = None, note: str | None = None) -> dict[str, Any]:
        """Set status, tags or note (what is None stays)."""
        if status is not None and status not in STATUSES:
            raise ReviewError("Välj en giltig granskningsstatus.")
        if note is not None and len(note) > MAX_NOTE_CHARS:
            raise ReviewError(f"Anteckningen får vara högst {MAX_NOTE_CHARS} tecken.")
        with self.sessions() as session, session.begin():
            row = session.get(ConversationReview, sender_id)
            if row is None:
                row = ConversationReview(sender_id=sender_id, status="ny", tags=[], note="")
                session.add(row)
            if status is not None and status != row.status:
                row.status = status
                row.reviewed_by, row.reviewed_at = (who, utc_now()) if status == "granskad" else (None, None)
            if tags is not None:
                row.tags = parse_tags(tags)
            if note is not None:
                row.note = mask_text(note.strip())
            row.updated_by, row.updated_at = who, utc_now()
            session.flush()
            return _as_dict(row)



def delete_reviews(session: Session, senders: Sequence[str]) -> None:
    """Forget the reviews of deleted conversations (in the caller's transaction)."""
    for chunk in chunks(senders):
        session.execute(delete(ConversationReview).where(ConversationReview.sender_id.in_(chunk)))
