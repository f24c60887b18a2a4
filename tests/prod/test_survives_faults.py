"""Faults during load, against the real processes, measured.

Each test keeps six residents talking through nginx (each from its own address,
one message about every second), breaks something, repairs it, and checks what
residents saw, that the bot recovered by itself, and that no event already in
the tracker store was lost. The figures go to results/prod_faults.json.

The replica test runs last: it leaves the shared profile with one replica.
"""
from __future__ import annotations

import threading
import time
import uuid

import pytest
import requests

from bot.content.system_messages import TECHNICAL_ERROR
from bot.paths import RESULTS_DIR
from tests.prod.support import (
    Load,
    event_snapshot,
    in_process_group,
    lost_events,
    record,
    ticket_holder_pids,
    user_events,
)
from tests.waiting import wait_until

pytestmark = pytest.mark.slow

RESULTS = RESULTS_DIR / "prod_faults.json"
OUTAGE_S = 3  # how long a database is down: the fault itself, not a wait
ROUNDS = 2  # messages per resident that a phase of a test lasts
PHASE_TIMEOUT = 120  # seconds a phase may take on a busy machine


def rounds(load: Load, since: float, *, answered: bool = True, count: int = ROUNDS) -> float:
    """Wait until every resident has had `count` replies to messages sent after
    `since` (proper answers, unless `answered` is False); when that was."""
    wait_until(lambda: load.rounds_since(since, answered=answered) >= count, timeout=PHASE_TIMEOUT,
               interval=0.1, message=f"the residents did not get {count} replies each after the moment")
    return time.monotonic()


def assert_conversations_consistent(load: Load, tracker_url: str) -> None:
    """Per resident: no more user events than messages sent (nothing doubled), and at
    least one for every message that got a real answer (nothing answered from a
    conversation that was never stored)."""
    for sender in load.senders:
        sent = load.sent_by(sender)
        stored = [e for e in user_events(tracker_url, sender) if e["type_name"] == "user"]
        answered = [r for r in sent if r.ok]
        assert len(answered) <= len(stored) <= len(sent), (sender, len(answered), len(stored), len(sent))


