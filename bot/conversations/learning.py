"""The admins' corrections from the learning inbox, and their export to Rasa NLU data.

A decision is stored per message text (its key, bot/conversations/inbox.py),
so a text is decided, and exported, once, to the training data of the language
the resident wrote it in: data/nlu/reviewed.yml for Swedish, data/nlu/en/reviewed.yml
for English (languages.nlu_file). The next `make train` reads them with the rest.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.conversations import inbox
from bot.conversations.errors import ReviewError
from bot.conversations.languages import DEFAULT, LANGUAGES, nlu_file
from bot.conversations.models import DECISIONS, LearningDecision
from bot.conversations.tracker import chunks
from bot.conversations.transcript import Conversation, squash
from bot.dates import utc_now

LinkQA = Callable[[int, str], None]  # (Q&A entry id, text): adds the text to the entry's examples


@dataclass(frozen=True)
class Decision:
    id: int
    text: str
    key: str
    decision: str
    intent: str | None
    qa_entry_id: int | None
    sender_id: str | None
    event_id: int | None
    decided_by: str
    decided_at: dt.datetime
    exported_at: dt.datetime | None
    language: str = DEFAULT

    @property
    def label(self) -> str:
        return DECISIONS.get(self.decision, self.decision)

    @property
    def training_intent(self) -> str | None:
        """The intent the example is exported under (None: not exported)."""
        if self.decision == "intent":
            return self.intent
        if self.decision == "out_of_scope":
            return "out_of_scope"
        return None


def _decision(row: LearningDecision) -> Decision:
    return Decision(row.id, row.text, row.text_key, row.decision, row.intent, row.qa_entry_id,
                    row.sender_id, row.event_id, row.decided_by, row.decided_at, row.exported_at,
                    row.language if row.language in LANGUAGES else DEFAULT)


class LearningDecisions:
    """The `learning_decision` table."""

    def __init__(self, sessions: sessionmaker) -> None:
        self.sessions = sessions

    def all(self) -> dict[str, Decision]:
        """text key → decision, the latest first."""
        with self.sessions() as session:
            rows = session.execute(select(LearningDecision).order_by(LearningDecision.decided_at.desc()))
            return {row.text_key: _decision(row) for row in rows.scalars()}

    def decide(self, conversation: Conversation | None, event_id: int, decision: str, who: str, *,
               intent: str = "", intents: Sequence[str] = (), qa_entry_id: int | None = None,
               link_qa: LinkQA | None = None) -> Decision:
        """Record what a message of `conversation` should have been. `intents`
        are the allowed intents (domain.yml); `link_qa` raises on a conflict."""
        if decision not in DECISIONS:
            raise ReviewError("Välj vad som ska hända med meddelandet.")
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
            row.sender_id, row.event_id = conversation.sender_id, event_id
            row.language = line.language
            row.decided_by, row.decided_at, row.exported_at = who, utc_now(), None
            session.flush()
            return _decision(row)

    def undo(self, decision_id: int) -> Decision | None:
        with self.sessions() as session, session.begin():
            row = session.get(LearningDecision, decision_id)
            if row is None:
                return None
            gone = _decision(row)
            session.delete(row)
            return gone

    # ------------------------------------------------------------ the NLU export

    def _training_pairs(self, language: str) -> list[tuple[str, str]]:
        with self.sessions() as session:
            rows = session.execute(select(LearningDecision).order_by(LearningDecision.id)).scalars()
            decided = [_decision(row) for row in rows]
        return [(d.training_intent, d.text) for d in decided if d.training_intent and d.language == language]

    def nlu_export(self, nlu_dir: Path, nlu_path: Path, language: str = DEFAULT) -> inbox.Export:
        """The corrections in `language` as Rasa NLU YAML, without the examples `nlu_dir`
        has already (in either language: one model reads both). `nlu_path` is the Swedish file."""
        existing = inbox.existing_examples(nlu_dir, skip=[nlu_file(nlu_path, code) for code in LANGUAGES])
        return inbox.render_nlu(self._training_pairs(language), existing)

    def write_nlu(self, nlu_dir: Path, nlu_path: Path) -> dict[str, inbox.Export]:
        """Write each language's corrections to its file (atomically); the files written,
        by language. A language with nothing to write and no earlier file gets none."""
        written: dict[str, inbox.Export] = {}
        for language in LANGUAGES:
            path = nlu_file(nlu_path, language)
            result = self.nlu_export(nlu_dir, nlu_path, language)
            if not result.written and not path.exists():
                continue
            _write_atomically(path, result.text)
            written[language] = result
        keys = {inbox.key_hash(example) for result in written.values() for _intent, example in result.written}
        with self.sessions() as session, session.begin():
            session.execute(update(LearningDecision).where(LearningDecision.text_key.in_(keys))
                            .values(exported_at=utc_now()))
        return written


def _write_atomically(path: Path, text: str) -> None:
    """Readers (`make train`) see the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".reviewed-", suffix=".yml", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------- when conversations go


def delete_decisions(session: Session, sender_id: str) -> int:
    """Erasure: the decisions made from one conversation go with it; how many."""
    return session.execute(delete(LearningDecision).where(LearningDecision.sender_id == sender_id)).rowcount


def unlink_decisions(session: Session, gone: Sequence[str], trimmed: Sequence[str],
                     remaining_events: set[int]) -> None:
    """Purge: decisions keep their masked example (training data) but lose their
    link to a conversation that is gone, or to a message of a trimmed one."""
    for chunk in chunks(gone):
        session.execute(update(LearningDecision).where(LearningDecision.sender_id.in_(chunk))
                        .values(sender_id=None, event_id=None))
    for row in session.execute(select(LearningDecision).where(LearningDecision.sender_id.in_(trimmed))).scalars():
        if row.event_id not in remaining_events:
            row.sender_id, row.event_id = None, None
