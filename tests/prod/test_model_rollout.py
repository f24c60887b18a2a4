"""Roll-out without a restart (issue 16), on the production profile: two Rasa
replicas behind nginx on PostgreSQL and Redis, pulling the live model from the
portal.

The profile is this module's own (on the machine's PostgreSQL and Redis), started
with a real small model (tests/retraining/small_project.py) as `make train`'s. A
second training has every example of "how long has the municipality worked
internationally", so a question the first does not understand, the second
answers. Six residents keep talking through nginx, each from its own address,
while an admin activates the second model and then rolls back to the first.
Nobody gets an error, nobody waits long, and within the stated time every replica
answers as the live model does. The figures go to results/prod_rollout.json.
"""
from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
import yaml

from bot.content.repository import ContentRepository
from bot.db.engine import session_factory
from bot.paths import RESULTS_DIR, ROOT
from bot.retraining.history import ModelHistory, Version
from tests.prod.conftest import RunningProfile, on_shared_servers
from tests.prod.support import Load, record
from tests.retraining import small_project
from tests.waiting import wait_until

pytestmark = pytest.mark.slow

RESULTS = RESULTS_DIR / "prod_rollout.json"
HISTORY_EXAMPLES = ROOT / "data" / "nlu" / "ask_history.yml"
# A resident's question from the real training data that the small model's six
# examples of its intent do not cover, and that the second model learns.
QUESTION = "hur länge har kommunen bevakat omvärlden"
# The stated time: each replica asks every MODEL_PULL_SECONDS (10 s), and the replicas
# load the new model one after the other, beside the old one, in at most 30 s each on
# two cores shared with other work (measured: 4–11 s).
ROLL_OUT_LIMIT = 10 + 2 * 30
# Nobody waits long: the replicas keep answering while they load.
SLOWEST_ANSWER_LIMIT = 10
PASSED = [{"name": "test", "passed": True, "detail": "trained for the roll-out test"}]


def _history_examples() -> list[str]:
    block = yaml.safe_load(HISTORY_EXAMPLES.read_text(encoding="utf-8"))["nlu"][0]
    return [line.removeprefix("- ") for line in block["examples"].splitlines() if line.strip()]


def _train(folder: Path, name: str, extra: dict[str, list[str]] | None) -> Path:
    return small_project.train(small_project.build(folder, extra), name)


