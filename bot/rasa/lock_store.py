"""Rasa's Redis lock store, made atomic across replicas and defined when Redis is down.

`endpoints.prod.yml` selects it with `type: bot.rasa.lock_store.ResilientRedisLockStore`;
the connection comes from `REDIS_HOST`, `REDIS_PORT`, `REDIS_DB`, `REDIS_PASSWORD`
and `REDIS_KEY_PREFIX`. It keeps Rasa's ticket lock (the messages of one
conversation are handled one at a time, first come first served, whichever
replica receives them) and changes three things:

1. **Atomic tickets.** Rasa's `RedisLockStore` reads a lock, changes it in
   Python and writes it back. Within one process that is safe; between replicas
   it is not: two replicas can read the same lock at once and hand out the same
   ticket number, so two messages of one resident are processed at the same
   time and one of them can vanish from the conversation. Here every change runs
   in a Redis transaction (WATCH/MULTI/EXEC, retried on conflict), and a lock
   key expires a little after its last ticket.

2. **A crashed replica does not hold conversations.** Each ticket records the
   replica that took it, and each replica keeps a heartbeat key in Redis
   (refreshed every `REPLICA_HEARTBEAT_SECONDS` / 3, expiring after
   `REPLICA_HEARTBEAT_SECONDS`, default 10 s). A waiting replica drops the
   tickets of replicas without a heartbeat, so a resident whose message died
   with a replica waits at most that long for the next answer, not the whole
   ticket lifetime (`TICKET_LOCK_LIFETIME`, Rasa's 60 s, still the backstop).

3. **Redis unavailable: keep answering with local locks.** When Redis cannot be
   reached (connection refused, or no answer within `socket_timeout`, 2 s), the
   replica logs a warning and, for `REDIS_RETRY_SECONDS` (default 5 s) before it
   tries Redis again, locks conversations in its own memory instead. Residents
   keep getting answers and conversations keep their context (the tracker store
   is the single source of truth). What is lost meanwhile is only the ordering
   guarantee for two messages of the *same* resident that arrive at the *same*
   time on *different* replicas; the widget sends one message at a time, so that
   takes a double submit or a script. The readiness probe reports
   `"lock_store": {"backend": "local"}` while this lasts.

4. **The key prefix is kept or refused, never dropped.** Rasa ignores a prefix
   that is not purely alphanumeric ("vanersborg_test") with a log warning and
   falls back to the bare `lock:`, so two deployments sharing one Redis would
   share their locks. Here letters, digits, `-` and `_` are kept, and anything
   else stops the replica with a message naming `REDIS_KEY_PREFIX`.
"""
from __future__ import annotations

import json
import logging
import os
import re
import socket
import threading
import time
import uuid
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import (
    DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX,
    LOCK_LIFETIME,
    InMemoryLockStore,
    LockError,
    RedisLockStore,
)
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_SOCKET_TIMEOUT = 2.0
DEFAULT_RETRY_SECONDS = 5.0
DEFAULT_HEARTBEAT_SECONDS = 10.0
KEY_GRACE_SECONDS = 5
KEY_PREFIX = re.compile(r"[A-Za-z0-9_-]+")


def _flag(value: Any) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


