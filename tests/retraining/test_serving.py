"""The portal serves the live model as Rasa's model server protocol expects:
an ETag that is the file's SHA-256, 304 for the model a Rasa server holds, the
file streamed once another model is live, 404 while none is, and nothing at all
without the token."""
from __future__ import annotations

import hashlib
import tracemalloc
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from cryptography.fernet import Fernet
from rasa.core.agent import _pull_model_and_fingerprint
from rasa.utils.endpoints import EndpointConfig

from bot.db.engine import session_factory
from bot.paths import MODEL_DIR
from bot.portal.app import create_app
from bot.retraining.history import ModelHistory, file_sha256
from bot.retraining.serving import NO_LIVE_MODEL, REFUSED, token_matches
from bot.stack.settings import MODEL_PATH, StackSettings

TOKEN = "e3b0c44298fc1c149afbf4c8996fb924"
PASSED = [{"name": "held-out F1", "passed": True, "detail": ""}]


@pytest.fixture
def settings(content_url, tmp_path) -> StackSettings:
    return StackSettings(database_url=content_url, model_store=str(tmp_path / "store"), model_token=TOKEN)


@pytest.fixture
def history(settings) -> ModelHistory:
    return ModelHistory(session_factory(settings.database_url), settings.model_store_dir)


@pytest.fixture
async def client(aiohttp_client, settings) -> TestClient:
    return await aiohttp_client(create_app(settings, secret_key=Fernet.generate_key().decode()))


def model_file(folder: Path, name: str, content: bytes) -> Path:
    """A stand-in for a model: the server never looks inside the file."""
    path = folder / name
    path.write_bytes(content)
    return path


def trained(history: ModelHistory, model: Path) -> int:
    """A model trained in the portal that passed its gates (ready to activate)."""
    version = history.start("root", "fingerprint")
    history.finish(version, model, {}, PASSED)
    return version


async def pull(client: TestClient, etag: str | None = None, token: str | None = TOKEN):
    headers = {"If-None-Match": etag} if etag else {}
    params = {"token": token} if token is not None else {}
    return await client.get(MODEL_PATH, params=params, headers=headers)


async def test_the_live_model_is_streamed_with_its_sha256_as_etag(client, history):
    model = MODEL_DIR / "bot.tar.gz"
    if not model.exists():
        pytest.fail(f"no trained model at {model}; run the tests through `make test`")
    history.register(model, "make train")
    sha256 = file_sha256(model)

    tracemalloc.start()
    try:
        response = await pull(client)
        assert response.status == 200
        digest, received = hashlib.sha256(), 0
        async for block in response.content.iter_chunked(1 << 16):
            digest.update(block)
            received += len(block)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response.headers["ETag"] == f'"{sha256}"'
    assert int(response.headers["Content-Length"]) == received == model.stat().st_size
    assert digest.hexdigest() == sha256
    assert response.headers["Content-Type"] == "application/gzip"
    # streamed in blocks: the 55 MB file never sat in the portal's memory
    assert peak < 8 * 1024 * 1024, f"{peak / 1e6:.0f} MB held while serving the model"


async def test_a_server_that_holds_the_live_model_gets_304_until_another_goes_live(client, history, tmp_path):
    first = history.register(model_file(tmp_path, "first.tar.gz", b"first model"), "make train")
    held = (await pull(client)).headers["ETag"]
    assert held == f'"{first.sha256}"'

    unchanged = await pull(client, etag=held)
    assert unchanged.status == 304 and unchanged.headers["ETag"] == held
    assert await unchanged.read() == b""

    second = trained(history, model_file(tmp_path, "second.tar.gz", b"second model"))
    assert (await pull(client, etag=held)).status == 304, "a model that is only ready is not served"
    history.activate(second, "root")
    switched = await pull(client, etag=held)
    assert switched.status == 200 and await switched.read() == b"second model"

    history.rollback(first.id, "root")
    back = await pull(client, etag=switched.headers["ETag"])
    assert back.status == 200 and await back.read() == b"first model"
    assert back.headers["ETag"] == held


async def test_no_live_model_is_404_which_rasa_takes_as_nothing_new(client):
    response = await pull(client)
    assert response.status == 404
    assert await response.text() == NO_LIVE_MODEL


@pytest.mark.parametrize("token", [None, "", "wrong", TOKEN[:-1], TOKEN + "0", TOKEN.upper()],
                         ids=["none", "empty", "wrong", "shorter", "longer", "other-case"])
async def test_the_model_is_refused_without_the_right_token(client, history, tmp_path, token):
    history.register(model_file(tmp_path, "model.tar.gz", b"the municipality's model"), "make train")
    response = await pull(client, token=token)
    assert response.status == 403
    assert await response.text() == REFUSED
    assert "ETag" not in response.headers


async def test_a_portal_without_a_token_serves_nobody(aiohttp_client, settings, history, tmp_path):
    history.register(model_file(tmp_path, "model.tar.gz", b"model"), "make train")
    portal = create_app(StackSettings(database_url=settings.database_url, model_store=settings.model_store,
                                      model_token=""), secret_key=Fernet.generate_key().decode())
    client = await aiohttp_client(portal)
    for token in ("", None):
        assert (await pull(client, token=token)).status == 403
    assert not token_matches("", "")


async def test_rasas_own_pull_gets_the_model_once_then_nothing_new(client, history, tmp_path):
    """Rasa 3.6's client code against the portal: the first pull saves the file and
    takes the ETag as the model's fingerprint; the next pull finds nothing new."""
    model = history.register(model_file(tmp_path, "model.tar.gz", b"a model for Rasa"), "make train")
    server = EndpointConfig(url=str(client.make_url(MODEL_PATH)), token=TOKEN)
    download = tmp_path / "download"
    download.mkdir()

    fingerprint = await _pull_model_and_fingerprint(server, "a fingerprint Rasa made up", str(download))
    assert fingerprint == f'"{model.sha256}"'
    assert (download / model.file).read_bytes() == b"a model for Rasa"
    assert await _pull_model_and_fingerprint(server, fingerprint, str(download)) is None
    refused = EndpointConfig(url=server.url, token="wrong")
    assert await _pull_model_and_fingerprint(refused, "x", str(tmp_path)) is None
