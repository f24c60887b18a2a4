"""The conversation review as one object, for the portal and the command line.

`ConversationService` joins Rasa's tracker store (read through a cache of
parsed conversations, and deleted from on purge and erasure) with the review
tables in the content database: reviews, learning-inbox decisions and the
audit log. Each of those has a module of its own; this one says what happens
across them, such as everything an erasure must delete.
"""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.orm import sessionmaker

from bot.conversations import export as exporting
from bot.conversations import filters, inbox, languages, stats
from bot.conversations.audit import AuditLog
from bot.conversations.cache import ConversationCache
from bot.conversations.errors import ReviewError
from bot.conversations.learning import Decision, LearningDecisions, LinkQA, delete_decisions, unlink_decisions
from bot.conversations.models import ReviewAudit
from bot.conversations.paging import Page, paginate
from bot.conversations.retention import DAY, PurgeResult
from bot.conversations.reviews import Reviews, delete_reviews
from bot.conversations.tracker import TrackerStore
from bot.conversations.transcript import Conversation
from bot.paths import ROOT

NLU_DIR = ROOT / "data" / "nlu"


class ConversationService:
    def __init__(self, tracker: TrackerStore, sessions: sessionmaker, nlu_dir: Path = NLU_DIR,
                 nlu_path: Path | None = None) -> None:
        self.tracker = tracker
        self.nlu_dir = nlu_dir  # the training data the export must not repeat
        self.nlu_path = nlu_path or nlu_dir / inbox.NLU_FILE_NAME
        self._sessions = sessions
        self._cache = ConversationCache(tracker)
        self._reviews = Reviews(sessions)
        self._learning = LearningDecisions(sessions)
        self._audit = AuditLog(sessions)

    # ------------------------------------------------------------ reading the tracker store

    def conversations(self) -> list[Conversation]:
        return self._cache.all()

    def conversation(self, sender_id: str) -> Conversation | None:
        return self._cache.one(sender_id)

    # ------------------------------------------------------------ review status, tags, notes

    def reviews(self) -> dict[str, dict[str, Any]]:
        return self._reviews.all()

    def review(self, sender_id: str) -> dict[str, Any]:
        return self._reviews.of(sender_id)

    def all_tags(self) -> list[str]:
        return self._reviews.tags()

    def save_review(self, sender_id: str, who: str, *, status: str | None = None,
                    tags: str | None = None, note: str | None = None) -> dict[str, Any]:
        return self._reviews.save(sender_id, who, status=status, tags=tags, note=note)

    # ------------------------------------------------------------ the list and statistics

    def find(self, flt: filters.ConversationFilter) -> list[Conversation]:
        return filters.apply(self.conversations(), self.reviews(), flt)

    def page(self, flt: filters.ConversationFilter, page: int = 1, per_page: int = 25) -> Page[Conversation]:
        return paginate(self.find(flt), page, per_page)

    def statistics(self, date_from: dt.date, date_to: dt.date) -> stats.Statistics:
        return stats.compute(self.conversations(), date_from, date_to)

    # ------------------------------------------------------------ the learning inbox

    def inbox(self, threshold: float = inbox.UNSURE_BELOW, language: str = "") -> list[inbox.InboxItem]:
        """The inbox items, all or those in one language."""
        items = inbox.collect(self.conversations(), threshold)
        return [item for item in items if not language or item.language == language]

    def decisions(self) -> dict[str, Decision]:
        return self._learning.all()

    def decide(self, sender_id: str, event_id: int, decision: str, who: str, *, intent: str = "",
               intents: Sequence[str] = (), qa_entry_id: int | None = None,
               link_qa: LinkQA | None = None) -> Decision:
        """Record what a message should have been (bot/conversations/learning.py)."""
        return self._learning.decide(self.conversation(sender_id), event_id, decision, who, intent=intent,
                                     intents=intents, qa_entry_id=qa_entry_id, link_qa=link_qa)

    def undo(self, decision_id: int) -> Decision | None:
        return self._learning.undo(decision_id)

    def nlu_file(self, language: str) -> Path:
        """Where the reviewed examples in `language` are exported to."""
        return languages.nlu_file(self.nlu_path, language)

    def nlu_export(self, language: str = languages.DEFAULT) -> inbox.Export:
        return self._learning.nlu_export(self.nlu_dir, self.nlu_path, language)

    def write_nlu(self) -> dict[str, inbox.Export]:
        return self._learning.write_nlu(self.nlu_dir, self.nlu_path)

    # ------------------------------------------------------------ exports and the audit log

    def export(self, flt: filters.ConversationFilter, fmt: str, who: str) -> tuple[str, int]:
        """The filtered conversations as CSV or JSON; the export is audited."""
        found = self.find(flt)
        reviews = self.reviews()
        if fmt == "csv":
            text = exporting.to_csv(found, reviews)
        else:
            text = exporting.to_json(found, reviews, flt.params())
        # the filters, but not the free-text search term (it could name someone)
        used = ", ".join(f"{k}={'(fritext)' if k == 'q' else v}" for k, v in flt.params().items())
        self._audit.write(who, "export", conversations=len(found), events=sum(c.event_count for c in found),
                          detail=f"{fmt.upper()}; filter: {used or 'inga'}"[:300])
        return text, len(found)

    def audit_log(self, limit: int = 200) -> list[ReviewAudit]:
        return self._audit.latest(limit)

    # ------------------------------------------------------------ retention and erasure

    def erase(self, sender_id: str, who: str) -> int:
        """Delete one conversation (the right to erasure): every event in the
        tracker store, its review data and the inbox decisions made from it."""
        events = self.tracker.delete_sender(sender_id)
        with self._sessions() as session, session.begin():
            delete_reviews(session, [sender_id])
            decisions = delete_decisions(session, sender_id)
        self._cache.forget([sender_id])
        self._audit.write(who, "radering", sender_id=sender_id, conversations=1 if events else 0, events=events,
                          detail=f"{decisions} rättelser i inlärningslådan togs också bort" if decisions else "")
        return events

    def purge(self, days: float, who: str, now: float | None = None) -> PurgeResult:
        """Delete conversations older than `days` days (and earlier sessions
        older than that); review data of deleted conversations goes too, and
        inbox decisions lose their link to the conversation (the masked
        example itself stays, as training data)."""
        if days <= 0:
            raise ReviewError("Lagringstiden måste vara längre än 0 dagar.")
        cutoff = (now if now is not None else time.time()) - days * DAY
        gone, trimmed, events = self.tracker.purge(cutoff)
        remaining = {row.id for row in self.tracker.rows(trimmed)} if trimmed else set()
        with self._sessions() as session, session.begin():
            delete_reviews(session, gone)
            unlink_decisions(session, gone, trimmed, remaining)
        self._cache.forget(gone + trimmed)
        self._audit.write(who, "gallring", conversations=len(gone), events=events,
                          detail=f"äldre än {days:g} dagar; {len(trimmed)} pågående samtal kortades")
        return PurgeResult(days, cutoff, len(gone), len(trimmed), events)
