"""The production profile, started for real, twice and at the same time (to save
start-up time on two cores):

* `shared_stack` — two Rasa replicas, two action servers, the portal and nginx,
  on fresh databases in the machine's PostgreSQL (test_prod_<random>_…, dropped
  afterwards) and the machine's Redis (a key prefix of its own);
* `throwaway_stack` — one replica, one action server, the portal (its model
  server) and nginx, on a PostgreSQL server and a Redis server of the test's own,
  which the fault tests stop and start again. The machine's shared services are
  never stopped.

`on_shared_servers` gives a test module a profile of its own on the shared services.
"""
from __future__ import annotations

import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import pytest
import redis
import requests

from bot.paths import MODEL_DIR, VAR_DIR
from bot.stack.prod import prepare, services
from bot.stack.prod_settings import ProdSettings
from bot.stack.runner import Stack, free_ports
from tests.prod.support import (
    SHARED_POSTGRES, SHARED_REDIS_PORT, ThrowawayPostgres, ThrowawayRedis, client, create_database, drop_database,
)
from tests.waiting import wait_until

MODEL = MODEL_DIR / "bot.tar.gz"
ALLOWED_ORIGIN = "https://www.vanersborg.se"


@dataclass
class RunningProfile:
    stack: Stack
    settings: ProdSettings
    tracker_url: str
    content_url: str
    postgres: ThrowawayPostgres | None = None
    redis_server: ThrowawayRedis | None = None

    @property
    def url(self) -> str:
        return self.settings.url

    def replica_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.settings.rasa_ports[index]}"

    def chat(self, sender: str, text: str, *, base: str | None = None, source: str = "127.0.0.1",
             timeout: float = 60, **extra: Any) -> list[dict]:
        """One message through nginx (or straight to `base`), from a loopback address."""
        with client(source) as session:
            reply = session.post(f"{base or self.url}/webhooks/rest/webhook",
                                 json={"sender": sender, "message": text, **extra}, timeout=timeout)
        reply.raise_for_status()
        return reply.json()

    def text(self, sender: str, message: str, **options: Any) -> str:
        return "\n".join(m.get("text", "") for m in self.chat(sender, message, **options))

    def ready(self, name: str) -> dict:
        service = next(s for s in self.stack.services if s.name == name)
        return requests.get(service.wait_url, timeout=10).json()


def _wait_for_model(timeout: float = 300) -> None:
    """The model is retrained now and then; it may be missing for a moment."""
    wait_until(MODEL.exists, timeout=timeout, interval=2,
               message=f"no trained model at {MODEL}; run the tests through `make test`")


def _settings(tag: str, **values: Any) -> ProdSettings:
    nginx, lb, portal, *rest = free_ports(3 + values.get("replicas", 1) + values.get("action_servers", 1))
    replicas, action_servers = values.get("replicas", 1), values.get("action_servers", 1)
    base = ProdSettings(
        listen_port=nginx, public_url=f"http://127.0.0.1:{nginx}", action_lb_port=lb,
        portal_port=portal, rasa_port_list=tuple(rest[:replicas]),
        action_port_list=tuple(rest[replicas:replicas + action_servers]),
        cors_origins=(ALLOWED_ORIGIN, f"http://127.0.0.1:{nginx}"),
        nginx_workers="1", model=MODEL, run_dir=VAR_DIR / f"prodtest-{tag}",
        log_prefix=f"prodtest-{tag}-",
    )
    return replace(base, **values)


@contextmanager
def on_shared_servers(tag: str, **values: Any) -> Iterator[RunningProfile]:
    """A profile on fresh databases of the machine's PostgreSQL (test_prod_<tag>_…) and a
    key prefix of its own in the machine's Redis, prepared but not started; stopped, and
    its databases, keys and files removed, afterwards."""
    names = [f"test_prod_{tag}_content", f"test_prod_{tag}_tracker"]
    settings: ProdSettings | None = None
    try:
        content_url, tracker_url = (create_database(SHARED_POSTGRES, name) for name in names)
        settings = _settings(tag, database_url=content_url, tracker_db_url=tracker_url,
                             redis_port=SHARED_REDIS_PORT, redis_db=1, redis_key_prefix=f"test{tag}", **values)
        prepare(settings, say=lambda _message: None)
        with Stack(services(settings), settings) as stack:
            yield RunningProfile(stack, settings, tracker_url, content_url)
    finally:
        if settings is not None:
            shutil.rmtree(settings.run_dir, ignore_errors=True)
        shared_redis = redis.Redis(port=SHARED_REDIS_PORT, db=1)
        for key in shared_redis.scan_iter(f"test{tag}:*"):
            shared_redis.delete(key)
        for name in names:
            drop_database(SHARED_POSTGRES, name)


@pytest.fixture(scope="package")
def prod_profiles() -> Iterator[dict[str, RunningProfile]]:
    _wait_for_model()
    tag = uuid.uuid4().hex[:8]
    pg_port, redis_port = free_ports(2)
    postgres = ThrowawayPostgres(pg_port)
    redis_server = ThrowawayRedis(redis_port)
    throwaway = _settings(
        f"{tag}_b", replicas=1, action_servers=1,
        database_url=f"{postgres.url}/content", tracker_db_url=f"{postgres.url}/conversations",
        redis_port=redis_port, redis_db=0, redis_key_prefix=f"test{tag}",
    )
    profiles: dict[str, RunningProfile] = {}
    with on_shared_servers(f"{tag}_a", replicas=2, action_servers=2) as shared:
        try:
            profiles["shared"] = shared
            postgres.start()
            redis_server.start()
            prepare(throwaway, say=lambda _message: None)
            profiles["throwaway"] = RunningProfile(
                Stack(services(throwaway), throwaway), throwaway,
                throwaway.tracker_db_url, throwaway.database_url, postgres, redis_server,
            )
            with ThreadPoolExecutor(max_workers=2) as pool:
                starts = [pool.submit(p.stack.start, lambda _m: None, 420) for p in profiles.values()]
                for started in starts:
                    started.result()
            yield profiles
        finally:
            stops = [threading.Thread(target=p.stack.stop) for p in profiles.values()]
            for thread in stops:
                thread.start()
            for thread in stops:
                thread.join()
            shutil.rmtree(throwaway.run_dir, ignore_errors=True)
            redis_server.kill()
            postgres.cleanup()


@pytest.fixture(scope="package")
def shared_stack(prod_profiles) -> RunningProfile:
    return prod_profiles["shared"]


@pytest.fixture(scope="package")
def throwaway_stack(prod_profiles) -> RunningProfile:
    return prod_profiles["throwaway"]


@pytest.fixture
def sender() -> str:
    return f"prod-{uuid.uuid4().hex[:10]}"


os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
