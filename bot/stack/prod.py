"""The production profile (`make run-prod`): several Rasa replicas behind nginx.

    resident ─▶ nginx :8000 ─┬─ /webhooks/rest/webhook ─▶ Rasa replicas :5105, :5106 … (least_conn)
                             │      rate limit per client, body ≤ 16 KB, failures → polite JSON
                             └─ everything else ────────▶ portal :8081 (security headers)
    Rasa replicas ─▶ nginx 127.0.0.1:5150 ─▶ action servers :5155, :5156 … (stateless)
    Rasa replicas ─▶ PostgreSQL (tracker store, TRACKER_DB_URL) + Redis (lock store)
    action servers, portal ─▶ PostgreSQL (content store, DATABASE_URL)
    Rasa replicas ─▶ portal 127.0.0.1:8081/internal/model (the live model, every MODEL_PULL_SECONDS)

Every process but nginx's public port listens on 127.0.0.1 only. Rasa's HTTP
API stays off unless `RASA_API_TOKEN` is set (then it needs that token).
Every process has a liveness and a readiness probe (see `services`), and
writes JSON logs to var/log/prod-*.log; nginx writes a JSON access log.

Settings come from the environment (and a `.env` file, if there is one; the
environment wins); `.env.example` documents each. Before starting, the
profile creates the PostgreSQL databases if they are missing, migrates and
seeds the content store and creates the tracker store's table, so that the
replicas do not race to create it, and puts `make train`'s model in the model
store (var/prod/model-store/, or MODEL_STORE_DIR), which the portal serves to
every replica.

    python -m bot.stack.prod [run] [--replicas N] [--action-servers M]
    python -m bot.stack.prod nginx-config [--compose]   print the rendered nginx config
    python -m bot.stack.prod prepare-db                 databases, migrations, seed, tracker table, first model
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from bot.paths import ROOT
from bot.stack.filemodes import private_umask
from bot.stack.nginx import nginx_binary, nginx_conf_path, nginx_dir, render_nginx, write_nginx_config
from bot.stack.prod_settings import ProdSettings
from bot.stack.runner import LOG_DIR, Service, Stack, register_model, serve_until_stopped

LOGGING_CONFIG = ROOT / "deploy" / "logging.yml"
ENDPOINTS = ROOT / "endpoints.prod.yml"
CREDENTIALS = ROOT / "credentials.yml"
# Sanic servers keep idle keep-alive connections longer than their clients do
# (nginx's upstream keepalive_timeout 10 s, Rasa's aiohttp 15 s): the client always
# closes first, so no request is ever sent on a connection the server is closing.
SANIC_KEEP_ALIVE = 30


# ---------------------------------------------------------------- processes


def rasa_argv(settings: ProdSettings, port: int) -> list[str]:
    argv = [  # no --model: each replica pulls the store's live model from the portal (endpoints.prod.yml)
        sys.executable, "-m", "bot.rasa.server", "run",
        "--port", str(port), "--interface", "127.0.0.1",
        "--credentials", str(CREDENTIALS), "--endpoints", str(ENDPOINTS),
        "--logging-config-file", str(LOGGING_CONFIG),
    ]
    if settings.origins:
        argv += ["--cors", *settings.origins]  # one --cors: a repeated one keeps only the last
    if settings.api_token:
        argv += ["--enable-api", "--auth-token", settings.api_token]
    return argv


def services(settings: ProdSettings) -> list[Service]:
    """The processes, in start order, each with a liveness and a readiness URL. The
    replicas start once the portal serves them the live model; nginx once every
    backend is ready, so that its passive health checks never see a replica that is
    still loading its model."""
    result: list[Service] = []
    for i, port in enumerate(settings.action_ports, start=1):
        result.append(Service(
            f"actions-{i}", f"action server {i}",
            [sys.executable, "-m", "bot.stack.action_server", "--port", str(port), "--host", "127.0.0.1"],
            f"http://127.0.0.1:{port}/health",
            ready_url=f"http://127.0.0.1:{port}/ready",
            env={"SERVICE_NAME": f"actions-{i}", "SANIC_KEEP_ALIVE_TIMEOUT": str(SANIC_KEEP_ALIVE)},
        ))
    result.append(Service(
        "portal", "portal", [sys.executable, "-m", "bot.stack.logs", "portal"],
        f"http://127.0.0.1:{settings.portal_port}/healthz",
        # nginx passes the client's address on; login throttling keys on it
        env={"SERVICE_NAME": "portal", "PORTAL_TRUSTED_PROXIES": "127.0.0.1"},
    ))
    for i, port in enumerate(settings.rasa_ports, start=1):
        result.append(Service(
            f"rasa-{i}", f"Rasa replica {i}", rasa_argv(settings, port),
            f"http://127.0.0.1:{port}/webhooks/ops/live",
            ready_url=f"http://127.0.0.1:{port}/webhooks/ops/ready",
            # each replica caps bodies itself too (16 KB, bot/rasa/server.py)
            env={"SERVICE_NAME": f"rasa-{i}",
                 "SANIC_KEEP_ALIVE_TIMEOUT": str(SANIC_KEEP_ALIVE), "PYTHONWARNINGS": "ignore"},
            needs=("portal",),
        ))
    nginx = nginx_binary() or "nginx"
    result.append(Service(
        "nginx", "nginx",
        [nginx, "-p", str(nginx_dir(settings)), "-c", str(nginx_conf_path(settings)),
         "-e", str(LOG_DIR / f"{settings.log_prefix}nginx-error.log"), "-g", "daemon off;"],
        f"{settings.url}/nginx/health",
        ready_url=f"{settings.url}/webhooks/rest/",
        needs=tuple(service.name for service in result),
    ))
    return result


# ---------------------------------------------------------------- databases


def ensure_database(url: str) -> bool:
    """Create the PostgreSQL database named in `url` if it is missing; True if created."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    target = make_url(url)
    if target.get_backend_name() != "postgresql":
        return False
    engine = sa.create_engine(target, connect_args={"connect_timeout": 5})
    try:
        with engine.connect():
            return False
    except sa.exc.OperationalError as error:
        if "does not exist" not in str(error):
            raise
    finally:
        engine.dispose()
    name = target.database or ""
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise ValueError(f"refusing to create a database with the name {name!r}")
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT",
                             connect_args={"connect_timeout": 5})
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return True