@pytest.fixture(scope="session")
def small_models(tmp_path_factory) -> Iterator[dict[str, Future[Path]]]:
    """Two real trainings of the small project, at the same time and in the background:
    "first" as it is, "second" with every example of ask_history that the first lacks."""
    extra = {"ask_history": _history_examples()[small_project.EXAMPLES_PER_INTENT:]}
    assert QUESTION in extra["ask_history"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield {name: pool.submit(_train, tmp_path_factory.mktemp(name), name, examples)
               for name, examples in (("first", None), ("second", extra))}


@pytest.fixture(scope="module")
def rollout_stack(small_models) -> Iterator[RunningProfile]:
    """Two replicas, one action server, the portal and nginx; the first small model live."""
    first = small_models["first"].result()
    with on_shared_servers(f"{uuid.uuid4().hex[:8]}_r", replicas=2, action_servers=1, model=first) as profile:
        profile.stack.start(lambda _message: None, 420)
        yield profile


class Switches:
    """Goes live with a model while the residents talk, and measures what they saw."""

    def __init__(self, stack: RunningProfile, load: Load, second: Path) -> None:
        self.stack, self.load = stack, load
        self.history = ModelHistory(session_factory(stack.content_url), stack.settings.model_store_dir)
        self.second = self.trained(second)
        self.topic = ContentRepository(session_factory(stack.content_url)).topic("history").body
        self.replicas = [f"rasa-{i}" for i in range(1, len(stack.settings.rasa_ports) + 1)]
        self.figures: dict[str, dict] = {}

    def answers_question(self, base: str) -> bool:
        """Whether the bot at `base` answers QUESTION with the history topic (a fresh conversation)."""
        reply = self.stack.text(f"probe-{time.monotonic_ns()}", QUESTION, base=base)
        assert reply, f"{base} gave no reply"
        return self.topic in reply

    def replica_url(self, name: str) -> str:
        return self.stack.replica_url(self.replicas.index(name))

    def go_live(self, label: str, switch: Callable[[], Version], understands: bool) -> dict:
        started = time.monotonic()
        version = switch()
        loaded: dict[str, float] = {}

        def everyone_loaded() -> bool:
            for name in self.replicas:
                if name not in loaded and self.stack.ready(name).get("model_file") == version.file:
                    loaded[name] = time.monotonic() - started
            return len(loaded) == len(self.replicas)

        wait_until(everyone_loaded, timeout=ROLL_OUT_LIMIT, interval=0.5,
                   message=f"{label}: not every replica answered with {version.file}")
        for name in self.replicas:  # straight to each replica, then as a resident sees it
            assert self.answers_question(self.replica_url(name)) is understands, (label, name)
        assert self.answers_question(self.stack.url) is understands, label
        # the residents go on for two more messages each on the new model
        since = time.monotonic()
        wait_until(lambda: self.load.rounds_since(since, answered=False) >= 2, timeout=120, interval=0.2,
                   message=f"{label}: the residents got no replies after the switch")
        ended = time.monotonic()
        self.figures[label] = {
            "model": version.file,
            "every_replica_answering_after_s": round(max(loaded.values()), 1),
            **{f"{name}_after_s": round(seconds, 1) for name, seconds in sorted(loaded.items())},
            **self.load.summary(started, ended),
            "failed_replies": [(r.text, r.status, r.reply[:80]) for r in self.load.failures(started, ended)],
        }
        assert self.figures[label]["requests"], f"{label}: the residents sent nothing during the switch"
        return self.figures[label]

    def trained(self, model: Path) -> int:
        """A trained model that passed its gates, in the stack's model store."""
        version = self.history.start("roll-out test", "small project")
        return self.history.finish(version, model, {}, PASSED).id


@pytest.fixture
def switches(rollout_stack, small_models) -> Iterator[Switches]:
    """The second small model ready to activate, and the residents talking."""
    load = Load(rollout_stack.url)
    switching = Switches(rollout_stack, load, small_models["second"].result())
    load.start()
    try:
        wait_until(lambda: load.rounds_since(0, answered=False) >= 1, timeout=120, interval=0.2,
                   message="the residents got no replies before the switch")
        yield switching
    finally:
        load.stop()
        record(RESULTS, "model roll-out", switching.figures)


def test_the_model_is_for_the_replicas_only(rollout_stack):
    """nginx refuses the model path from outside, even with the token; the portal
    serves it to the replicas on its internal address."""
    settings = rollout_stack.settings
    outside = requests.get(f"{rollout_stack.url}/internal/model", params={"token": settings.model_token},
                           timeout=10, stream=True)
    assert outside.status_code == 404 and "ETag" not in outside.headers
    live = ModelHistory(session_factory(rollout_stack.content_url), settings.model_store_dir).live()
    inside = requests.get(settings.model_server_url, params={"token": settings.model_token},
                          headers={"If-None-Match": f'"{live.sha256}"'}, timeout=10)
    assert inside.status_code == 304


def test_activation_and_rollback_reach_every_replica_under_load_without_errors(switches):
    first = switches.history.live()
    for name in switches.replicas:  # the first model does not understand the question
        assert not switches.answers_question(switches.replica_url(name)), name

    activated = switches.go_live("second small model activated",
                                 lambda: switches.history.activate(switches.second, "admin"), True)
    rolled_back = switches.go_live("rolled back to the first small model",
                                   lambda: switches.history.rollback(first.id, "admin"), False)

    for figures in (activated, rolled_back):
        assert figures["failed"] == 0, figures["failed_replies"]
        assert figures["slowest_s"] < SLOWEST_ANSWER_LIMIT, figures
        assert figures["every_replica_answering_after_s"] < ROLL_OUT_LIMIT, figures
