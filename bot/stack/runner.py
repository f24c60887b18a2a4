"""Starts and supervises the processes of the local stack (`make run`).

Each process logs to `var/log/<name>.log`; the terminal shows progress only.
Ctrl-C (or SIGTERM) stops every process. One that dies while the stack runs is
restarted (bot/stack/supervisor.py); one that dies while starting stops the stack
with the tail of its log, since it would only fail again.
"""
from __future__ import annotations

import contextlib
import functools
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.paths import MODEL_DIR, ROOT, VAR_DIR
from bot.rasa.library_warnings import without_known
from bot.stack.filemodes import FILE_MODE, report
from bot.stack.settings import TELEMETRY_OFF, StackSettings
from bot.stack.supervisor import Supervisor

LOG_DIR = VAR_DIR / "log"


@dataclass(frozen=True)
class Service:
    name: str
    label: str
    argv: list[str]
    health_url: str
    # readiness probe to wait for at start (default: the health URL)
    ready_url: str | None = None
    # variables for this process only, on top of the stack's environment
    env: dict[str, str] = field(default_factory=dict)
    # services that must be ready before this one starts
    needs: tuple[str, ...] = ()
    # run once before the stack starts this process (what the process reads first)
    prepare: Callable[[], object] | None = None

    @property
    def wait_url(self) -> str:
        return self.ready_url or self.health_url


def register_model(content_url: str, folder: Path, model: Path, keep: int) -> None:
    """The stack's model in its model store before Rasa pulls from it: live the first time
    the store sees it (a known one changes nothing, so a restart never undoes an admin's
    activation), and the store's files bounded to `keep` besides the live one."""
    from bot.db.engine import session_factory
    from bot.retraining.history import ModelHistory
    from bot.retraining.snapshot import project_training_data

    history = ModelHistory(session_factory(content_url), folder)
    # `make train` trained its model on the project's data as it is now: kept with the model,
    # the portal can say what the next model would learn beyond it
    data = project_training_data() if model.resolve() == (MODEL_DIR / "bot.tar.gz").resolve() else None
    version = history.register(model, "make train", data.fingerprint if data else "")
    if data is not None and version.report is None:
        history.set_report(version.id, {"data": data.record()})
    history.prune(keep)


def stack_services(settings: StackSettings, model: Path = MODEL_DIR / "bot.tar.gz") -> list[Service]:
    """The processes of the local stack, in start order. Rasa pulls `model` from the
    portal's model store (endpoints.yml), so the portal is ready before Rasa starts."""
    return [
        Service(
            "actions",
            "action server",
            # rasa-sdk's app with its guards against malformed calls (bot/stack/action_server.py)
            [sys.executable, "-m", "bot.stack.action_server", "--actions", "actions",
             "--port", str(settings.action_port), "--host", settings.host],
            f"http://127.0.0.1:{settings.action_port}/health",
            # Keep idle connections longer than Rasa's client (aiohttp, 15 s) does, so that
            # Rasa never reuses one the server is closing ("Cannot write to closing transport").
            env={"SANIC_KEEP_ALIVE_TIMEOUT": "30"},
        ),
        Service(
            "portal",
            "portal",
            [sys.executable, "-m", "bot", "portal"],
            f"http://127.0.0.1:{settings.portal_port}/healthz",
        ),
        Service(
            "rasa",
            "Rasa server",
            # no --model: Rasa loads the store's live model (`models:` in endpoints.yml)
            [sys.executable, "-m", "bot.rasa.server", "run",
             "--port", str(settings.rasa_port), "--interface", settings.host,
             "--credentials", "credentials.yml", "--endpoints", "endpoints.yml",
             # one --cors with every origin: a repeated --cors keeps only the last
             "--cors", settings.portal_url, f"http://127.0.0.1:{settings.portal_port}"],
            f"{settings.rasa_url}/webhooks/rest/",
            # ready: a model is loaded (pulled from the portal), not merely HTTP answering
            ready_url=f"{settings.rasa_url}/webhooks/ops/ready",
            # worker processes share conversation locks through LOCK_DB (endpoints.yml)
            env={"SANIC_WORKERS": str(settings.rasa_workers)},
            needs=("portal",),
            prepare=functools.partial(register_model, settings.database_url, settings.model_store_dir,
                                      model, settings.models_kept),
        ),
    ]


def start_waves(services: list[Service]) -> list[list[Service]]:
    """The services in groups started together, in order: a service that needs one of
    the current group's opens the next group."""
    waves: list[list[Service]] = [[]]
    for service in services:
        if any(need in {s.name for s in waves[-1]} for need in service.needs):
            waves.append([])
        waves[-1].append(service)
    return [wave for wave in waves if wave]