def prepare_databases(settings: ProdSettings, say=print) -> None:
    """Create missing databases, migrate and seed the content store, create the
    tracker store's table and put `make train`'s model in the model store (once,
    before the replicas start)."""
    from bot.content.store import migrate, seed_if_empty
    from bot.rasa.tracker_store import ensure_schema

    for label, url in (("content store", settings.database_url), ("tracker store", settings.tracker_db_url)):
        if ensure_database(url):
            say(f"✓ created the {label} database")
    say("… migrating the content store")
    migrate(settings.database_url)
    if seed_if_empty(settings.database_url):
        say("✓ content store seeded from data/content/")
    ensure_schema(settings.tracker_db_url)
    register_model(settings.database_url, settings.model_store_dir, settings.model, settings.models_kept)


def prepare(settings: ProdSettings, say=print) -> None:
    """Everything before the processes start: nginx, the model, databases, nginx's config."""
    if nginx_binary() is None:
        raise RuntimeError("nginx is not installed; `make run-prod` installs it (apt-get install nginx-light)")
    if not settings.model.exists():
        raise RuntimeError(f"no trained model at {settings.model}; run `make train`")
    prepare_databases(settings, say)
    write_nginx_config(settings)


# ---------------------------------------------------------------- running


def load_dotenv(path: Path = ROOT / ".env") -> None:
    """KEY=VALUE lines from `.env` into os.environ; variables already set win."""
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        key = key.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        os.environ.setdefault(key, value)


def run(settings: ProdSettings) -> int:
    try:
        prepare(settings)
    except Exception as error:  # noqa: BLE001 - shown to the operator
        print(f"error: {error}", file=sys.stderr)
        return 1
    stack = Stack(services(settings), settings)
    return serve_until_stopped(
        stack,
        lambda: (
            f"\nThe production profile is up: {settings.replicas} Rasa replica(s), "
            f"{settings.action_servers} action server(s), portal, nginx.\n"
            f"  Chat in the browser: {settings.public_url}/\n"
            f"  Chat over REST:  POST {settings.url}/webhooks/rest/webhook\n"
            f"  Readiness: " + ", ".join(s.wait_url for s in stack.services) + "\n"
            f"  Logs (JSON): {LOG_DIR}/{settings.log_prefix}*.log\n"
            "A process that crashes is restarted. Press Ctrl-C to stop."
        ),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.stack.prod", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="run", choices=["run", "nginx-config", "prepare-db"])
    parser.add_argument("--replicas", type=int, help="Rasa replicas (RASA_REPLICAS, default 2)")
    parser.add_argument("--action-servers", type=int, help="action servers (ACTION_SERVERS, default 2)")
    parser.add_argument("--compose", action="store_true", help="nginx-config for deploy/docker-compose.yml")
    args = parser.parse_args(argv)
    private_umask()  # var/ holds conversations and logs: owner only
    load_dotenv()
    overrides = {}
    if args.replicas:
        overrides["replicas"] = args.replicas
    if args.action_servers:
        overrides["action_servers"] = args.action_servers
    settings = ProdSettings.from_environment(**overrides)
    if args.command == "nginx-config":
        sys.stdout.write(render_nginx(settings, compose=args.compose))
        return 0
    if args.command == "prepare-db":
        prepare_databases(settings)
        return 0
    return run(settings)


if __name__ == "__main__":
    sys.exit(main())
