"""Keeps a running stack's processes up: one restart policy for `make run` and `make run-prod`.

A process that exits is started again, after a delay that doubles with each of
its recent failures: a one-off crash is repaired within a second, while a
process that cannot start does not spin the machine. Only when one process
fails again and again within the window does the stack stop, with the end of
that process's log, since restarting it further would not help.
"""
from __future__ import annotations

import functools
import signal
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.stack.runner import Service, Stack


@dataclass(frozen=True)
class RestartPolicy:
    """How soon a crashed process starts again, and when restarting stops making sense."""

    first_delay: float = 1.0
    max_delay: float = 30.0
    # this many failures of one process within `window` seconds stop the stack
    max_failures: int = 8
    window: float = 600.0

    def delay(self, failures: int) -> float:
        """The wait after the n-th recent failure: 1, 2, 4 … seconds, capped."""
        return min(self.first_delay * 2 ** (failures - 1), self.max_delay)


def _how_it_ended(code: int) -> str:
    """A negative return code is the signal that ended the process (Popen's convention)."""
    return f"was killed by {signal.Signals(-code).name}" if code < 0 else f"exited with code {code}"


class Supervisor:
    """Watches every process of a started Stack and restarts the ones that exit."""

    def __init__(self, stack: Stack, policy: RestartPolicy = RestartPolicy(),
                 say: Callable[[str], None] = functools.partial(print, flush=True), poll: float = 0.5) -> None:
        self.stack = stack
        self.policy = policy
        self.say = say
        self.poll = poll
        self.failures: dict[str, deque[float]] = {service.name: deque() for service in stack.services}
        self.restart_at: dict[str, float] = {}  # crashed, waiting out its delay
        self.restarted_at: dict[str, float] = {}  # started again, not ready yet
        self.stopped = threading.Event()

    def run(self) -> None:
        """Check every `poll` seconds until `stop`; RuntimeError when a process keeps failing."""
        while not self.stopped.wait(self.poll):
            self.check()

    def stop(self) -> None:
        self.stopped.set()

    def check(self) -> None:
        now = time.monotonic()
        for service in self.stack.services:
            name = service.name
            if name in self.restart_at:
                if now >= self.restart_at[name]:
                    del self.restart_at[name]
                    self.stack.launch(service)
                    self.restarted_at[name] = now
            elif (code := self.stack.processes[name].poll()) is not None:
                self.restarted_at.pop(name, None)
                self._failed(service, code, now)
            elif name in self.restarted_at and self.stack.is_ready(service):
                self.say(f"✓ {service.label} is up again ({now - self.restarted_at.pop(name):.0f} s)")

    def _failed(self, service: Service, code: int, now: float) -> None:
        recent = self.failures[service.name]
        recent.append(now)
        while now - recent[0] > self.policy.window:
            recent.popleft()
        window = f"{self.policy.window:g} s"
        if len(recent) >= self.policy.max_failures:
            raise RuntimeError(
                f"{service.label} {_how_it_ended(code)}: {len(recent)} failures within {window}, "
                f"so the stack stops. The end of {self.stack.log_path(service)}:\n{self.stack.log_tail(service)}"
            )
        # a crashed Rasa leaves its Sanic workers holding the port; they go first
        self.stack.kill(service.name)
        delay = self.policy.delay(len(recent))
        self.restart_at[service.name] = now + delay
        self.say(f"! {service.label} {_how_it_ended(code)}; restarting it in {delay:g} s "
                 f"(failure {len(recent)} within {window}; the stack stops at {self.policy.max_failures})")
