"""The production profile's settings: every port, address, store and limit,
read from the environment (`.env.example` documents each)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.paths import MODEL_DIR, VAR_DIR
from bot.portal.security_headers import content_security_policy, origin_of
from bot.stack.settings import (
    MODEL_PATH, env_flag, env_int, env_str, env_words, new_token, pull_seconds,
)


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
    # the model `make train` made: the store's first live model
    model: Path = MODEL_DIR / "bot.tar.gz"
    model_store: str = ""  # the model store's folder (MODEL_STORE_DIR); empty: <run_dir>/model-store
    model_token: str = field(default_factory=new_token)  # MODEL_SERVER_TOKEN, else one per run
    model_pull_seconds: int = 10
    models_kept: int = 5
    run_dir: Path = VAR_DIR / "prod"
    log_prefix: str = "prod-"
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
            model_store=env_str(env, "MODEL_STORE_DIR"),
            model_token=env_str(env, "MODEL_SERVER_TOKEN") or defaults.model_token,
            model_pull_seconds=pull_seconds(env),
            models_kept=env_int(env, "MODEL_STORE_KEEP", defaults.models_kept),
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
    def model_store_dir(self) -> Path:
        """Beside the profile's other files unless MODEL_STORE_DIR says otherwise, so a
        test's or the bench's profile never writes into another store's folder."""
        return Path(self.model_store) if self.model_store else self.run_dir / "model-store"

    @property
    def model_server_url(self) -> str:
        """Where every replica pulls the live model: the portal, directly (not through nginx)."""
        return f"http://127.0.0.1:{self.portal_port}{MODEL_PATH}"

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
            "MODEL_SERVER_URL": self.model_server_url,
            "MODEL_SERVER_TOKEN": self.model_token,
            "MODEL_PULL_SECONDS": str(self.model_pull_seconds),
            "MODEL_STORE_DIR": str(self.model_store_dir),
            "MODEL_STORE_KEEP": str(self.models_kept),
            "BIND_HOST": "127.0.0.1",
            "LOG_FORMAT": "json",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            **self.extra_env,
        }
