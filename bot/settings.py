"""Runtime settings of the local stack, read from the environment.

Defaults give the `make run` profile: everything on localhost, SQLite under var/.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from bot.content import db
from bot.paths import VAR_DIR


# Rasa's anonymous usage telemetry is on by default; a public-sector service must
# not report usage anywhere without a decision. Set for every Rasa process of
# every profile (bot/runner.py, bot/rasa_server.py, the Makefile, deploy/).
TELEMETRY_OFF = {"RASA_TELEMETRY_ENABLED": "false"}


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass(frozen=True)
class StackSettings:
    rasa_port: int = field(default_factory=lambda: _int("RASA_PORT", 5005))
    action_port: int = field(default_factory=lambda: _int("ACTION_PORT", 5055))
    portal_port: int = field(default_factory=lambda: _int("PORTAL_PORT", 8080))
    host: str = field(default_factory=lambda: os.environ.get("BIND_HOST", "127.0.0.1"))
    tracker_db: str = field(
        default_factory=lambda: os.environ.get("TRACKER_DB", str(VAR_DIR / "tracker.db"))
    )
    lock_db: str = field(default_factory=lambda: os.environ.get("LOCK_DB", str(VAR_DIR / "locks.db")))
    # Rasa handles a turn on one core at a time: one Sanic worker per core, at most
    # two (each worker holds the model, about 1.3 GB).
    rasa_workers: int = field(default_factory=lambda: _int("RASA_WORKERS", min(2, os.cpu_count() or 1)))
    database_url: str = field(default_factory=db.database_url)
    log_prefix: str = ""

    @property
    def action_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.action_port}/webhook"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def public_rasa_url(self) -> str:
        """Where browsers reach Rasa (the widget's data-bot-url)."""
        return os.environ.get("PUBLIC_RASA_URL", f"http://localhost:{self.rasa_port}")

    @property
    def portal_url(self) -> str:
        return f"http://localhost:{self.portal_port}"

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
        }
