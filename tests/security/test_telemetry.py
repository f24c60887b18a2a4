"""Issue 14, item 10: Rasa's usage telemetry is off in every profile, and the
setting reaches every Rasa process (the workers too)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from bot.paths import ROOT
from bot.stack.prod import services
from bot.stack.prod_settings import ProdSettings
from bot.stack.runner import Stack


def environment_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode(errors="replace").split("=", 1) for item in raw if b"=" in item)


def children_of(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def test_every_process_of_the_local_stack_has_telemetry_off(live_stack):
    checked = 0
    for process in live_stack.stack.processes.values():
        for pid in [process.pid, *children_of(process.pid)]:  # Rasa's Sanic workers are children
            assert environment_of(pid).get("RASA_TELEMETRY_ENABLED") == "false", pid
            checked += 1
    assert checked >= 5  # actions, Rasa and its two workers, portal


def test_rasa_reads_the_setting_as_off():
    code = "from rasa import telemetry; print(telemetry.is_telemetry_enabled())"
    env = {k: v for k, v in os.environ.items() if k != "RASA_TELEMETRY_ENABLED"}
    from bot.stack.settings import TELEMETRY_OFF

    done = subprocess.run([sys.executable, "-c", code], env=dict(env, **TELEMETRY_OFF),
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "False", done.stderr[-500:]


def test_the_production_profile_and_the_containers_turn_it_off_too(tmp_path):
    settings = ProdSettings(run_dir=tmp_path)
    stack = Stack(services(settings), settings)
    assert stack.child_environment()["RASA_TELEMETRY_ENABLED"] == "false"
    compose = yaml.safe_load((ROOT / "deploy" / "docker-compose.yml").read_text())
    for name in ("rasa", "actions", "portal"):
        if name in compose["services"]:
            assert compose["services"][name]["environment"]["RASA_TELEMETRY_ENABLED"] == "false", name
    assert "ENV RASA_TELEMETRY_ENABLED=false" in (ROOT / "deploy" / "Dockerfile.app").read_text()
    # `make train`, `make shell` and the tests' own `rasa` commands
    assert "export RASA_TELEMETRY_ENABLED := false" in (ROOT / "Makefile").read_text().splitlines()
