"""Login throttling with progressive delays, instead of locking accounts.

A hard lock-out lets anyone lock any account by guessing wrong five times
(OWASP's authentication cheat sheet warns of exactly that). Instead, failed
logins are counted per client address and per (address, account) pair, and
after a few free failures each further one makes the next attempt from that
address wait longer: 1 s, 2 s, 4 s … at most `LONGEST_DELAY`. An attempt
that comes too early is refused without its password being checked, so a
flood cannot guess faster than the delays allow, while the real user, at
another address, logs in as usual.

The state lives in the portal process's memory (one portal per deployment;
a restart forgets it, which only shortens a delay). It is bounded: entries
are forgotten `FORGET_AFTER` after their last failure, and at most
`MAX_ENTRIES` are kept.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)

FREE_PAIR_FAILURES = 3  # per (address, account): a few typos cost nothing
FREE_ADDRESS_FAILURES = 10  # per address over every account: spraying many names
FIRST_DELAY = 1.0  # seconds
LONGEST_DELAY = 300.0
FORGET_AFTER = 3600.0  # seconds after the last failure
MAX_ENTRIES = 10_000
RECENT_EVENTS = 50
KEY_CHARS = 80  # usernames are at most 80 characters; longer input is cut for the key


def delay_after(failures: int, free: int) -> float:
    """Seconds the next attempt has to wait after `failures` failures in a row."""
    if failures < free:
        return 0.0
    return min(FIRST_DELAY * 2 ** min(failures - free, 20), LONGEST_DELAY)


@dataclass
class _Entry:
    failures: int = 0
    last_failure: float = 0.0
    allowed_at: float = 0.0


@dataclass(frozen=True)
class ThrottleEvent:
    """One refusal or start of a delay, for the admin start page."""

    at: dt.datetime  # naive UTC, like the database's stamps
    address: str
    account: str
    failures: int
    delay: float
    refused: bool  # True: an attempt came too early and was refused unchecked


class LoginThrottle:
    """Failed-login counters per address and per (address, account)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._entries: dict[tuple[str, ...], _Entry] = {}
        self._events: deque[ThrottleEvent] = deque(maxlen=RECENT_EVENTS)
        self._refused_total = 0
        self._lock = threading.Lock()  # logins are checked on executor threads

    @staticmethod
    def _keys(address: str, account: str) -> tuple[tuple[tuple[str, ...], int], ...]:
        name = account.strip().lower()[:KEY_CHARS]
        return ((("pair", address, name), FREE_PAIR_FAILURES),
                (("address", address), FREE_ADDRESS_FAILURES))

    def wait(self, address: str, account: str) -> float:
        """Seconds until an attempt for this account from this address is allowed."""
        now = self._clock()
        with self._lock:
            waits = [entry.allowed_at - now for key, _free in self._keys(address, account)
                     if (entry := self._entries.get(key)) is not None]
        return max([0.0, *waits])

    def refused(self, address: str, account: str, wait: float) -> None:
        """An attempt came too early; it was refused without checking the password."""
        logger.warning("Login attempt refused unchecked (throttled): address %s, account %r, "
                       "next attempt allowed in %.0f s", address, account[:KEY_CHARS], wait)
        with self._lock:
            self._refused_total += 1
            self._remember(address, account, 0, wait, refused=True)

    def failed(self, address: str, account: str) -> float:
        """Count a failed login; the delay it imposes on the next attempt (0: none)."""
        now = self._clock()
        longest = 0.0
        with self._lock:
            self._prune(now)
            failures = 0
            for key, free in self._keys(address, account):
                entry = self._entries.setdefault(key, _Entry())
                entry.failures += 1
                entry.last_failure = now
                delay = delay_after(entry.failures, free)
                entry.allowed_at = now + delay
                if delay >= longest:
                    longest, failures = delay, entry.failures
            if longest:
                self._remember(address, account, failures, longest, refused=False)
        if longest:
            logger.warning("Login throttled after %d failures: address %s, account %r, "
                           "next attempt allowed in %.0f s", failures, address, account[:KEY_CHARS], longest)
        return longest

    def succeeded(self, address: str, account: str) -> None:
        """A correct login clears the pair's counter (the address's stays)."""
        with self._lock:
            self._entries.pop(self._keys(address, account)[0][0], None)

    def _remember(self, address: str, account: str, failures: int, delay: float, refused: bool) -> None:
        at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        self._events.appendleft(ThrottleEvent(at, address, account[:KEY_CHARS], failures, delay, refused))

    def _prune(self, now: float) -> None:
        stale = [key for key, entry in self._entries.items() if now - entry.last_failure > FORGET_AFTER]
        for key in stale:
            del self._entries[key]
        while len(self._entries) >= MAX_ENTRIES:  # oldest first: dicts keep insertion order
            del self._entries[next(iter(self._entries))]

    def summary(self) -> dict:
        """What the admin start page shows: current delays and recent events."""
        now = self._clock()
        with self._lock:
            active = sum(1 for entry in self._entries.values() if entry.allowed_at > now)
            return {"active": active, "refused_total": self._refused_total, "recent": list(self._events)}
