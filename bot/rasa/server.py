"""`rasa run`, with the action-response check compiled once.

Rasa 3.6 checks every reply of the action server against a JSON schema with
`jsonschema.validate(result, schema)`. That call first validates the *schema*
against the JSON Schema meta-schema, on every turn, although the schema never
changes: profiled under 20 concurrent conversations, it was half of the Rasa
server's CPU time. This launcher replaces the check with a validator built once
from the same schema. Replies are checked exactly as before and a bad reply
still raises the same `ValidationError` (jsonschema's best match, with Rasa's
hint appended), so nothing but the wasted work changes.

It also hardens the Sanic app that `rasa run` builds, so the app guards
itself and not only nginx in front of it (defence in depth):

* request bodies above `MAX_CHAT_BODY` (16 KB) are refused with 413 and a
  polite Swedish message, before they are read into memory or stored;
* `GET /` no longer answers "Hello from Rasa: <version>".

And it loads a model in seconds rather than a minute (bot/rasa/model_loading.py),
beside the one it answers with when the model store has a new one
(bot/rasa/model_pull.py), so that a new model goes live without a pause.

Usage: python -m bot.rasa.server run [rasa run options]
"""
from __future__ import annotations

import functools
import os
import sys
from typing import Any

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from sanic import Sanic, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request

from bot.content.system_messages import MAX_CHAT_BODY, TOO_LARGE
from bot.rasa import model_loading, model_pull
from bot.stack.filemodes import private_umask
from bot.stack.settings import TELEMETRY_OFF

# Rasa's own hint, appended to the message as `RemoteAction` does.
_RASA_HINT = (
    ". Failed to validate Action server response from API, make sure your response "
    "from the Action endpoint is valid. For more information about the format visit "
    f"{DOCS_BASE_URL}/custom-actions"
)


@functools.lru_cache(maxsize=1)
def _response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(_action: RemoteAction, result: dict[str, Any]) -> bool:
    error: ValidationError | None = best_match(_response_validator().iter_errors(result))
    if error is not None:
        error.message += _RASA_HINT
        raise error
    return True


async def _too_large(_request: Request, _error: Exception) -> response.HTTPResponse:
    return response.json({"error": TOO_LARGE}, status=413)


async def _no_banner(request: Request) -> response.HTTPResponse | None:
    if request.path == "/":
        return response.text("Vänersborgs kommuns chattbot")
    return None


def harden(app: Sanic) -> Sanic:
    """The body cap with its Swedish 413, and no version banner."""
    app.config.REQUEST_MAX_SIZE = MAX_CHAT_BODY
    app.error_handler.add(PayloadTooLarge, _too_large)
    app.register_middleware(_no_banner, "request")
    return app


def install() -> None:
    """Use the compiled validator, the hardened app, the quick model load and the
    pause-free model pull in this process's Rasa."""
    import rasa.core.run as rasa_run

    RemoteAction._validate_action_result = _validate_action_result
    model_loading.install()
    model_pull.install()
    configure_app = rasa_run.configure_app

    @functools.wraps(configure_app)
    def hardened_app(*args: Any, **kwargs: Any) -> Sanic:
        return harden(configure_app(*args, **kwargs))

    rasa_run.configure_app = hardened_app


def main() -> None:
    private_umask()
    os.environ.update(TELEMETRY_OFF)  # however it was started
    install()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
