"""The learning loop for admins: what the next model would learn and the button
that trains it, a training's progress, its comparison with the live model and
its activation, and the history of models with rollback.

The pages reach the training pipeline through one seam, the app's trainer
(`TRAINER_KEY`): `snapshot()` says what the next model would learn and
`start(who)` launches a training in its own process and returns its version
id. The rows the pages show are ModelHistory's (`HISTORY_KEY`). Both calls
block, so they run through `blocking()`, never on the event loop.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from aiohttp import web
from sqlalchemy.orm import sessionmaker

from bot.db.engine import session_factory
from bot.portal.admin.common import Route, error_page, flash, form_data, render
from bot.portal.admin.review.display import helpers as review_helpers
from bot.portal.admin.training_view import BASE, by_language, comparison, helpers, may_activate, status_json, steps
from bot.portal.keys import SETTINGS_KEY
from bot.portal.security import blocking, current_user
from bot.retraining.history import ModelHistory, NotActivatable, TrainingRunning, Version


class Snapshot(Protocol):
    """What the next model would learn (bot.retraining.snapshot.Snapshot)."""
    corrections: list[Any]  # each with .language, .intent, .text
    qa_examples: list[tuple[str, list[str]]]  # (title, example questions)
    changed_files: list[tuple[str, str]]  # (path, "ny" | "ändrad" | "borttagen")
    fingerprint: str
    live_known: bool  # False: the live model has no record of its data
    qa_trained: bool  # False: staff Q&A entries are answered by retrieval, without training

    @property
    def nothing_new(self) -> bool: ...


class Trainer(Protocol):
    def snapshot(self) -> Snapshot: ...

    def start(self, who: str) -> int: ...  # TrainingRunning when one runs


@dataclass(frozen=True)
class PipelineTrainer:
    """The training pipeline of bot/retraining/, imported on first use so that the
    portal starts without loading what training needs."""
    sessions: sessionmaker
    history: ModelHistory

    def snapshot(self) -> Snapshot:
        from bot.retraining.snapshot import next_training
        return next_training(self.sessions, self.history)

    def start(self, who: str) -> int:
        from bot.retraining.launcher import start_training
        return start_training(self.sessions, who)


HISTORY_KEY = web.AppKey("model_history", ModelHistory)
TRAINER_KEY = web.AppKey("trainer", Trainer)


def setup(app: web.Application) -> None:
    """The model store's records and the trainer on the portal's database (tests replace them)."""
    sessions = session_factory(app[SETTINGS_KEY].database_url)
    app[HISTORY_KEY] = ModelHistory(sessions, app[SETTINGS_KEY].model_store_dir)
    app[TRAINER_KEY] = PipelineTrainer(sessions, app[HISTORY_KEY])


def pull_seconds(request: web.Request) -> int:
    """How often every Rasa replica asks the model store for a new model (MODEL_PULL_SECONDS)."""
    return request.app[SETTINGS_KEY].model_pull_seconds


def _history(request: web.Request) -> ModelHistory:
    return request.app[HISTORY_KEY]


def _who(request: web.Request) -> str:
    return current_user(request).username


async def _page(request: web.Request, template: str, context: dict[str, Any], status: int = 200) -> web.Response:
    page = {**review_helpers(), **helpers(), "pull_seconds": pull_seconds(request), **context}
    return await render(request, template, page, status)


async def _version(request: web.Request) -> Version | None:
    """The version in the path; a training whose process died is marked failed first."""
    history = _history(request)
    await blocking(history.running)
    return await blocking(history.get, int(request.match_info["id"]))


async def _missing(request: web.Request) -> web.Response:
    return await error_page(request, "Modellen finns inte", "Det finns ingen modell med det numret.", 404)


# ---------------------------------------------------------------- what the next model would learn


async def retrain_page(request: web.Request, snapshot: Snapshot | None = None, problem: str = "",
                       status: int = 200) -> web.Response:
    history = _history(request)
    running = await blocking(history.running)
    snapshot = snapshot or await blocking(request.app[TRAINER_KEY].snapshot)
    return await _page(request, "admin/training.html", {
        "live": await blocking(history.live), "running": running, "snapshot": snapshot,
        "corrections": by_language(snapshot.corrections), "problem": problem,
    }, status)


async def start(request: web.Request) -> web.StreamResponse:
    """Start a training of what the admin saw; a changed data set or a running training is said so."""
    form = await form_data(request)
    if await blocking(_history(request).running) is not None:
        return await retrain_page(request, problem="running", status=409)
    snapshot = await blocking(request.app[TRAINER_KEY].snapshot)
    if form.get("fingerprint", "") != snapshot.fingerprint:
        return await retrain_page(request, snapshot, problem="changed", status=409)
    try:
        version_id = await blocking(request.app[TRAINER_KEY].start, _who(request))
    except TrainingRunning:
        return await retrain_page(request, snapshot, problem="running", status=409)
    raise web.HTTPSeeOther(f"{BASE}/{version_id}")


# ---------------------------------------------------------------- one model


async def model_page(request: web.Request, version: Version | None = None, problem: str = "",
                     status: int = 200) -> web.Response:
    version = version or await _version(request)
    if version is None:
        return await _missing(request)
    live = await blocking(_history(request).live)
    compared = comparison(live, version)
    return await _page(request, "admin/training_model.html", {
        "version": version, "live": live, "steps": steps(version), "comparison": compared,
        "may_activate": may_activate(version, compared), "problem": problem,
    }, status)


async def model_status(request: web.Request) -> web.StreamResponse:
    version = await _version(request)
    if version is None:
        return web.json_response({"error": "Modellen finns inte."}, status=404)
    return web.json_response(status_json(version))


async def activate(request: web.Request) -> web.StreamResponse:
    """The admin confirmed: a model that passed every gate goes live."""
    version = await _version(request)
    if version is None:
        return await _missing(request)
    form = await form_data(request)
    if form.get("confirm") != "1":
        return await model_page(request, version, "Kryssa i att du har läst jämförelsen och vill aktivera "
                                                  "modellen. Ingenting har ändrats.", 422)
    if not may_activate(version, comparison(await blocking(_history(request).live), version)):
        return await model_page(request, version, "Modellen kan inte aktiveras: bara en färdigtränad modell "
                                                  "som klarar kvalitetskontrollen kan aktiveras.", 409)
    try:
        await blocking(_history(request).activate, version.id, _who(request))
    except NotActivatable as refusal:
        return await model_page(request, version, str(refusal), 409)
    await flash(request, f"Modell {version.id} är aktiv. Boten börjar använda den inom {pull_seconds(request)} "
                         "sekunder, utan omstart.")
    raise web.HTTPSeeOther(f"{BASE}/history")


# ---------------------------------------------------------------- history and rollback


async def history_page(request: web.Request) -> web.Response:
    history = _history(request)
    await blocking(history.running)
    return await _page(request, "admin/training_history.html", {"versions": await blocking(history.all)})


async def rollback_form(request: web.Request, problem: str = "", status: int = 200) -> web.Response:
    version = await _version(request)
    if version is None:
        return await _missing(request)
    return await _page(request, "admin/training_rollback.html", {
        "version": version, "live": await blocking(_history(request).live), "problem": problem,
    }, status)


async def rollback(request: web.Request) -> web.StreamResponse:
    """An earlier live model goes live again, without a new check."""
    try:
        version = await blocking(_history(request).rollback, int(request.match_info["id"]), _who(request))
    except NotActivatable as refusal:
        return await rollback_form(request, str(refusal), 409)
    await flash(request, f"Modell {version.id} är aktiv igen. Boten börjar använda den inom {pull_seconds(request)} "
                         "sekunder, utan omstart.")
    raise web.HTTPSeeOther(f"{BASE}/history")


ID = r"{id:\d+}"
ROUTES: list[Route] = [
    ("GET", BASE, retrain_page, "admin"),
    ("POST", f"{BASE}/train", start, "admin"),
    ("GET", f"{BASE}/history", history_page, "admin"),
    ("GET", f"{BASE}/{ID}", model_page, "admin"),
    ("GET", f"{BASE}/{ID}/status", model_status, "admin"),
    ("POST", f"{BASE}/{ID}/activate", activate, "admin"),
    ("GET", f"{BASE}/{ID}/rollback", rollback_form, "admin"),
    ("POST", f"{BASE}/{ID}/rollback", rollback, "admin"),
]
