"""`rasa run`, with the action-response check compiled once.

Rasa 3.6 checks every reply of the action server against a JSON schema with
`jsonschema.validate(result, schema)`. That call first validates the *schema*
against the JSON Schema meta-schema, on every turn, although the schema never
changes: profiled under 20 concurrent conversations, it was half of the Rasa
server's CPU time. This launcher replaces the check with a validator built once
from the same schema. Replies are checked exactly as before and a bad reply
still raises the same `ValidationError` (jsonschema's best match, with Rasa's
hint appended), so nothing but the wasted work changes.

Usage: python -m bot.rasa_server run [rasa run options]
"""
from __future__ import annotations

import functools
import sys
from typing import Any

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

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


def install() -> None:
    """Use the compiled validator in this process's Rasa."""
    RemoteAction._validate_action_result = _validate_action_result


def main() -> None:
    install()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