class ResilientRedisLockStore(RedisLockStore):
    """Ticket locks in Redis, changed atomically, freed when their replica dies;
    in-process locks while Redis is down."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **settings: Any) -> None:
        if endpoint_config is not None:
            settings = {**endpoint_config.kwargs, **settings}
            settings.setdefault("host", endpoint_config.url)
        super().__init__(
            host=settings.get("host") or "localhost",
            port=int(settings.get("port") or 6379),
            db=int(settings.get("db") or 1),
            username=settings.get("username") or None,
            password=settings.get("password") or None,
            use_ssl=_flag(settings.get("use_ssl", False)),
            ssl_certfile=settings.get("ssl_certfile") or None,
            ssl_keyfile=settings.get("ssl_keyfile") or None,
            ssl_ca_certs=settings.get("ssl_ca_certs") or None,
            key_prefix=settings.get("key_prefix") or None,
            socket_timeout=float(settings.get("socket_timeout") or DEFAULT_SOCKET_TIMEOUT),
        )
        self.retry_seconds = float(
            settings.get("retry_seconds") or os.environ.get("REDIS_RETRY_SECONDS", DEFAULT_RETRY_SECONDS)
        )
        self.heartbeat_seconds = float(
            settings.get("heartbeat_seconds")
            or os.environ.get("REPLICA_HEARTBEAT_SECONDS", DEFAULT_HEARTBEAT_SECONDS)
        )
        self.instance_id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._local = InMemoryLockStore()
        self._redis_down_until = 0.0
        self.last_error: str | None = None
        self._stopped = threading.Event()
        self._heartbeat = threading.Thread(target=self._beat, name="lock-heartbeat", daemon=True)
        self._heartbeat.start()

    def _set_key_prefix(self, key_prefix: str) -> None:
        if not KEY_PREFIX.fullmatch(key_prefix):
            raise ValueError(
                f"REDIS_KEY_PREFIX may hold only letters, digits, '-' and '_'; got {key_prefix!r}"
            )
        self.key_prefix = f"{key_prefix}:{DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX}"

    # ------------------------------------------------------------ heartbeat

    def _alive_key(self, instance_id: str) -> str:
        return f"{self.key_prefix}replica:{instance_id}"

    def _beat(self) -> None:
        while not self._stopped.is_set():
            try:
                self.red.set(self._alive_key(self.instance_id), "1",
                             px=int(self.heartbeat_seconds * 1000))
            except redis.RedisError:
                pass  # Redis down: lock() notices it and falls back
            self._stopped.wait(self.heartbeat_seconds / 3)

    def close(self) -> None:
        """Stop the heartbeat; this store's tickets then count as orphans (tests)."""
        self._stopped.set()
        self._heartbeat.join(timeout=5)
        try:
            self.red.delete(self._alive_key(self.instance_id))
        except redis.RedisError:
            pass

    # ------------------------------------------------------------ atomic changes

    def _key(self, conversation_id: str) -> str:
        return self.key_prefix + conversation_id

    def _change(self, conversation_id: str,
                change: Callable[[TicketLock, dict[int, str]], T]) -> T:
        """Read, change and write one lock in a Redis transaction (retried on conflict).

        Expired tickets and tickets of replicas without a heartbeat are dropped;
        an empty lock is deleted; a kept lock expires a little after its last ticket.
        """
        key = self._key(conversation_id)
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    data = json.loads(raw) if raw else {}
                    lock = TicketLock.from_dict(data) if raw else TicketLock(conversation_id)
                    owners = {int(n): owner for n, owner in data.get("owners", {}).items()}
                    self._drop_orphans(pipe, lock, owners)
                    result = change(lock, owners)
                    lock.remove_expired_tickets()
                    pipe.multi()
                    if lock.tickets:
                        numbers = {ticket.number for ticket in lock.tickets}
                        payload = json.loads(lock.dumps())
                        payload["owners"] = {str(n): o for n, o in owners.items() if n in numbers}
                        last = max(ticket.expires for ticket in lock.tickets)
                        ttl_ms = max(1000, int((last - time.time() + KEY_GRACE_SECONDS) * 1000))
                        pipe.set(key, json.dumps(payload), px=ttl_ms)
                    else:
                        pipe.delete(key)
                    if self.instance_id in owners.values():
                        # our own tickets must never look orphaned: beat with every change
                        pipe.set(self._alive_key(self.instance_id), "1",
                                 px=int(self.heartbeat_seconds * 1000))
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue

    def _drop_orphans(self, pipe: Any, lock: TicketLock, owners: dict[int, str]) -> None:
        others = sorted({owner for owner in owners.values() if owner != self.instance_id})
        if not others:
            return
        alive = dict(zip(others, pipe.mget([self._alive_key(owner) for owner in others])))
        for ticket in list(lock.tickets):
            owner = owners.get(ticket.number)
            if owner is not None and owner != self.instance_id and not alive.get(owner):
                lock.tickets.remove(ticket)
                owners.pop(ticket.number, None)
                logger.warning("Dropped ticket %d of conversation %s: replica %s has no heartbeat",
                               ticket.number, lock.conversation_id, owner)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock, owners: dict[int, str]) -> int:
            number = lock.issue_ticket(lock_lifetime)
            owners[number] = self.instance_id
            return number

        return self._change(conversation_id, issue)

    def update_lock(self, conversation_id: str) -> None:
        self._change(conversation_id, lambda lock, owners: None)  # drops expired and orphaned tickets

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._change(conversation_id, lambda lock, owners: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # finishing and deleting an empty lock happen in one transaction
        self.finish_serving(conversation_id, ticket_number)

    # ------------------------------------------------------------ Redis down

    def _redis_allowed(self) -> bool:
        return time.monotonic() >= self._redis_down_until

    def _redis_failed(self, error: Exception) -> None:
        first = self.last_error is None
        self.last_error = f"{type(error).__name__}: {error}"
        self._redis_down_until = time.monotonic() + self.retry_seconds
        log = logger.warning if first else logger.info
        log("Redis lock store unreachable (%s); using this replica's own locks for %.0f s",
            self.last_error, self.retry_seconds)

    def _redis_ok(self) -> None:
        if self.last_error is not None:
            logger.warning("Redis lock store is reachable again; conversation locks are shared again")
            self.last_error = None

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        acquired: TicketLock | None = None
        ticket: int | None = None
        if self._redis_allowed():
            try:
                ticket = self.issue_ticket(conversation_id, lock_lifetime)
                acquired = await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
                self._redis_ok()
            except redis.RedisError as error:
                self._redis_failed(error)
                acquired = None
        if acquired is not None:
            try:
                yield acquired
            finally:
                try:
                    self.cleanup(conversation_id, ticket)  # type: ignore[arg-type]
                except redis.RedisError as error:
                    # the ticket expires by itself (key expiry); nothing else to do
                    self._redis_failed(error)
            return
        async with self._local.lock(conversation_id, lock_lifetime, wait_time_in_seconds) as local:
            yield local

    # ------------------------------------------------------------ readiness

    def status(self) -> dict[str, Any]:
        """`{"backend": "redis"}`, or `"local"` with the last error while Redis is down."""
        try:
            self.red.ping()
        except redis.RedisError as error:
            self._redis_failed(error)
            return {"backend": "local", "error": self.last_error}
        self._redis_down_until = 0.0
        self._redis_ok()
        return {"backend": "redis"}


__all__ = ["ResilientRedisLockStore", "LockError"]
