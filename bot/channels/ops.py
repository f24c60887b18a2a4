"""Health and readiness of a Rasa server, as an input channel (`/webhooks/ops/…`).

Rasa's own `/status` is part of its HTTP API, which production keeps disabled, so
the probes come through a channel of their own (listed in credentials.yml):

* `GET /webhooks/ops/live`  — 200 while the process serves HTTP (liveness);
* `GET /webhooks/ops/ready` — 200 when the model is loaded and the tracker store
  answers, else 503 (readiness). The body tells what was checked and which model
  file the replica answers with (`"model_file"`), including
  whether conversation locks are shared through Redis or, while Redis is down,
  kept by this replica alone (`"lock_store": {"backend": "local"}`).

The channel also makes tracker stores that ask for it fail closed (see
`bot.rasa.tracker_store`): once the agent is loaded it sets the error callback of
Rasa's `FailSafeTrackerStore` wrapper to re-raise. The channel never takes
messages; nginx does not route `/webhooks/ops/` from outside.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.tracker_store import FailSafeTrackerStore, TrackerStore
from sanic import Blueprint, response
from sanic.request import Request

logger = logging.getLogger(__name__)


def primary_tracker_store(store: Any) -> Any:
    """The store inside Rasa's wrappers (FailSafeTrackerStore, AwaitableTrackerStore)."""
    seen = 0
    while isinstance(store, TrackerStore) and hasattr(store, "_tracker_store") and seen < 5:
        store = store._tracker_store
        seen += 1
    return store


def make_fail_closed(agent: Any) -> bool:
    """Re-raise tracker store errors instead of answering from an empty conversation."""
    from bot.rasa.tracker_store import reraise

    wrapper = getattr(agent, "tracker_store", None)
    if isinstance(wrapper, FailSafeTrackerStore) and getattr(
        primary_tracker_store(wrapper), "fail_closed", False
    ):
        wrapper._on_tracker_store_error = reraise
        return True
    return False


def is_fail_closed(agent: Any) -> bool:
    from bot.rasa.tracker_store import reraise

    wrapper = getattr(agent, "tracker_store", None)
    return isinstance(wrapper, FailSafeTrackerStore) and wrapper._on_tracker_store_error is reraise


async def readiness(agent: Any) -> dict[str, Any]:
    """What a replica needs to answer: the model and the tracker store; lock store state."""
    loop = asyncio.get_running_loop()
    report: dict[str, Any] = {}
    ready = bool(agent is not None and agent.is_ready())
    report["model"] = "loaded" if ready else "not loaded"
    if ready:  # which one: the model store's file name (model-<id>.tar.gz), after a roll-out too
        report["model_file"] = agent.processor.model_filename
    if agent is not None:
        store = primary_tracker_store(agent.tracker_store)
        ping = getattr(store, "ping", None)
        if ping is not None:
            try:
                await loop.run_in_executor(None, ping)
                report["tracker_store"] = "ok"
            except Exception as error:  # noqa: BLE001 - reported, not raised
                report["tracker_store"] = f"unreachable: {type(error).__name__}"
                ready = False
        else:
            report["tracker_store"] = type(store).__name__
        report["fail_closed"] = is_fail_closed(agent)
        lock_store = agent.lock_store
        status = getattr(lock_store, "status", None)
        report["lock_store"] = (
            await loop.run_in_executor(None, status) if status is not None
            else {"backend": type(lock_store).__name__}
        )
    report["status"] = "ready" if ready else "not ready"
    return report


class OpsInput(InputChannel):
    """Liveness and readiness probes; takes no messages."""

    @classmethod
    def name(cls) -> str:
        return "ops"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint("ops_webhook", __name__)

        @blueprint.listener("after_server_start")
        async def fail_closed(app, _loop) -> None:
            agent = getattr(app.ctx, "agent", None)
            if make_fail_closed(agent):
                logger.info("Tracker store errors now fail the turn (fail closed)")

        @blueprint.route("/live", methods=["GET"])
        async def live(_request: Request) -> response.HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/ready", methods=["GET"])
        async def ready(request: Request) -> response.HTTPResponse:
            report = await readiness(getattr(request.app.ctx, "agent", None))
            return response.json(report, status=200 if report["status"] == "ready" else 503)

        return blueprint