def test_action_servers_killed_during_load(shared_stack):
    stack, tracker = shared_stack.stack, shared_stack.tracker_url
    load = Load(shared_stack.url).start()
    try:
        rounds(load, 0, count=1)
        before = event_snapshot(tracker)
        one_down = time.monotonic()
        stack.kill("actions-1")
        rounds(load, one_down)
        both_down = time.monotonic()
        stack.kill("actions-2")
        rounds(load, both_down + 0.5, answered=False)
        restarting = time.monotonic()
        threads = [threading.Thread(target=stack.restart, args=(name,)) for name in ("actions-1", "actions-2")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        back = time.monotonic()
        rounds(load, back)
    finally:
        load.stop()

    # one of two gone: nginx hands its calls (even those cut off mid-way) to the other
    assert load.failures(one_down, both_down) == []
    # both gone: every resident gets the polite Swedish message, as an HTTP 200 bot reply
    during = [r for r in load.requests if r.started >= both_down + 0.5 and r.ended <= restarting]
    assert during and all(r.status == 200 and r.reply == TECHNICAL_ERROR for r in during)
    # back: answers resume at once, and every later message is answered properly
    recovery = load.first_success_after(back)
    assert recovery is not None and recovery < 5
    assert [r for r in load.requests if r.started >= back and not r.ok] == []
    lost = lost_events(tracker, before)
    assert lost == {}
    assert_conversations_consistent(load, tracker)
    failed = load.failures(both_down, back + 10)
    record(RESULTS, "action servers killed", {
        "one of two killed": load.summary(one_down, both_down),
        "both killed": load.summary(both_down, back),
        "failed_requests": len(failed),
        "residents_saw_errors_for_s": round(max(r.ended for r in failed) - min(r.started for r in failed), 1),
        "restart_until_ready_s": round(back - restarting, 1),
        "first_answer_after_ready_s": round(recovery, 2),
        "stored_events_lost": sum(lost.values()),
    })


def test_postgres_restarted_during_load(throwaway_stack):
    stack, postgres, tracker = throwaway_stack.stack, throwaway_stack.postgres, throwaway_stack.tracker_url
    pids = {name: process.pid for name, process in stack.processes.items()}
    load = Load(throwaway_stack.url).start()
    try:
        rounds(load, 0, count=1)
        before = event_snapshot(tracker)
        down = time.monotonic()
        postgres.stop("immediate")  # like a crash: no checkpoint, WAL recovery on start
        time.sleep(OUTAGE_S)
        postgres.start()
        up = time.monotonic()
        recovered = rounds(load, up + 2)
    finally:
        load.stop()

    # nobody was restarted: the same processes, still running
    assert {name: p.pid for name, p in stack.processes.items()} == pids
    assert all(p.poll() is None for p in stack.processes.values())
    failed = load.failures(down - 1)
    # failures (if any) are polite bot replies, never HTTP errors or silence
    assert all(r.status == 200 and r.reply == TECHNICAL_ERROR for r in failed), failed
    # recovered by itself: every message sent 2 s after the database is back is answered
    assert [r for r in load.requests if r.started >= up + 2 and not r.ok] == []
    recovery = load.first_success_after(up)
    assert recovery is not None and recovery < 5
    assert throwaway_stack.ready("rasa-1")["tracker_store"] == "ok"
    lost = lost_events(tracker, before)
    assert lost == {}
    assert_conversations_consistent(load, tracker)
    record(RESULTS, "PostgreSQL restarted", {
        "downtime_s": round(up - down, 1),
        **load.summary(down, recovered),
        "first_answer_after_database_up_s": round(recovery, 2),
        "slowest_answer_s": round(max(r.ended - r.started for r in load.requests if r.started >= down - 1), 2),
        "stored_events_lost": sum(lost.values()),
    })


def test_redis_unavailable_keeps_answering_with_local_locks(throwaway_stack, sender):
    """Defined behaviour: without Redis each replica locks conversations itself;
    residents keep getting answers with their context; locks are shared through
    Redis again as soon as it is back."""
    server, tracker = throwaway_stack.redis_server, throwaway_stack.tracker_url
    load = Load(throwaway_stack.url).start()
    try:
        rounds(load, 0, count=1)
        assert server.commands_processed() > 0
        before = event_snapshot(tracker)
        down = time.monotonic()
        server.kill()
        wait_until(lambda: throwaway_stack.ready("rasa-1")["lock_store"]["backend"] == "local",
                   timeout=PHASE_TIMEOUT, interval=0.2, message="the replica never noticed Redis was gone")
        assert throwaway_stack.ready("rasa-1")["lock_store"]["backend"] == "local"
        assert "Ravenna i Italien" in throwaway_stack.text(sender, "Berätta om Ravenna", source="127.0.0.9")
        assert "Ravenna ligger i Italien" in throwaway_stack.text(sender, "Vilket land ligger den i?",
                                                                  source="127.0.0.9")
        rounds(load, down)  # the residents keep talking on the replica's own locks
        up = time.monotonic()
        server.start()
        wait_until(lambda: throwaway_stack.ready("rasa-1")["lock_store"]["backend"] == "redis",
                   timeout=15, interval=0.2, message="the locks were not shared through Redis again")
        shared_again = time.monotonic() - up
        rounds(load, up + shared_again)
    finally:
        load.stop()

    counted = server.commands_processed()
    throwaway_stack.text(sender, "Berätta om Herning", source="127.0.0.9")
    assert server.commands_processed() - counted >= 4, "the lock store did not use Redis again"
    assert load.failures() == []
    lost = lost_events(tracker, before)
    assert lost == {}
    for resident in load.senders:
        stored = [e for e in user_events(tracker, resident) if e["type_name"] == "user"]
        assert len(stored) == len(load.sent_by(resident))
    record(RESULTS, "Redis unavailable", {
        "downtime_s": round(up - down, 1),
        **load.summary(down, up + shared_again),
        "locks_shared_again_after_redis_up_s": round(shared_again, 1),
        "stored_events_lost": sum(lost.values()),
    })


def test_replica_killed_the_other_keeps_serving(shared_stack):
    """Kill a replica while it is busy: besides the paced load, eight residents send a
    message at once just before the kill, so some are in flight on the killed replica.
    Those get the polite technical-error message; their next message is answered by the
    other replica as soon as the dead replica's heartbeat has expired (10 s), which frees
    the conversation locks it held; everybody else does not notice."""
    stack, tracker = shared_stack.stack, shared_stack.tracker_url
    heartbeat = 10  # REPLICA_HEARTBEAT_SECONDS (bot/rasa/lock_store.py)
    burst_senders = [f"burst-{uuid.uuid4().hex[:8]}" for _ in range(8)]
    burst: dict[str, str] = {}
    follow_ups: dict[str, tuple[float, str]] = {}

    def first(index: int, sender: str) -> None:
        burst[sender] = shared_stack.text(sender, "Berätta om Ravenna", source=f"127.0.0.{60 + index}")

    def follow_up(index: int, sender: str) -> None:
        started = time.monotonic()
        reply = shared_stack.text(sender, "Berätta om Herning", source=f"127.0.0.{60 + index}")
        follow_ups[sender] = (time.monotonic() - started, reply)

    def in_flight_on_victim() -> bool:
        """A burst message is being handled by rasa-1 (that replica holds its conversation's ticket)."""
        victim = stack.processes["rasa-1"].pid  # its process group: Rasa and whatever it started
        return any(in_process_group(pid, victim)
                   for s in burst_senders for pid in ticket_holder_pids(shared_stack.settings, s))

    load = Load(shared_stack.url).start()
    try:
        rounds(load, 0, count=1)
        before = event_snapshot(tracker)
        threads = [threading.Thread(target=first, args=(i, s)) for i, s in enumerate(burst_senders)]
        for thread in threads:
            thread.start()
        wait_until(in_flight_on_victim, timeout=30, interval=0.01,
                   message="no burst message reached the replica to be killed")
        killed = time.monotonic()
        stack.kill("rasa-1")
        for thread in threads:
            thread.join()
        threads = [threading.Thread(target=follow_up, args=(i, s)) for i, s in enumerate(burst_senders)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=heartbeat + 30)
        # and the paced residents have talked on for a while after the kill
        wait_until(lambda: sum(1 for r in load.requests if r.ended >= killed and r.ok) > 4 * load.residents,
                   timeout=PHASE_TIMEOUT, interval=0.1, message="the paced residents got too few answers")
        rounds(load, killed)
        ended = time.monotonic()
    finally:
        load.stop()

    # the turns in flight on the killed replica failed politely, as bot replies
    cut_off = [sender for sender, reply in burst.items() if reply == TECHNICAL_ERROR]
    assert len(burst) == 8 and cut_off, "no request was in flight on the killed replica"
    assert all(reply == TECHNICAL_ERROR or "Ravenna" in reply for reply in burst.values())
    # their next message is answered once the dead replica's heartbeat has expired
    assert all("Herning" in reply for _, reply in follow_ups.values()), follow_ups
    waited = max(follow_ups[sender][0] for sender in cut_off)
    assert waited < heartbeat + 3
    # the paced residents: nothing failed after the kill, nothing waited long
    after = [r for r in load.requests if r.ended >= killed]
    failed = [r for r in after if not r.ok]
    assert all(r.status == 200 and r.reply == TECHNICAL_ERROR for r in failed)
    assert all(r.started < killed + 1 for r in failed), "a request sent after the kill failed"
    assert load.first_success_after(killed) < 3
    slowest = max(r.ended - r.started for r in after)
    assert slowest < heartbeat + 3
    assert len([r for r in after if r.ok]) > 4 * load.residents
    assert requests.get(f"{shared_stack.url}/webhooks/rest/", timeout=10).status_code == 200
    lost = lost_events(tracker, before)
    assert lost == {}
    assert_conversations_consistent(load, tracker)
    record(RESULTS, "Rasa replica killed", {
        **load.summary(killed, ended),
        "burst_in_flight_cut_off": len(cut_off),
        "next_message_of_cut_off_residents_waited_s": round(waited, 1),
        "first_answer_after_kill_s": round(load.first_success_after(killed), 2),
        "stored_events_lost": sum(lost.values()),
    })
