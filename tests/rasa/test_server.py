"""The Rasa launcher keeps checking what the action server sends back.

The launcher swaps Rasa's per-turn schema check for one compiled once; a reply
that breaks the format must still be refused, or a broken action server could
write garbage into a resident's conversation.
"""
from __future__ import annotations

import pytest
import rasa.core.agent as rasa_agent
import rasa.core.run as rasa_run
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig
from rasa.utils.tensorflow.models import RasaModel

from bot.rasa import server


@pytest.fixture()
def remote_action(monkeypatch) -> RemoteAction:
    # everything install() replaces is put back afterwards, for the tests that follow
    for owner, name in ((RemoteAction, "_validate_action_result"), (RasaModel, "load"),
                        (rasa_run, "configure_app"), (rasa_agent, "_update_model_from_server")):
        monkeypatch.setattr(owner, name, vars(owner)[name])
    server.install()
    return RemoteAction("action_partner", EndpointConfig("http://127.0.0.1:1/webhook"))


def test_a_well_formed_reply_passes(remote_action: RemoteAction) -> None:
    reply = {
        "events": [{"event": "slot", "name": "partner", "value": "Ravenna", "timestamp": None}],
        "responses": [{"text": "Ravenna ligger i Italien."}],
    }
    assert remote_action._validate_action_result(reply) is True


@pytest.mark.parametrize("reply", [
    {"events": "not a list", "responses": []},
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": [], "responses": "Ravenna ligger i Italien."},
])
def test_a_malformed_reply_is_refused_with_rasas_hint(remote_action: RemoteAction, reply: dict) -> None:
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        remote_action._validate_action_result(reply)


def test_refusals_match_rasas_own_check() -> None:
    """The same replies fail as with Rasa's unpatched `jsonschema.validate`."""
    from jsonschema import validate

    schema = RemoteAction.action_response_format_spec()
    for reply in ({"events": [{"event": "slot"}]}, {"events": [{"event": "followup"}]},
                  {"events": [], "responses": [1]}, {"events": [{"event": "bot", "text": "hej"}]}):
        try:
            validate(reply, schema)
            expected = None
        except ValidationError as error:
            expected = error.message
        try:
            server._validate_action_result(None, reply)  # type: ignore[arg-type]
            actual = None
        except ValidationError as error:
            actual = error.message.removesuffix(server._RASA_HINT)
        assert actual == expected
