"""Waiting on a condition instead of sleeping a fixed time: a test then waits as
long as the machine needs, and no longer."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import pytest

T = TypeVar("T")


def wait_until(check: Callable[[], T], timeout: float = 15, interval: float = 0.05,
               message: str = "the condition never held") -> T:
    """Polls `check` until it returns something truthy; that value. The test fails
    with `message` after `timeout` seconds.

    In browser tests it also stands in for `page.wait_for_function`, which the
    portal's strict Content-Security-Policy refuses (it needs 'unsafe-eval')."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"{message} (waited {timeout:g} s)", pytrace=False)
        time.sleep(interval)


def settled(read: Callable[[], T], timeout: float = 5, interval: float = 0.1) -> T:
    """Waits until `read()` gives the same value twice in a row (say, after a wheel scroll)."""
    previous: list[T] = [read()]

    def same() -> bool:
        current = read()
        unchanged = current == previous[0]
        previous[0] = current
        return unchanged

    wait_until(same, timeout=timeout, interval=interval, message="the value kept changing")
    return previous[0]
