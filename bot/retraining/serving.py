"""The live model, served by the portal to the Rasa servers as Rasa's model server
protocol expects (`models:` in endpoints.yml), so that a model an admin activates or
rolls back to reaches every replica without a restart.

Each Rasa server asks `GET /internal/model?token=…` every MODEL_PULL_SECONDS, with
`If-None-Match:` the ETag of the model it holds. The ETag is the file's SHA-256, so:

* 304 while the live model is the one it holds;
* 200 and the file, streamed in blocks, once another model is live;
* 404 while no model is live (Rasa then keeps the model it has);
* 403 without the right token: the model is the municipality's, not the public's
  (nginx refuses /internal/ from outside as well).
"""
from __future__ import annotations

import asyncio
import hmac
import logging
import os

from aiohttp import web
from sqlalchemy.orm import sessionmaker

from bot.portal.security import blocking
from bot.retraining.history import ModelHistory
from bot.stack.settings import MODEL_PATH, StackSettings

logger = logging.getLogger(__name__)

BLOCK = 1 << 20  # bytes read and sent at a time: a 55 MB model never sits in memory
REFUSED = "Modellen lämnas bara ut till botens egna servrar."
NO_LIVE_MODEL = "Ingen modell är aktiv ännu."

HISTORY_KEY = web.AppKey("served_model_history", ModelHistory)
TOKEN_KEY = web.AppKey("model_server_token", str)


def token_matches(given: str, expected: str) -> bool:
    """In constant time, so the token cannot be guessed a character at a time;
    never true while the portal has no token."""
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def _plain(status: int, text: str) -> web.Response:
    return web.Response(status=status, text=text, headers={"Cache-Control": "no-store"})


async def live_model(request: web.Request) -> web.StreamResponse:
    if not token_matches(request.query.get("token", ""), request.app[TOKEN_KEY]):
        logger.warning("Refused a model download from %s without the right token", request.remote)
        return _plain(403, REFUSED)
    live = await blocking(request.app[HISTORY_KEY].live_file)
    if live is None:
        return _plain(404, NO_LIVE_MODEL)
    path, sha256 = live
    if any(tag.value == sha256 for tag in request.if_none_match or ()):
        response = web.Response(status=304)
        response.etag = sha256
        return response
    # Opened before answering: a file pruned meanwhile stays readable until closed.
    stream = await blocking(path.open, "rb")
    try:
        response = web.StreamResponse(headers={"Content-Type": "application/gzip", "Cache-Control": "no-store",
                                               "filename": path.name})  # Rasa names its download after it
        response.etag = sha256
        response.content_length = os.fstat(stream.fileno()).st_size
        await response.prepare(request)
        loop = asyncio.get_running_loop()
        while block := await loop.run_in_executor(None, stream.read, BLOCK):
            await response.write(block)
        await response.write_eof()
        return response
    finally:
        stream.close()


def setup(app: web.Application, sessions: sessionmaker, settings: StackSettings) -> None:
    """Serve the live model of the stack's store at MODEL_PATH to whoever shows its token."""
    app[HISTORY_KEY] = ModelHistory(sessions, settings.model_store_dir)
    app[TOKEN_KEY] = settings.model_token
    app.router.add_get(MODEL_PATH, live_model, name="live_model")
