"""Runtime settings of the local stack, read from the environment, and the
helpers every profile reads its settings with (bot/stack/prod_settings.py too).

Defaults give the `make run` profile: everything on localhost, SQLite under var/.
A variable that is unset or blank means its default.
"""
from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.db.engine import database_url
from bot.paths import VAR_DIR

# Rasa's anonymous usage telemetry is on by default; a public-sector service must
# not report usage anywhere without a decision. Set for every Rasa process of
# every profile (bot/stack/runner.py, bot/rasa/server.py, the Makefile, deploy/).
TELEMETRY_OFF = {"RASA_TELEMETRY_ENABLED": "false"}

# Where the portal serves the live model to the Rasa servers (bot/retraining/serving.py);
# nginx refuses the whole /internal/ prefix from outside.
MODEL_PATH = "/internal/model"


def env_str(env: Mapping[str, str], name: str, default: str = "") -> str:
    return env.get(name, "").strip() or default


def env_int(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name, "").strip()
    return int(value) if value else default


def env_flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in {"1", "true", "yes"}


def env_words(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """A list of values separated by spaces or commas."""
    return tuple(word for word in re.split(r"[\s,]+", env.get(name, "").strip()) if word)


def new_token() -> str:
    """A secret for one run of a stack, when the environment gives none."""
    return secrets.token_hex(32)


def pull_seconds(env: Mapping[str, str]) -> int:
    """MODEL_PULL_SECONDS: how often each Rasa server asks the portal for the live model."""
    seconds = env_int(env, "MODEL_PULL_SECONDS", 10)
    if seconds < 1:
        raise ValueError("MODEL_PULL_SECONDS must be at least 1")
    return seconds


def model_store_dir(content_url: str, explicit: str = "") -> Path:
    """A stack's model files belong with the rows that name them: beside a SQLite
    content store (so a test's or `make eval`'s stack in a temporary folder keeps
    them there, and var/content.db's are in var/model-store/); for a database
    server, in MODEL_STORE_DIR (default var/model-store/)."""
    if explicit:
        return Path(explicit)
    url = make_url(content_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).parent / "model-store"
    from bot.retraining.history import store_dir

    return store_dir()


@dataclass(frozen=True)
class StackSettings:
    rasa_port: int = field(default_factory=lambda: env_int(os.environ, "RASA_PORT", 5005))
    action_port: int = field(default_factory=lambda: env_int(os.environ, "ACTION_PORT", 5055))
    portal_port: int = field(default_factory=lambda: env_int(os.environ, "PORTAL_PORT", 8080))
    host: str = field(default_factory=lambda: env_str(os.environ, "BIND_HOST", "127.0.0.1"))
    tracker_db: str = field(default_factory=lambda: env_str(os.environ, "TRACKER_DB", str(VAR_DIR / "tracker.db")))
    lock_db: str = field(default_factory=lambda: env_str(os.environ, "LOCK_DB", str(VAR_DIR / "locks.db")))
    # Rasa handles a turn on one core at a time: one Sanic worker per core, at most
    # two (each worker holds the model, about 1.3 GB).
    rasa_workers: int = field(default_factory=lambda: env_int(os.environ, "RASA_WORKERS", min(2, os.cpu_count() or 1)))
    database_url: str = field(default_factory=database_url)
    log_prefix: str = ""
    # The model store's folder; empty: model_store_dir's choice.
    model_store: str = ""
    # What the Rasa servers show the portal to get the model; generated for each run
    # of the stack unless MODEL_SERVER_TOKEN is set (both are children of the stack).
    model_token: str = field(default_factory=lambda: env_str(os.environ, "MODEL_SERVER_TOKEN") or new_token())
    model_pull_seconds: int = field(default_factory=lambda: pull_seconds(os.environ))
    # How many model files the store keeps (the live one always stays).
    models_kept: int = field(default_factory=lambda: env_int(os.environ, "MODEL_STORE_KEEP", 5))

    @property
    def action_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.action_port}/webhook"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def public_rasa_url(self) -> str:
        """Where browsers reach Rasa (the widget's data-bot-url)."""
        return env_str(os.environ, "PUBLIC_RASA_URL", f"http://localhost:{self.rasa_port}")

    @property
    def portal_url(self) -> str:
        return f"http://localhost:{self.portal_port}"

    @property
    def model_store_dir(self) -> Path:
        return model_store_dir(self.database_url, self.model_store)

    @property
    def model_server_url(self) -> str:
        return f"http://127.0.0.1:{self.portal_port}{MODEL_PATH}"

    def environment(self) -> dict[str, str]:
        """Variables that endpoints.yml and the child processes read."""
        return {
            "ACTION_ENDPOINT_URL": self.action_endpoint,
            "TRACKER_DB": self.tracker_db,
            "LOCK_DB": self.lock_db,
            "DATABASE_URL": self.database_url,
            "RASA_PORT": str(self.rasa_port),
            "ACTION_PORT": str(self.action_port),
            "PORTAL_PORT": str(self.portal_port),
            "MODEL_SERVER_URL": self.model_server_url,
            "MODEL_SERVER_TOKEN": self.model_token,
            "MODEL_PULL_SECONDS": str(self.model_pull_seconds),
            "MODEL_STORE_DIR": str(self.model_store_dir),
            "MODEL_STORE_KEEP": str(self.models_kept),
        }
