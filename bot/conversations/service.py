"""The conversation review as one object, for the portal and the command line.

`ConversationService` joins Rasa's tracker store (read, and deleted from on
purge and erasure) with the review tables in the content database. Parsed
conversations are cached per sender and re-read only when the sender's
events changed (highest event id and count), so a list or statistics page
does not parse the whole tracker store on every request.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from sqlalchemy import delete, select, update
from sqlalchemy.orm import sessionmaker

from bot.conversations import export as exporting
from bot.conversations import filters, inbox, stats
from bot.conversations.models import DECISIONS, STATUSES, ConversationReview, LearningDecision, ReviewAudit
from bot.conversations.tracker import TrackerStore
from bot.conversations.transcript import Conversation, build, squash
from bot.paths import ROOT
from bot.privacy.masking import mask_text

NLU_DIR = ROOT / "data" / "nlu"
MAX_TAGS = 10
MAX_TAG_CHARS = 40
MAX_NOTE_CHARS = 2000
DAY = 86400.0


class ReviewError(ValueError):
    """A request the service refuses, with a Swedish message for the admin."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def parse_tags(raw: str) -> List[str]:
    """Comma-separated tags: masked, trimmed, each once, at most MAX_TAGS."""
    tags: List[str] = []
    for part in (raw or "").split(","):
        tag = squash(mask_text(part))[:MAX_TAG_CHARS]
        if tag and tag.casefold() not in {t.casefold() for t in tags}:
            tags.append(tag)
    return tags[:MAX_TAGS]


@dataclass
class Page:
    items: List[Conversation]
    total: int
    page: int
    pages: int
    per_page: int

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * self.per_page, self.total)


@dataclass
class PurgeResult:
    days: float
    cutoff: float
    conversations: int  # deleted entirely
    trimmed: int  # earlier sessions deleted
    events: int


@dataclass(frozen=True)
class Decision:
    id: int
    text: str
    key: str
    decision: str
    intent: Optional[str]
    qa_entry_id: Optional[int]
    sender_id: Optional[str]
    event_id: Optional[int]
    decided_by: str
    decided_at: dt.datetime
    exported_at: Optional[dt.datetime]

    @property
    def label(self) -> str:
        return DECISIONS.get(self.decision, self.decision)

    @property
    def training_intent(self) -> Optional[str]:
        """The intent the example is exported under (None: not exported)."""
        if self.decision == "intent":
            return self.intent
        if self.decision == "out_of_scope":
            return "out_of_scope"
        return None


def _decision(row: LearningDecision) -> Decision:
    return Decision(row.id, row.text, row.text_key, row.decision, row.intent, row.qa_entry_id,
                    row.sender_id, row.event_id, row.decided_by, row.decided_at, row.exported_at)


def _review(row: ConversationReview) -> Dict[str, Any]:
    return {"status": row.status, "tags": list(row.tags or []), "note": row.note or "",
            "updated_by": row.updated_by, "updated_at": row.updated_at,
            "reviewed_by": row.reviewed_by, "reviewed_at": row.reviewed_at}


