"""The production profile under load, for `make bench`: N Rasa replicas on
PostgreSQL and Redis behind nginx, on fresh databases (dropped afterwards) and
spare ports, with every simulated resident on its own loopback address so that
nginx's per-client rate limit stays at its production values."""
from __future__ import annotations

import asyncio
import os
import shutil
import sys
import uuid
from dataclasses import replace

import redis
import sqlalchemy as sa

from bench.load import run_load
from bench.processes import stack_memory
from bot.paths import MODEL_DIR, VAR_DIR
from bot.stack.prod import prepare, services
from bot.stack.prod_settings import ProdSettings
from bot.stack.runner import Stack, free_ports

POSTGRES = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")


def _admin(statement: str) -> None:
    engine = sa.create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(statement))
    finally:
        engine.dispose()


def measure(replicas: int, action_servers: int, residents: int = 50, conversations_each: int = 2) -> dict:
    tag = f"bench{uuid.uuid4().hex[:8]}"
    databases = [f"{tag}_content", f"{tag}_tracker"]
    nginx, lb, portal, *rest = free_ports(3 + replicas + action_servers)
    settings = replace(
        ProdSettings.from_environment({}),
        replicas=replicas, action_servers=action_servers, listen_port=nginx,
        public_url=f"http://127.0.0.1:{nginx}", action_lb_port=lb, portal_port=portal,
        rasa_port_list=tuple(rest[:replicas]), action_port_list=tuple(rest[replicas:]),
        database_url=f"{POSTGRES}/{databases[0]}", tracker_db_url=f"{POSTGRES}/{databases[1]}",
        redis_key_prefix=tag, model=MODEL_DIR / "bot.tar.gz",
        run_dir=VAR_DIR / f"{tag}", log_prefix=f"{tag}-",
    )
    try:
        prepare(settings, say=lambda _m: None)
        with Stack(services(settings), settings) as stack:
            stack.start(say=lambda _m: None, timeout=420)
            # warm every replica up as the local profile is by its earlier runs (first
            # inference and first database and lock connections are slow)
            asyncio.run(run_load(settings.url, 10, 1, distinct_clients=True))
            result = asyncio.run(run_load(settings.url, residents, conversations_each,
                                            distinct_clients=True)).summary()
            result["pss_mb"] = stack_memory(stack.processes)
        print(f"  {result}", flush=True)
        return result
    finally:
        shutil.rmtree(settings.run_dir, ignore_errors=True)
        locks = redis.Redis(host=settings.redis_host, port=settings.redis_port, db=settings.redis_db)
        for key in locks.scan_iter(f"{tag}:*"):
            locks.delete(key)
        for name in databases:
            try:
                _admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
                _admin(f'DROP DATABASE IF EXISTS "{name}"')
            except sa.exc.SQLAlchemyError as error:
                print(f"warning: could not drop the database {name}: {error}", file=sys.stderr)
