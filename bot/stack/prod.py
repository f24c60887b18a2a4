"""The production profile (`make run-prod`): several Rasa replicas behind nginx.

    resident ─▶ nginx :8000 ─┬─ /webhooks/rest/webhook ─▶ Rasa replicas :5105, :5106 … (least_conn)
                             │      rate limit per client, body ≤ 16 KB, failures → polite JSON
                             └─ everything else ────────▶ portal :8081 (security headers)
    Rasa replicas ─▶ nginx 127.0.0.1:5150 ─▶ action servers :5155, :5156 … (stateless)
    Rasa replicas ─▶ PostgreSQL (tracker store, TRACKER_DB_URL) + Redis (lock store)
    action servers, portal ─▶ PostgreSQL (content store, DATABASE_URL)

Every process but nginx's public port listens on 127.0.0.1 only. Rasa's HTTP
API stays off unless `RASA_API_TOKEN` is set (then it needs that token).
Every process has a liveness and a readiness probe (see `services`), and
writes JSON logs to var/log/prod-*.log; nginx writes a JSON access log.

Settings come from the environment (and a `.env` file, if there is one; the
environment wins); `.env.example` documents each. Before starting, the
profile creates the PostgreSQL databases if they are missing, migrates and
seeds the content store and creates the tracker store's table, so that the
replicas do not race to create it.

    python -m bot.stack.prod [run] [--replicas N] [--action-servers M]
    python -m bot.stack.prod nginx-config [--compose]   print the rendered nginx config
    python -m bot.stack.prod prepare-db                 databases, migrations, seed, tracker table
"""
from __future__ import annotations

import argparse
import json
import os
import pwd
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.stack.filemodes import private_umask
from bot.content.system_messages import RATE_LIMITED, TECHNICAL_ERROR, TOO_LONG
from bot.paths import MODEL_DIR, ROOT, VAR_DIR
from bot.stack.runner import LOG_DIR, Service, Stack, serve_until_stopped
from bot.portal.security_headers import content_security_policy, origin_of
from bot.stack.settings import env_flag, env_int, env_str, env_words

NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf.j2"
LOGGING_CONFIG = ROOT / "deploy" / "logging.yml"
ENDPOINTS = ROOT / "endpoints.prod.yml"
CREDENTIALS = ROOT / "credentials.yml"
CHAT_MAX_BODY = "16k"  # a message is at most 1000 characters; JSON and metadata fit easily
PORTAL_MAX_BODY = "2m"  # the portal's own limit (aiohttp client_max_size) is the same
# Sanic servers keep idle keep-alive connections longer than their clients do
# (nginx's upstream keepalive_timeout 10 s, Rasa's aiohttp 15 s): the client always
# closes first, so no request is ever sent on a connection the server is closing.
SANIC_KEEP_ALIVE = 30


