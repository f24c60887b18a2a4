"""Both profiles serve their model from a model store: the stack puts `make train`'s
model there before Rasa starts, the portal is ready before any Rasa server asks it
for the model, and a stack in a temporary folder keeps its model files there."""
from __future__ import annotations

from bot.db.engine import session_factory
from bot.retraining.history import ModelHistory
from bot.stack.prod import services
from bot.stack.prod_settings import ProdSettings
from bot.stack.runner import register_model, stack_services, start_waves
from bot.stack.settings import StackSettings


def names(waves) -> list[list[str]]:
    return [[service.name for service in wave] for wave in waves]


def test_the_portal_is_ready_before_rasa_starts_in_both_profiles():
    assert names(start_waves(stack_services(StackSettings()))) == [["actions", "portal"], ["rasa"]]
    prod = names(start_waves(services(ProdSettings())))
    assert prod == [["actions-1", "actions-2", "portal"], ["rasa-1", "rasa-2"], ["nginx"]]


def test_rasa_is_ready_only_with_a_model_and_pulls_it_rather_than_reading_a_file():
    rasa = next(s for s in stack_services(StackSettings()) if s.name == "rasa")
    assert rasa.wait_url.endswith("/webhooks/ops/ready")
    assert "--model" not in rasa.argv
    for service in services(ProdSettings()):
        assert "--model" not in service.argv


def test_every_replica_pulls_from_the_same_portal_with_the_same_token():
    settings = ProdSettings.from_environment({"MODEL_SERVER_TOKEN": "s3cret", "MODEL_PULL_SECONDS": "7"})
    environment = settings.environment()
    assert environment["MODEL_SERVER_URL"] == f"http://127.0.0.1:{settings.portal_port}/internal/model"
    assert (environment["MODEL_SERVER_TOKEN"], environment["MODEL_PULL_SECONDS"]) == ("s3cret", "7")
    replicas = [s for s in services(settings) if s.name.startswith("rasa-")]
    assert len(replicas) == 2 and all("MODEL_SERVER_URL" not in s.env for s in replicas)
    # without a token in the environment, each run makes its own
    assert ProdSettings.from_environment({}).model_token != ProdSettings.from_environment({}).model_token


def test_a_stack_on_a_sqlite_store_keeps_its_model_files_beside_it(tmp_path):
    settings = StackSettings(database_url=f"sqlite:///{tmp_path / 'content.db'}")
    assert settings.model_store_dir == tmp_path / "model-store"
    assert settings.environment()["MODEL_STORE_DIR"] == str(tmp_path / "model-store")
    assert ProdSettings(run_dir=tmp_path).model_store_dir == tmp_path / "model-store"


def test_the_stack_model_goes_live_once_and_the_files_stay_bounded(content_url, tmp_path):
    history = ModelHistory(session_factory(content_url), tmp_path / "store")
    models = []
    for number in range(4):
        model = tmp_path / f"bot-{number}.tar.gz"
        model.write_bytes(f"model {number}".encode())
        register_model(content_url, tmp_path / "store", model, keep=2)
        models.append(model)
        assert history.live_file()[0].read_bytes() == model.read_bytes()
    assert len(list((tmp_path / "store").iterdir())) == 2
    # a model the store knows changes nothing: a restart never undoes an activation
    register_model(content_url, tmp_path / "store", models[1], keep=2)
    assert history.live_file()[0].read_bytes() == b"model 3"


def test_both_endpoint_files_name_the_portal_as_model_server(monkeypatch, tmp_path):
    from rasa.core.utils import read_endpoints_from_path

    from bot.paths import ROOT

    for path, settings in (("endpoints.yml", StackSettings(database_url=f"sqlite:///{tmp_path / 'c.db'}")),
                           ("endpoints.prod.yml", ProdSettings(run_dir=tmp_path))):
        for name, value in settings.environment().items():
            monkeypatch.setenv(name, value)
        model = read_endpoints_from_path(str(ROOT / path)).model
        assert model.url == settings.model_server_url, path
        assert model.combine_parameters() == {"token": settings.model_token}, path
        assert int(model.kwargs["wait_time_between_pulls"]) == 10, path
