"""A model loaded the quick way (bot/rasa/model_loading.py) understands residents
exactly as the same model loaded Rasa's own way, and still predicts in graph mode."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.core.agent import Agent
from rasa.utils.tensorflow.models import RasaModel

from bot.paths import MODEL_DIR, ROOT
from bot.rasa import model_loading

pytestmark = pytest.mark.slow

MODEL = MODEL_DIR / "bot.tar.gz"


def questions() -> list[str]:
    """The first two examples of every intent in the Swedish training data."""
    found = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            lines = [line.removeprefix("- ") for line in str(block.get("examples", "")).splitlines()]
            found += [line for line in lines if line.strip()][:2]
    return found


async def understanding(agent: Agent) -> list[tuple[str, float, list[str]]]:
    results = []
    for text in questions():
        parsed = await agent.parse_message(text)
        entities = sorted(entity["value"] for entity in parsed["entities"])
        results.append((parsed["intent"]["name"], parsed["intent"]["confidence"], entities))
    return results


def diet_models(agent: Agent) -> list[RasaModel]:
    nodes = agent.processor.graph_runner._instantiated_nodes.values()
    return [node._component.model for node in nodes if isinstance(getattr(node._component, "model", None), RasaModel)]


async def test_the_quick_load_understands_as_rasas_own(monkeypatch):
    if not Path(MODEL).exists():
        pytest.fail(f"no trained model at {MODEL}; run the tests through `make test`")
    rasas_own = await understanding(Agent.load(str(MODEL)))

    monkeypatch.setattr(RasaModel, "load", classmethod(model_loading.load))
    agent = Agent.load(str(MODEL))
    quick = await understanding(agent)

    assert [(intent, entities) for intent, _, entities in quick] == [(i, e) for i, _, e in rasas_own]
    assert [confidence for _, confidence, _ in quick] == pytest.approx([c for _, c, _ in rasas_own], abs=1e-5)
    models = diet_models(agent)
    assert models and all(model.run_eagerly is False for model in models)