@dataclass(frozen=True)
class ProdSettings:
    """Everything the production profile needs; `from_environment` reads it."""

    replicas: int = 2
    action_servers: int = 2
    listen_host: str = "127.0.0.1"
    listen_port: int = 8000
    public_url: str = "http://localhost:8000"
    rasa_base_port: int = 5105
    action_base_port: int = 5155
    action_lb_port: int = 5150
    portal_port: int = 8081
    database_url: str = "postgresql://postgres@127.0.0.1:5432/vanersborg"
    tracker_db_url: str = "postgresql://postgres@127.0.0.1:5432/vanersborg_conversations"
    redis_host: str = "127.0.0.1"
    redis_port: int = 6379
    redis_db: int = 1
    redis_password: str = ""
    redis_key_prefix: str = "vanersborg"
    redis_use_ssl: bool = False
    cors_origins: tuple[str, ...] = ()
    chat_rate: str = "1r/s"
    chat_burst: int = 15
    chat_timeout: int = 60
    lock_lifetime: int = 60
    api_token: str = ""
    real_ip_from: tuple[str, ...] = ()
    tls_certificate: str = ""
    tls_key: str = ""
    tls_port: int = 8443
    server_name: str = "_"
    nginx_workers: str = "auto"
    model: Path = MODEL_DIR / "bot.tar.gz"
    run_dir: Path = VAR_DIR / "prod"
    log_prefix: str = "prod-"
    with_portal: bool = True
    # explicit ports instead of base + i (tests take free ports)
    rasa_port_list: tuple[int, ...] = ()
    action_port_list: tuple[int, ...] = ()
    extra_env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_environment(cls, env: dict[str, str] | None = None, **overrides) -> ProdSettings:
        env = dict(os.environ if env is None else env)
        defaults = cls()
        settings = cls(
            replicas=env_int(env, "RASA_REPLICAS", defaults.replicas),
            action_servers=env_int(env, "ACTION_SERVERS", defaults.action_servers),
            listen_host=env_str(env, "NGINX_HOST", defaults.listen_host),
            listen_port=env_int(env, "NGINX_PORT", defaults.listen_port),
            public_url=env_str(env, "PUBLIC_URL", defaults.public_url).rstrip("/"),
            rasa_base_port=env_int(env, "RASA_BASE_PORT", defaults.rasa_base_port),
            action_base_port=env_int(env, "ACTION_BASE_PORT", defaults.action_base_port),
            action_lb_port=env_int(env, "ACTION_LB_PORT", defaults.action_lb_port),
            portal_port=env_int(env, "PORTAL_INTERNAL_PORT", defaults.portal_port),
            database_url=env_str(env, "DATABASE_URL", defaults.database_url),
            tracker_db_url=env_str(env, "TRACKER_DB_URL", defaults.tracker_db_url),
            redis_host=env_str(env, "REDIS_HOST", defaults.redis_host),
            redis_port=env_int(env, "REDIS_PORT", defaults.redis_port),
            redis_db=env_int(env, "REDIS_DB", defaults.redis_db),
            redis_password=env.get("REDIS_PASSWORD", ""),
            redis_key_prefix=env_str(env, "REDIS_KEY_PREFIX", defaults.redis_key_prefix),
            redis_use_ssl=env_flag(env, "REDIS_USE_SSL"),
            cors_origins=env_words(env, "CORS_ORIGINS"),
            chat_rate=env_str(env, "CHAT_RATE_LIMIT", defaults.chat_rate),
            chat_burst=env_int(env, "CHAT_RATE_BURST", defaults.chat_burst),
            lock_lifetime=env_int(env, "TICKET_LOCK_LIFETIME", defaults.lock_lifetime),
            api_token=env_str(env, "RASA_API_TOKEN"),
            real_ip_from=env_words(env, "TRUSTED_PROXIES"),
            tls_certificate=env_str(env, "TLS_CERTIFICATE"),
            tls_key=env_str(env, "TLS_KEY"),
            tls_port=env_int(env, "TLS_PORT", defaults.tls_port),
            server_name=env_str(env, "SERVER_NAME", defaults.server_name),
            nginx_workers=env_str(env, "NGINX_WORKERS", defaults.nginx_workers),
        )
        return replace(settings, **overrides)

    # ------------------------------------------------------------ derived

    @property
    def rasa_ports(self) -> list[int]:
        if self.rasa_port_list:
            return list(self.rasa_port_list[: self.replicas])
        return [self.rasa_base_port + i for i in range(self.replicas)]

    @property
    def action_ports(self) -> list[int]:
        if self.action_port_list:
            return list(self.action_port_list[: self.action_servers])
        return [self.action_base_port + i for i in range(self.action_servers)]

    @property
    def url(self) -> str:
        """Where nginx answers on this machine (tests, health checks)."""
        host = "127.0.0.1" if self.listen_host in ("0.0.0.0", "") else self.listen_host
        return f"http://{host}:{self.listen_port}"

    @property
    def origins(self) -> tuple[str, ...]:
        """Origins allowed to call the chat from a browser (CORS)."""
        return self.cors_origins or (origin_of(self.public_url),)

    @property
    def action_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.action_lb_port}/webhook"

    @property
    def csp(self) -> str:
        """The portal's Content-Security-Policy; connect-src allows the chat URL."""
        return content_security_policy(self.public_url)

    def environment(self) -> dict[str, str]:
        """Variables for every child process (endpoints.prod.yml reads most of them)."""
        return {
            "ACTION_ENDPOINT_URL": self.action_endpoint,
            "TRACKER_DB_URL": self.tracker_db_url,
            "DATABASE_URL": self.database_url,
            "REDIS_HOST": self.redis_host,
            "REDIS_PORT": str(self.redis_port),
            "REDIS_DB": str(self.redis_db),
            "REDIS_PASSWORD": self.redis_password,
            "REDIS_KEY_PREFIX": self.redis_key_prefix,
            "REDIS_USE_SSL": "true" if self.redis_use_ssl else "false",
            "TICKET_LOCK_LIFETIME": str(self.lock_lifetime),
            "PUBLIC_RASA_URL": self.public_url,
            "PORTAL_PORT": str(self.portal_port),
            "BIND_HOST": "127.0.0.1",
            "LOG_FORMAT": "json",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            **self.extra_env,
        }


