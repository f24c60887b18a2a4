"""The action server of the production profile: rasa-sdk's app on a chosen interface.

`python -m rasa_sdk` in rasa-sdk 3.6.2 has `--port` but no host option: it
listens on `SANIC_HOST`, which defaults to 0.0.0.0 (every interface). This
launcher builds the same app (`rasa_sdk.endpoint.create_app`) and binds it to
`--host` (default `ACTION_HOST`, else 127.0.0.1), so on a server the action
server is reachable only from the machine itself; in a container network it is
bound to 0.0.0.0 but never published. It adds a readiness probe and JSON logs:

* `GET /health` — rasa-sdk's liveness probe;
* `GET /ready`  — 200 when the content store answers `SELECT 1`, else 503
  (the actions are registered before the server listens).

A malformed action call (not a JSON object, no tracker, a tracker without a
sender id or with events that are not a list) gets 400 and a short message,
and an error inside an action gets 500 with a short message: rasa-sdk's own
handler answers with the exception text and the whole request echoed back,
which tells a caller too much. The traceback goes to the log only.

Usage: python -m bot.stack.action_server [--port 5055] [--host 127.0.0.1]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from typing import Any

from bot.stack.filemodes import private_umask
from bot.stack.logs import configure_json_logging, wants_json

logger = logging.getLogger(__name__)


def parser() -> argparse.ArgumentParser:
    args = argparse.ArgumentParser(prog="python -m bot.stack.action_server", description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    args.add_argument("--port", type=int, default=int(os.environ.get("ACTION_PORT", 5055)))
    args.add_argument("--host", default=os.environ.get("ACTION_HOST", "127.0.0.1"))
    args.add_argument("--actions", default="actions")
    return args


MAX_ACTION_CALL = 10 * 1024 * 1024  # bytes; an action call carries the whole conversation (nginx: 10m)
MALFORMED_CALL = "Ogiltigt åtgärdsanrop."
ACTION_FAILED = "Åtgärden kunde inte utföras."


def call_problem(body: bytes) -> str:
    """Why a POST /webhook body is no action call Rasa would send, else ""."""
    try:
        call = json.loads(body or b"")
    except (ValueError, RecursionError):
        return "the body is not JSON"
    if not isinstance(call, dict):
        return "the body is not a JSON object"
    if not isinstance(call.get("next_action"), str) or not isinstance(call.get("version", ""), str):
        return "next_action or version is not a text"
    tracker = call.get("tracker")
    if not isinstance(tracker, dict) or not isinstance(tracker.get("sender_id"), str):
        return "no tracker with a sender_id"
    if not isinstance(tracker.get("events", []), list) or not isinstance(tracker.get("slots", {}), dict):
        return "the tracker's events or slots are malformed"
    if not isinstance(call.get("domain", {}), dict):
        return "the domain is not an object"
    return ""


def create_app(actions: str = "actions"):
    from rasa_sdk.endpoint import create_app as sdk_app
    from sanic import response
    from sanic.exceptions import SanicException
    from sqlalchemy import text

    from bot.db.engine import session_factory

    app = sdk_app(actions, cors_origins=None)  # no browser calls this server: no CORS
    app.config.REQUEST_MAX_SIZE = MAX_ACTION_CALL

    @app.middleware("request")
    async def refuse_malformed_calls(request) -> Any:
        if request.method == "POST" and request.path == "/webhook" and \
                request.headers.get("Content-Encoding") != "deflate":
            problem = call_problem(request.body)
            if problem:
                logger.warning("Refused a malformed action call: %s", problem)
                return response.json({"error": MALFORMED_CALL}, status=400)
        return None

    async def short_error(request, exception: Exception):
        """Replaces rasa-sdk's handler, which echoes the request and the exception."""
        if isinstance(exception, SanicException):
            return response.json({"error": MALFORMED_CALL if exception.status_code < 500 else ACTION_FAILED},
                                 status=exception.status_code)
        logger.error("Action call failed: %s %s", request.method, request.path, exc_info=exception)
        return response.json({"error": ACTION_FAILED}, status=500)

    app.error_handler.add(Exception, short_error)

    def content_store_answers() -> None:
        with session_factory()() as session:
            session.execute(text("SELECT 1"))

    @app.get("/ready")
    async def ready(_request):
        report = {}
        try:
            await asyncio.get_running_loop().run_in_executor(None, content_store_answers)
            report["content_store"] = "ok"
        except Exception as error:  # noqa: BLE001 - reported, not raised
            report["content_store"] = f"unreachable: {type(error).__name__}"
        ok = report["content_store"] == "ok"
        report["status"] = "ready" if ok else "not ready"
        return response.json(report, status=200 if ok else 503)

    return app


# The actions run no neural model, but importing spaCy makes thinc import
# TensorFlow (and with it Keras and JAX) just to offer its layers: about 300 MB
# in this process for nothing. Marked as absent, they raise ImportError, which
# thinc takes as "not installed".
NOT_NEEDED = ("tensorflow", "jax", "torch")


def without_neural_libraries() -> None:
    for name in NOT_NEEDED:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    private_umask()
    without_neural_libraries()
    args = parser().parse_args(argv)
    if wants_json():
        configure_json_logging(service=os.environ.get("SERVICE_NAME") or "actions")
    else:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(args.actions)
    logger.info("Action server listening on http://%s:%d", args.host, args.port)
    app.run(host=args.host, port=args.port, workers=1, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
