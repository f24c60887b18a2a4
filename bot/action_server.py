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

Usage: python -m bot.action_server [--port 5055] [--host 127.0.0.1]
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys

from bot.logs import configure_json_logging, wants_json

logger = logging.getLogger(__name__)


def parser() -> argparse.ArgumentParser:
    args = argparse.ArgumentParser(prog="python -m bot.action_server", description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    args.add_argument("--port", type=int, default=int(os.environ.get("ACTION_PORT", 5055)))
    args.add_argument("--host", default=os.environ.get("ACTION_HOST", "127.0.0.1"))
    args.add_argument("--actions", default="actions")
    return args


def create_app(actions: str = "actions"):
    from rasa_sdk.endpoint import create_app as sdk_app
    from sanic import response
    from sqlalchemy import text

    from bot.content.db import session_factory

    app = sdk_app(actions, cors_origins=None)  # no browser calls this server: no CORS

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


def main(argv: list[str] | None = None) -> int:
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