# ---------------------------------------------------------------- processes


def rasa_argv(settings: ProdSettings, port: int) -> list[str]:
    argv = [
        sys.executable, "-m", "bot.rasa.server", "run", "--model", str(settings.model),
        "--port", str(port), "--interface", "127.0.0.1",
        "--credentials", str(CREDENTIALS), "--endpoints", str(ENDPOINTS),
        "--logging-config-file", str(LOGGING_CONFIG),
    ]
    if settings.origins:
        argv += ["--cors", *settings.origins]  # one --cors: a repeated one keeps only the last
    if settings.api_token:
        argv += ["--enable-api", "--auth-token", settings.api_token]
    return argv


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )


def services(settings: ProdSettings) -> list[Service]:
    """The processes, in start order, each with a liveness and a readiness URL."""
    result: list[Service] = []
    for i, port in enumerate(settings.action_ports, start=1):
        result.append(Service(
            f"actions-{i}", f"action server {i}",
            [sys.executable, "-m", "bot.stack.action_server", "--port", str(port), "--host", "127.0.0.1"],
            f"http://127.0.0.1:{port}/health",
            ready_url=f"http://127.0.0.1:{port}/ready",
            env={"SERVICE_NAME": f"actions-{i}", "SANIC_KEEP_ALIVE_TIMEOUT": str(SANIC_KEEP_ALIVE)},
        ))
    for i, port in enumerate(settings.rasa_ports, start=1):
        result.append(Service(
            f"rasa-{i}", f"Rasa replica {i}", rasa_argv(settings, port),
            f"http://127.0.0.1:{port}/webhooks/ops/live",
            ready_url=f"http://127.0.0.1:{port}/webhooks/ops/ready",
            # each replica caps bodies itself too (16 KB, bot/rasa/server.py)
            env={"SERVICE_NAME": f"rasa-{i}",
                 "SANIC_KEEP_ALIVE_TIMEOUT": str(SANIC_KEEP_ALIVE), "PYTHONWARNINGS": "ignore"},
        ))
    if settings.with_portal:
        result.append(Service(
            "portal", "portal", [sys.executable, "-m", "bot.stack.logs", "portal"],
            f"http://127.0.0.1:{settings.portal_port}/healthz",
            # nginx passes the client's address on; login throttling keys on it
            env={"SERVICE_NAME": "portal", "PORTAL_TRUSTED_PROXIES": "127.0.0.1"},
        ))
    nginx = nginx_binary() or "nginx"
    result.append(Service(
        "nginx", "nginx",
        [nginx, "-p", str(nginx_dir(settings)), "-c", str(nginx_conf_path(settings)),
         "-e", str(LOG_DIR / f"{settings.log_prefix}nginx-error.log"), "-g", "daemon off;"],
        f"{settings.url}/nginx/health",
        ready_url=f"{settings.url}/webhooks/rest/",
    ))
    return result


# ---------------------------------------------------------------- nginx


def nginx_dir(settings: ProdSettings) -> Path:
    return settings.run_dir / "nginx"


def nginx_temp_dir(settings: ProdSettings) -> Path:
    """nginx's temporary files, outside var/: var/ is private (700) and nginx's
    workers run as another user (www-data), so they get a folder of their own."""
    return Path(tempfile.gettempdir()) / f"vanersborg-nginx-{settings.listen_port}"


def nginx_conf_path(settings: ProdSettings) -> Path:
    return nginx_dir(settings) / "nginx.conf"


def _nginx_string(value: str) -> str:
    """A value for a single-quoted nginx string."""
    if "$" in value:
        raise ValueError(f"nginx would read '$' as a variable: {value!r}")
    return value.replace("\\", "\\\\").replace("'", "\\'")


def bot_reply(text: str) -> str:
    """A reply in the shape of Rasa's REST channel, for nginx to send itself."""
    return _nginx_string(json.dumps([{"recipient_id": "", "text": text}], ensure_ascii=False))


