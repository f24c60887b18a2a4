"""Conversations parsed from the tracker store, kept until their events change.

A list or statistics page needs every conversation; parsing the whole tracker
store on every request would not scale. A sender's conversation is parsed again
only when its fingerprint (highest event id, number of events) has changed.
"""
from __future__ import annotations

import threading
from collections.abc import Iterable

from bot.conversations.tracker import TrackerStore
from bot.conversations.transcript import Conversation, build


class ConversationCache:
    def __init__(self, tracker: TrackerStore) -> None:
        self.tracker = tracker
        self._lock = threading.Lock()
        self._fingerprints: dict[str, tuple[int, int]] = {}
        self._parsed: dict[str, Conversation] = {}

    def all(self) -> list[Conversation]:
        """Every conversation in the tracker store (re-parsing only what changed)."""
        with self._lock:
            fingerprints = self.tracker.fingerprints()
            for sender in [s for s in self._parsed if s not in fingerprints]:
                del self._parsed[sender]
            changed = [s for s, fingerprint in fingerprints.items() if self._fingerprints.get(s) != fingerprint]
            if changed:
                grouped: dict[str, list] = {s: [] for s in changed}
                for row in self.tracker.rows(changed):
                    grouped.setdefault(row.sender_id, []).append(row)
                for sender, rows in grouped.items():
                    if rows:
                        self._parsed[sender] = build(sender, rows)
                    else:
                        self._parsed.pop(sender, None)
            self._fingerprints = fingerprints
            return list(self._parsed.values())

    def one(self, sender_id: str) -> Conversation | None:
        """One conversation, read afresh (a transcript must show the latest events)."""
        rows = self.tracker.rows([sender_id])
        return build(sender_id, rows) if rows else None

    def forget(self, senders: Iterable[str]) -> None:
        """Drop deleted conversations at once, before the next fingerprint read."""
        with self._lock:
            for sender in senders:
                self._parsed.pop(sender, None)
                self._fingerprints.pop(sender, None)