class ConversationService:
    def __init__(self, tracker: TrackerStore, sessions: sessionmaker, nlu_dir: Path = NLU_DIR,
                 nlu_path: Optional[Path] = None) -> None:
        self.tracker = tracker
        self.sessions = sessions
        self.nlu_dir = nlu_dir
        self.nlu_path = nlu_path or nlu_dir / inbox.NLU_FILE_NAME
        self._lock = threading.Lock()
        self._prints: Dict[str, Tuple[int, int]] = {}
        self._cache: Dict[str, Conversation] = {}

    # ------------------------------------------------------------ reading the tracker store

    def conversations(self) -> List[Conversation]:
        """Every conversation in the tracker store (re-parsing only what changed)."""
        with self._lock:
            prints = self.tracker.fingerprints()
            for sender in [s for s in self._cache if s not in prints]:
                del self._cache[sender]
            changed = [s for s, fingerprint in prints.items() if self._prints.get(s) != fingerprint]
            if changed:
                grouped: Dict[str, list] = {s: [] for s in changed}
                for row in self.tracker.rows(changed):
                    grouped.setdefault(row.sender_id, []).append(row)
                for sender, rows in grouped.items():
                    if rows:
                        self._cache[sender] = build(sender, rows)
                    else:
                        self._cache.pop(sender, None)
            self._prints = prints
            return list(self._cache.values())

    def conversation(self, sender_id: str) -> Optional[Conversation]:
        rows = self.tracker.rows([sender_id])
        return build(sender_id, rows) if rows else None

    def _forget(self, senders: Iterable[str]) -> None:
        with self._lock:
            for sender in senders:
                self._cache.pop(sender, None)
                self._prints.pop(sender, None)

    # ------------------------------------------------------------ review status, tags, notes

    def reviews(self) -> Dict[str, Dict[str, Any]]:
        with self.sessions() as session:
            return {row.sender_id: _review(row) for row in session.execute(select(ConversationReview)).scalars()}

    def review(self, sender_id: str) -> Dict[str, Any]:
        with self.sessions() as session:
            row = session.get(ConversationReview, sender_id)
            return _review(row) if row else {"status": "ny", "tags": [], "note": ""}

    def all_tags(self) -> List[str]:
        tags = {tag for review in self.reviews().values() for tag in review["tags"]}
        return sorted(tags, key=str.casefold)

    def save_review(self, sender_id: str, who: str, *, status: Optional[str] = None,
                    tags: Optional[str] = None, note: Optional[str] = None) -> Dict[str, Any]:
        """Set status, tags or note (what is None stays); tags and note are masked too."""
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
                row.reviewed_by, row.reviewed_at = (who, _now()) if status == "granskad" else (None, None)
            if tags is not None:
                row.tags = parse_tags(tags)
            if note is not None:
                row.note = mask_text(note.strip())
            row.updated_by, row.updated_at = who, _now()
            session.flush()
            return _review(row)

    # ------------------------------------------------------------ the list

    def find(self, flt: filters.ConversationFilter) -> List[Conversation]:
        return filters.apply(self.conversations(), self.reviews(), flt)

    def page(self, flt: filters.ConversationFilter, page: int = 1, per_page: int = 25) -> Page:
        found = self.find(flt)
        pages = max(1, -(-len(found) // per_page))
        page = min(max(1, page), pages)
        start = (page - 1) * per_page
        return Page(found[start:start + per_page], len(found), page, pages, per_page)

    # ------------------------------------------------------------ statistics

    def statistics(self, date_from: dt.date, date_to: dt.date) -> stats.Statistics:
        return stats.compute(self.conversations(), date_from, date_to)

    # ------------------------------------------------------------ the learning inbox

    def decisions(self) -> Dict[str, Decision]:
        with self.sessions() as session:
            rows = session.execute(select(LearningDecision).order_by(LearningDecision.decided_at.desc()))
            return {row.text_key: _decision(row) for row in rows.scalars()}

    def inbox(self, threshold: float = inbox.UNSURE_BELOW) -> List[inbox.InboxItem]:
        return inbox.collect(self.conversations(), threshold)

    def decide(self, sender_id: str, event_id: int, decision: str, who: str, *,
               intent: str = "", intents: Sequence[str] = (), qa_entry_id: Optional[int] = None,
               link_qa: Optional[Callable[[int, str], None]] = None) -> Decision:
        """Record what a message should have been. `intents` are the allowed
        intents (domain.yml); `link_qa(entry_id, text)` adds the text to a
        staff Q&A entry's example questions (it raises on a conflict)."""
        if decision not in DECISIONS:
            raise ReviewError("Välj vad som ska hända med meddelandet.")
        conversation = self.conversation(sender_id)
        line = conversation.line(event_id) if conversation else None
        if line is None or not line.typed:
            raise ReviewError("Meddelandet finns inte längre i loggen (det kan ha gallrats eller raderats).")
        text = squash(line.text)
        if decision == "intent":
            if intent not in intents:
                raise ReviewError("Välj en avsikt ur listan.")
            if intent == "out_of_scope":
                decision = "out_of_scope"
        else:
            intent = ""
        if decision == "qa":
            if qa_entry_id is None or link_qa is None:
                raise ReviewError("Välj en fråga och svar att koppla meddelandet till.")
            link_qa(qa_entry_id, text)
        key = inbox.key_hash(text)
        with self.sessions() as session, session.begin():
            row = session.execute(select(LearningDecision).where(LearningDecision.text_key == key)).scalar_one_or_none()
            if row is None:
                row = LearningDecision(text_key=key)
                session.add(row)
            row.text, row.decision = text, decision
            row.intent = intent or None
            row.qa_entry_id = qa_entry_id if decision == "qa" else None
            row.sender_id, row.event_id = sender_id, event_id
            row.decided_by, row.decided_at, row.exported_at = who, _now(), None
            session.flush()
            return _decision(row)

    def undo(self, decision_id: int) -> Optional[Decision]:
        with self.sessions() as session, session.begin():
            row = session.get(LearningDecision, decision_id)
            if row is None:
                return None
            gone = _decision(row)
            session.delete(row)
            return gone

    def _training_pairs(self) -> List[Tuple[str, str]]:
        with self.sessions() as session:
            rows = session.execute(select(LearningDecision).order_by(LearningDecision.id)).scalars()
            pairs = []
            for row in rows:
                intent = _decision(row).training_intent
                if intent:
                    pairs.append((intent, row.text))
            return pairs

    def nlu_export(self) -> inbox.Export:
        """The corrections as Rasa NLU YAML (without writing it)."""
        existing = inbox.existing_examples(self.nlu_dir, skip=self.nlu_path)
        return inbox.render_nlu(self._training_pairs(), existing)

    def write_nlu(self) -> Optional[inbox.Export]:
        """Write the corrections to data/nlu/reviewed.yml (atomically). None
        when there is nothing to write and no earlier file to bring up to date."""
        result = self.nlu_export()
        if not result.written and not self.nlu_path.exists():
            return None
        self.nlu_path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".reviewed-", suffix=".yml", dir=self.nlu_path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(result.text)
            os.chmod(temporary, 0o644)
            os.replace(temporary, self.nlu_path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        keys = {inbox.key_hash(example) for _intent, example in result.written}
        with self.sessions() as session, session.begin():
            session.execute(update(LearningDecision).where(LearningDecision.text_key.in_(keys))
                            .values(exported_at=_now()))
        return result

    # ------------------------------------------------------------ exports

    def export(self, flt: filters.ConversationFilter, fmt: str, who: str) -> Tuple[str, int]:
        """The filtered conversations as CSV or JSON; the export is audited."""
        found = self.find(flt)
        reviews = self.reviews()
        if fmt == "csv":
            text = exporting.to_csv(found, reviews)
        else:
            text = exporting.to_json(found, reviews, flt.params())
        # the filters, but not the free-text search term (it could name someone)
        used = ", ".join(f"{k}={'(fritext)' if k == 'q' else v}" for k, v in flt.params().items())
        self._audit(who, "export", conversations=len(found),
                    events=sum(c.event_count for c in found),
                    detail=f"{fmt.upper()}; filter: {used or 'inga'}"[:300])
        return text, len(found)

    # ------------------------------------------------------------ retention and erasure

    def erase(self, sender_id: str, who: str) -> int:
        """Delete one conversation (the right to erasure): every event in the
        tracker store, its review data and the inbox decisions made from it."""
        events = self.tracker.delete_sender(sender_id)
        with self.sessions() as session, session.begin():
            session.execute(delete(ConversationReview).where(ConversationReview.sender_id == sender_id))
            decisions = session.execute(
                delete(LearningDecision).where(LearningDecision.sender_id == sender_id)).rowcount
        self._forget([sender_id])
        self._audit(who, "radering", sender_id=sender_id, conversations=1 if events else 0, events=events,
                    detail=f"{decisions} rättelser i inlärningslådan togs också bort" if decisions else "")
        return events

    def purge(self, days: float, who: str, now: Optional[float] = None) -> PurgeResult:
        """Delete conversations older than `days` days (and earlier sessions
        older than that); review data of deleted conversations goes too, and
        inbox decisions lose their link to the conversation (the masked
        example itself stays, as training data)."""
        if days <= 0:
            raise ReviewError("Lagringstiden måste vara längre än 0 dagar.")
        cutoff = (now if now is not None else time.time()) - days * DAY
        gone, trimmed, events = self.tracker.purge(cutoff)
        remaining = {row.id for row in self.tracker.rows(trimmed)} if trimmed else set()
        with self.sessions() as session, session.begin():
            for start in range(0, len(gone), 500):
                chunk = gone[start:start + 500]
                session.execute(delete(ConversationReview).where(ConversationReview.sender_id.in_(chunk)))
                session.execute(update(LearningDecision).where(LearningDecision.sender_id.in_(chunk))
                                .values(sender_id=None, event_id=None))
            for row in session.execute(select(LearningDecision)
                                       .where(LearningDecision.sender_id.in_(trimmed))).scalars():
                if row.event_id not in remaining:
                    row.sender_id, row.event_id = None, None
        self._forget(gone + trimmed)
        self._audit(who, "gallring", conversations=len(gone), events=events,
                    detail=f"äldre än {days:g} dagar; {len(trimmed)} pågående samtal kortades")
        return PurgeResult(days, cutoff, len(gone), len(trimmed), events)

    # ------------------------------------------------------------ audit log

    def _audit(self, who: str, action: str, *, sender_id: Optional[str] = None, conversations: int = 0,
               events: int = 0, detail: str = "") -> None:
        with self.sessions() as session, session.begin():
            session.add(ReviewAudit(username=who, action=action, sender_id=sender_id,
                                    conversations=conversations, events=events, detail=detail))

    def audit_log(self, limit: int = 200) -> List[ReviewAudit]:
        with self.sessions() as session:
            rows = session.execute(select(ReviewAudit).order_by(ReviewAudit.id.desc()).limit(limit)).scalars()
            result = list(rows)
            session.expunge_all()
            return result


def retention_days(default: float = 30) -> float:
    """The retention period in days: LOG_RETENTION_DAYS, else `default`."""
    raw = os.environ.get("LOG_RETENTION_DAYS", "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ReviewError(f"LOG_RETENTION_DAYS måste vara ett antal dagar, inte {raw!r}.") from None
    if value <= 0:
        raise ReviewError("LOG_RETENTION_DAYS måste vara större än 0.")
    return value


def parse_period(text: str) -> float:
    """'30d', '30', '4w' or '36h' → days."""
    raw = (text or "").strip().lower()
    units = {"d": 1.0, "w": 7.0, "h": 1 / 24}
    factor = units.get(raw[-1:], None)
    number = raw[:-1] if factor is not None else raw
    try:
        value = float(number) * (factor or 1.0)
    except ValueError:
        raise ReviewError(f"Okänd period {text!r}: skriv till exempel 30d, 4w eller 36h.") from None
    if value <= 0:
        raise ReviewError("Perioden måste vara längre än 0.")
    return value