def _worker_user() -> str | None:
    if os.geteuid() != 0:
        return None  # nginx ignores `user` unless it starts as root
    for name in ("www-data", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    return None


def render_nginx(settings: ProdSettings, *, compose: bool = False) -> str:
    """The nginx configuration for these settings (`compose`: for deploy/docker-compose.yml)."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(NGINX_TEMPLATE.parent)),
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False,
    )
    if compose:
        values = dict(
            user=None, workers="auto", run_dir="/tmp", temp_dir="/tmp",
            error_log="stderr", access_log="/dev/stdout",
            listen="80", tls_listen="443",
            rasa_servers=["rasa:5005"], action_servers=["actions:5055"],
            action_lb_listen="5150", portal_server="portal:8080",
        )
    else:
        base = nginx_dir(settings)
        values = dict(
            user=_worker_user(), workers=settings.nginx_workers, run_dir=str(base),
            temp_dir=str(nginx_temp_dir(settings)),
            error_log=str(LOG_DIR / f"{settings.log_prefix}nginx-error.log"),
            access_log=str(LOG_DIR / f"{settings.log_prefix}nginx-access.log"),
            listen=f"{settings.listen_host}:{settings.listen_port}",
            tls_listen=f"{settings.listen_host}:{settings.tls_port}",
            rasa_servers=[f"127.0.0.1:{port}" for port in settings.rasa_ports],
            action_servers=[f"127.0.0.1:{port}" for port in settings.action_ports],
            action_lb_listen=f"127.0.0.1:{settings.action_lb_port}",
            portal_server=f"127.0.0.1:{settings.portal_port}",
        )
    for origin in settings.origins:
        if not re.fullmatch(r"https?://[A-Za-z0-9.\-]+(:\d+)?", origin):
            raise ValueError(f"CORS_ORIGINS: not an origin (scheme://host[:port]): {origin!r}")
    tls = ({"certificate": settings.tls_certificate, "key": settings.tls_key}
           if settings.tls_certificate and settings.tls_key else None)
    return environment.get_template(NGINX_TEMPLATE.name).render(
        **values,
        tls=tls,
        server_name=settings.server_name,
        real_ip_from=settings.real_ip_from,
        cors_origins=settings.origins,
        chat_rate=settings.chat_rate,
        chat_burst=settings.chat_burst,
        chat_timeout=settings.chat_timeout,
        chat_max_body=CHAT_MAX_BODY,
        portal_max_body=PORTAL_MAX_BODY,
        csp=_nginx_string(settings.csp),
        rate_limited_body=bot_reply(RATE_LIMITED),
        too_large_body=bot_reply(TOO_LONG),
        unavailable_body=bot_reply(TECHNICAL_ERROR),
    )


def write_nginx_config(settings: ProdSettings) -> Path:
    temp = nginx_temp_dir(settings)
    temp.mkdir(mode=0o700, exist_ok=True)
    worker = _worker_user()
    if worker:
        entry = pwd.getpwnam(worker)
        os.chown(temp, entry.pw_uid, entry.pw_gid)
    nginx_dir(settings).mkdir(parents=True, exist_ok=True)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    path = nginx_conf_path(settings)
    path.write_text(render_nginx(settings), encoding="utf-8")
    return path


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
    tracker store's table (once, before the replicas start)."""
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


def prepare(settings: ProdSettings, say=print) -> None:
    """Everything before the processes start: nginx, the model, databases, nginx's config."""
    if nginx_binary() is None:
        raise RuntimeError("nginx is not installed; `make run-prod` installs it (apt-get install nginx-light)")
    if not settings.model.exists():
        raise RuntimeError(f"no trained model at {settings.model}; run `make train`")
    prepare_databases(settings, say)
    write_nginx_config(settings)


# ---------------------------------------------------------------- running


class ProdStack(Stack):
    """A Stack that starts nginx only once every backend is ready, so that nginx's passive
    health checks never see a replica that is still loading its model."""

    def start(self, say=print, timeout: float = 240) -> None:
        backends = [s for s in self.services if s.name != "nginx"]
        front = [s for s in self.services if s.name == "nginx"]
        for group in (backends, front):
            for service in group:
                say(f"… starting the {service.label}")
                self.launch(service)
            self._wait_until_up(group, say, timeout)


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
    stack = ProdStack(services(settings), settings)
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
