"""Issue 14, items 1 and 2: nobody can lock an account, and a failed login tells
nothing about the name. A real portal on a loopback port, reached from two
source addresses (127.0.0.2 floods, 127.0.0.1 is the real user), with
argon2's production parameters."""
from __future__ import annotations

import logging
import statistics
import time

from tests.security.support import ADMIN, from_address, log_in, login_error, portal  # noqa: F401

WRONG = "Fel användarnamn eller lösenord."


def test_a_flood_from_one_address_does_not_stop_the_real_user_at_another(portal, caplog):
    caplog.set_level(logging.WARNING)
    flood = from_address("127.0.0.2")
    for attempt in range(12):
        answer = log_in(flood, portal.base, ("root", f"gissat lösenord {attempt}"))
        assert answer.status_code == 401 and login_error(answer.text) == WRONG

    real_user = from_address("127.0.0.1")
    answer = log_in(real_user, portal.base, ADMIN)
    assert answer.status_code == 303, login_error(answer.text)
    # the flooding address is held off, even with the right password
    assert log_in(flood, portal.base, ADMIN).status_code == 401

    throttled = [r.getMessage() for r in caplog.records if "throttled" in r.getMessage()]
    assert throttled and all("127.0.0.2" in message for message in throttled)
    start_page = real_user.get(f"{portal.base}/admin", timeout=30).text
    assert "Inloggningsskydd" in start_page and "127.0.0.2" in start_page


def _timed_failures(session, base, who, count: int) -> tuple[list[float], set[str]]:
    times, messages = [], set()
    for _ in range(count):
        started = time.perf_counter()
        answer = log_in(session, base, who)
        times.append(time.perf_counter() - started)
        assert answer.status_code == 401
        messages.add(login_error(answer.text))
    return times, messages


def test_every_failed_login_says_the_same_and_takes_as_long(portal):
    """Known name with a wrong password, unknown name, and a known name after many
    failures (once locked and answered in 4–6 ms): one message, one argon2 check."""
    known, known_said = _timed_failures(from_address("127.0.0.3"), portal.base, ("root", "fel lösenord"), 3)
    unknown, unknown_said = _timed_failures(from_address("127.0.0.4"), portal.base, ("ingen.alls", "fel"), 3)
    hammered = from_address("127.0.0.5")
    _timed_failures(hammered, portal.base, ("root", "fel lösenord"), 6)
    after_many, after_many_said = _timed_failures(hammered, portal.base, ("root", "fel lösenord"), 3)

    assert known_said == unknown_said == after_many_said == {WRONG}
    reference = statistics.median(known)
    for name, times in (("unknown name", unknown), ("after many failures", after_many)):
        ratio = statistics.median(times) / reference
        assert 0.6 < ratio < 1.6, (name, [round(t * 1000) for t in times], round(reference * 1000))