def free_ports(count: int) -> list[int]:
    """Ports nobody listens on now, so parallel test runs do not collide."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def is_up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return reply.status == 200
    except (urllib.error.URLError, OSError):
        return False


class Stack:
    """A running set of services; a context manager that always cleans up."""

    def __init__(self, services: list[Service], settings: StackSettings) -> None:
        self.services = services
        self.settings = settings
        self.processes: dict[str, subprocess.Popen] = {}

    def child_environment(self) -> dict[str, str]:
        env = dict(os.environ, **self.settings.environment(), **TELEMETRY_OFF)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        return env

    def start(self, say=print, timeout: float = 240) -> None:
        """Start every service and wait until each is ready; a service waits for those it needs."""
        for wave in start_waves(self.services):
            for service in wave:
                say(f"… starting the {service.label}")
                if service.prepare is not None:
                    service.prepare()
                self.launch(service)
            self._wait_until_up(wave, say, timeout)

    def restart(self, name: str, timeout: float = 240) -> None:
        """Start one stopped service again (tests of failure and recovery)."""
        service = next(s for s in self.services if s.name == name)
        self.launch(service)
        self._wait_until_up([service], lambda _message: None, timeout)

    def launch(self, service: Service) -> None:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        path = self.log_path(service)
        with open(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE), "ab") as log:
            os.chmod(path, FILE_MODE)  # also when an older run left it open
            self.processes[service.name] = subprocess.Popen(
                service.argv, cwd=ROOT, env=dict(self.child_environment(), **service.env), stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )

    def _wait_until_up(self, services: list[Service], say, timeout: float) -> None:
        started = time.monotonic()
        waiting = list(services)
        while waiting:
            for service in list(waiting):
                self._check_alive(service)
                if self.is_ready(service):
                    say(f"✓ {service.label} is up ({time.monotonic() - started:.0f} s)")
                    waiting.remove(service)
            if waiting and time.monotonic() - started > timeout:
                raise RuntimeError(f"{waiting[0].label} started too slowly; see {self.log_path(waiting[0])}")
            time.sleep(0.5)

    def is_ready(self, service: Service) -> bool:
        return is_up(service.wait_url)

    def log_path(self, service: Service) -> Path:
        return LOG_DIR / f"{self.settings.log_prefix}{service.name}.log"

    def log_tail(self, service: Service, lines: int = 25) -> str:
        """The end of a service's log, without the libraries' known warnings."""
        return "\n".join(without_known(self.log_path(service).read_text(errors="replace").splitlines())[-lines:])

    def _check_alive(self, service: Service) -> None:
        code = self.processes[service.name].poll()
        if code is not None:
            raise RuntimeError(f"{service.label} exited with code {code}:\n{self.log_tail(service)}")

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Kill one service and whatever it started, even when it has died itself (a
        crashed Rasa's Sanic workers live on); `restart` or `launch` brings it back."""
        process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):  # the whole group has gone already
            os.killpg(process.pid, sig)
        process.wait()

    def stop(self, only: str | None = None) -> None:
        names = [only] if only else list(self.processes)
        for name in names:
            process = self.processes.get(name)
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for name in names:
            process = self.processes.pop(name, None)
            if process is None:
                continue
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def serve_until_stopped(stack: Stack, banner: Callable[[], str]) -> int:
    """Start the stack, print where to reach it, restart what crashes, run until Ctrl-C or SIGTERM.

    Shared by `make run` and `make run-prod`; 1 when a process fails to start or keeps failing."""
    for signum in (signal.SIGINT, signal.SIGTERM):  # SIGINT too: it is ignored in background jobs
        signal.signal(signum, _interrupt)
    print(report(), flush=True)
    with stack:
        try:
            stack.start()
            print(banner(), flush=True)
            Supervisor(stack).run()
        except KeyboardInterrupt:
            print("\nStopping every process …", flush=True)
        except RuntimeError as error:
            print(f"\nerror: {error}", file=sys.stderr)
            return 1
    print("Stopped.")
    return 0


def banner(settings: StackSettings) -> str:
    """Where to talk to the bot, and what a newcomer does next (the first staff account first)."""
    return (
        "\nEverything is up.\n"
        f"  Chat in the browser:  {settings.portal_url}/\n"
        f"  Chat over REST:       POST {settings.rasa_url}/webhooks/rest/webhook\n"
        f"                        body: {{\"sender\": \"me\", \"message\": \"Vilka vänorter har ni?\"}}\n"
        "  Chat in the terminal: make shell\n"
        f"  Logs: {LOG_DIR}\n"
        "\nWhat now:\n"
        "  1. Create the first staff account, an admin (in another terminal; it asks for the password twice):\n"
        "       .venv/bin/python -m bot users create --role admin <name>\n"
        f"  2. Log in to the staff portal, {settings.portal_url}/admin/, to edit the answers;\n"
        "     admins also add staff (role redaktör) and review conversations there.\n"
        f"  3. Ask the bot something at {settings.portal_url}/ and find the conversation under Samtal.\n"
        "A process that crashes is restarted. Press Ctrl-C to stop."
    )


def run_stack() -> int:
    """`make run`: start everything, show where to chat and what to do next, stop on Ctrl-C."""
    settings = StackSettings()
    stack = Stack(stack_services(settings), settings)
    return serve_until_stopped(stack, lambda: banner(settings))
