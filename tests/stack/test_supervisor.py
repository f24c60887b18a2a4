"""The supervisor of bot/stack/supervisor.py against real processes: small HTTP servers
in a real Stack, SIGKILLed from outside as a crash would end them."""
from __future__ import annotations

import os
import signal
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from bot.stack.runner import Service, Stack, free_ports, is_up
from bot.stack.settings import StackSettings
from bot.stack.supervisor import RestartPolicy, Supervisor
from tests.waiting import wait_until

# Answers 200 on every path, and says so in its log once it listens.
SERVER = """
import http.server, sys
class Answer(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Answer)
print("echo server listening", flush=True)
server.serve_forever()
"""
POLICY = RestartPolicy(first_delay=0.2, max_delay=0.8, max_failures=6, window=60)


class Supervised:
    """A started one-service Stack, its supervisor running in a thread, and what it said."""

    def __init__(self, stack: Stack, supervisor: Supervisor, running: Future, lines: list[str]) -> None:
        self.stack, self.supervisor, self.running, self.lines = stack, supervisor, running, lines
        self.service = stack.services[0]

    def pid(self) -> int | None:
        """The running process's id; None while a restart waits out its delay."""
        process = self.stack.processes.get(self.service.name)
        return process.pid if process else None

    def crash(self) -> float:
        """SIGKILL the server from outside; when it was killed."""
        os.kill(self.stack.processes[self.service.name].pid, signal.SIGKILL)
        return time.monotonic()

    def answers(self) -> bool:
        return is_up(self.service.health_url)


@pytest.fixture
def supervised() -> Iterator[Supervised]:
    (port,) = free_ports(1)
    settings = StackSettings(log_prefix=f"test-supervisor-{uuid.uuid4().hex[:8]}-")
    service = Service("echo", "echo server", [sys.executable, "-c", SERVER, str(port)],
                      f"http://127.0.0.1:{port}/health")
    lines: list[str] = []
    with Stack([service], settings) as stack, ThreadPoolExecutor(max_workers=1) as pool:
        stack.start(say=lambda _line: None, timeout=60)
        supervisor = Supervisor(stack, POLICY, say=lines.append, poll=0.05)
        running = pool.submit(supervisor.run)
        try:
            yield Supervised(stack, supervisor, running, lines)
        finally:
            supervisor.stop()
        stack.log_path(service).unlink(missing_ok=True)


def test_a_killed_process_is_restarted_and_answers_again_with_growing_delays(supervised):
    waited = []
    for crash in range(1, 5):
        before = supervised.pid()
        killed = supervised.crash()
        wait_until(lambda: supervised.pid() not in (before, None), timeout=30, interval=0.02)
        waited.append(time.monotonic() - killed)
        wait_until(supervised.answers, timeout=30, interval=0.02)
        wait_until(lambda: len(supervised.lines) == 2 * crash, timeout=30, interval=0.02)  # the restart, "up again"

    delays = [POLICY.delay(n) for n in range(1, 5)]
    assert delays == [0.2, 0.4, 0.8, 0.8]  # doubling, capped at max_delay
    assert all(w >= d for w, d in zip(waited, delays)), waited
    restarts, ups = supervised.lines[0::2], supervised.lines[1::2]
    assert restarts == [
        f"! echo server was killed by SIGKILL; restarting it in {d:g} s "
        f"(failure {n} within 60 s; the stack stops at 6)" for n, d in enumerate(delays, start=1)
    ]
    assert all(line.startswith("✓ echo server is up again (") for line in ups), ups
    assert supervised.running.running()


def test_repeated_failures_within_the_window_stop_with_the_log(supervised):
    for _ in range(POLICY.max_failures - 1):
        before = supervised.pid()
        supervised.crash()
        wait_until(lambda: supervised.pid() not in (before, None), timeout=30, interval=0.02)
        wait_until(supervised.answers, timeout=30, interval=0.02)
    supervised.crash()

    with pytest.raises(RuntimeError) as stopped:
        supervised.running.result(timeout=30)
    message = str(stopped.value)
    assert message.startswith("echo server was killed by SIGKILL: 6 failures within 60 s, so the stack stops.")
    assert str(supervised.stack.log_path(supervised.service)) in message
    assert "echo server listening" in message  # the end of its log
    assert not supervised.answers()
