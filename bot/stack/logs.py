"""Structured logs: one JSON object per line, for the production profile.

Used three ways:

* `deploy/logging.yml` names `bot.stack.logs.JsonFormatter` for `rasa run
  --logging-config-file` (the Rasa replicas);
* the action server launcher (`bot.stack.action_server`) and the portal call
  `configure_json_logging()` when `LOG_FORMAT=json`;
* `python -m bot.stack.logs portal` runs a `python -m bot` command with JSON logs.

nginx writes its access log as JSON itself (see deploy/nginx.conf.j2).
"""
from __future__ import annotations

import json
import logging
import os
import sys
import time
import warnings

# Attributes every LogRecord has; anything else was passed in `extra=` and is kept.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


# Fields of Rasa's structured log events that can carry what a resident wrote
# (Rasa's own anonymisation list, rasa/utils/log_utils.py). Production logs keep
# the event, never the text; the conversation itself is in the tracker store.
REDACTED_FIELDS = frozenset({
    "text", "response_text", "user_text", "slot_values", "parse_data_text",
    "parse_data_entities", "prediction_events", "tracker_latest_message",
    "prefilled_slots", "message", "response", "slot_candidates", "rasa_event",
    "rasa_events", "tracker_states", "current_states", "old_states", "successes",
    "current_entity", "next_entity", "states", "entity", "token_text", "user_message",
    "json_message", "user_uttered", "bot_uttered", "events",
})


def _structured_event(message: str) -> dict | None:
    """Rasa 3.6 logs some events through structlog as a JSON string: parse it."""
    if not (message.startswith("{") and message.endswith("}")):
        return None
    try:
        event = json.loads(message)
    except ValueError:
        return None
    return event if isinstance(event, dict) else None


class JsonFormatter(logging.Formatter):
    """`{"time": …, "level": …, "logger": …, "message": …, "process": …}` plus extras."""

    def __init__(self, service: str | None = None, **_ignored) -> None:
        super().__init__()
        self.service = service or os.environ.get("SERVICE_NAME", "")

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": message,
            "process": record.process,
        }
        event = _structured_event(message)
        if event is not None:
            entry["message"] = str(event.pop("event", ""))
            event.pop("level", None)
            for key, value in event.items():
                entry.setdefault(key, "[redacted]" if key in REDACTED_FIELDS else value)
        if self.service:
            entry["service"] = self.service
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
        return json.dumps(entry, ensure_ascii=False)


def rasa_json_formatter(**options) -> JsonFormatter:
    """Formatter factory for deploy/logging.yml (`rasa run --logging-config-file`).

    Rasa 3.6 applies that file and then calls `coloredlogs.install()`, which
    removes every handler writing to stdout or stderr and puts its coloured text
    handler in their place. In the process that asks for JSON, that call is
    reduced to setting the level, and Python warnings are logged as JSON too.
    """
    try:
        import coloredlogs

        def install(level=None, **_options) -> None:
            if level is not None:
                logging.getLogger().setLevel(level)

        coloredlogs.install = install
    except ImportError:  # pragma: no cover - Rasa always brings coloredlogs
        pass
    logging.captureWarnings(True)
    # the libraries' deprecation notices at import time are not news for operators
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=PendingDeprecationWarning)
    return JsonFormatter(**options)


def configure_json_logging(level: int = logging.INFO, service: str | None = None) -> None:
    """Send every log record to stdout as one JSON line (replaces other root handlers)."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)


def wants_json() -> bool:
    return os.environ.get("LOG_FORMAT", "").lower() == "json"


def main(argv: list[str] | None = None) -> int:
    """`python -m bot.stack.logs <bot command …>`: the command with JSON logs."""
    configure_json_logging(service=os.environ.get("SERVICE_NAME") or "bot")
    from bot.cli import main as bot_main

    return bot_main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
