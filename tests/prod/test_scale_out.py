"""Two Rasa replicas share one conversation: PostgreSQL tracker store, Redis lock store."""
from __future__ import annotations

import threading
import time

import pytest

from bot.content.system_messages import TECHNICAL_ERROR
from tests.prod.support import queued_turns, user_events
from tests.waiting import wait_until

pytestmark = pytest.mark.slow


def users(events: list[dict]) -> list[dict]:
    return [e for e in events if e["type_name"] == "user"]


def test_follow_ups_work_when_the_turns_alternate_between_replicas(shared_stack, sender):
    first, second = shared_stack.replica_url(0), shared_stack.replica_url(1)
    turns = [
        (first, "Berätta om Ravenna", "Ravenna i Italien"),
        (second, "Vilket land ligger den i?", "Ravenna ligger i Italien"),
        (first, "Berätta om Herning", "Herning i Danmark"),
        (second, "Vilket land ligger den i?", "Herning ligger i Danmark"),
    ]
    for base, message, expected in turns:
        assert expected in shared_stack.text(sender, message, base=base)
    stored = users(user_events(shared_stack.tracker_url, sender))
    assert [e["text"] for e in stored] == [message for _, message, _ in turns]


# Each question has an answer that names it, so a reply given to the wrong request shows.
QUESTIONS = [
    ("Berätta om Herning", "Herning"),
    ("Vem har antagit den internationella policyn?", "kommunfullmäktige"),
    ("Berätta om Ravenna", "Ravenna"),
    ("vilka fokusområden har ni", "Livslångt lärande"),
    ("Berätta om Chobe", "Chobe"),
    ("Varför arbetar kommunen internationellt?", "globaliserad värld"),
    ("Samarbetar ni med Tammerfors?", "Tammerfors"),
    ("Berätta om Herning igen", "Herning"),
]


def test_concurrent_messages_of_one_resident_are_handled_one_at_a_time_in_order(shared_stack, sender):
    """Eight messages of one resident sent at (nearly) the same time, alternately to the
    two replicas: every one is answered with its own answer, stored exactly once, and
    the turns are serialised: each stored question is followed by its own answer before
    the next question, and the stored order is the order in which the answers came."""
    results: dict[int, tuple[float, str]] = {}

    def send(index: int) -> None:
        message = QUESTIONS[index][0]
        reply = shared_stack.text(sender, message, base=shared_stack.replica_url(index % 2), timeout=120)
        results[index] = (time.monotonic(), reply)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(QUESTIONS))]
    for index, thread in enumerate(threads):
        thread.start()
        # the next message goes once this one is queued for the conversation (or answered)
        wait_until(lambda: queued_turns(shared_stack.settings, sender) + len(results) > index,
                   timeout=120, interval=0.01, message=f"message {index} never reached its replica")
    for thread in threads:
        thread.join(timeout=180)

    assert sorted(results) == list(range(len(QUESTIONS))), "a request got no answer"
    for index, (_done, reply) in results.items():
        assert reply != TECHNICAL_ERROR
        assert QUESTIONS[index][1].lower() in reply.lower(), (QUESTIONS[index][0], reply)

    events = user_events(shared_stack.tracker_url, sender)
    stored = users(events)
    # none lost, none doubled: the tracker store has exactly the user events sent
    assert sorted(e["text"] for e in stored) == sorted(q for q, _ in QUESTIONS)
    assert len(stored) == len(QUESTIONS)

    # one turn at a time: between two questions lie the answers to the first of them
    positions = [i for i, e in enumerate(events) if e["type_name"] == "user"] + [len(events)]
    marker = dict(QUESTIONS)
    for start, end in zip(positions, positions[1:]):
        question = events[start]["text"]
        answers = " ".join(e.get("text") or "" for e in events[start + 1:end] if e["type_name"] == "bot")
        assert marker[question].lower() in answers.lower(), f"turn of {question!r} was interleaved"

    # in order: stored order = order in which the answers came back
    by_completion = [QUESTIONS[i][0] for i in sorted(results, key=lambda i: results[i][0])]
    assert [e["text"] for e in stored] == by_completion
    # and each replica handled its own requests in the order they were sent
    for replica in (0, 1):
        sent = [QUESTIONS[i][0] for i in range(len(QUESTIONS)) if i % 2 == replica]
        assert [e["text"] for e in stored if e["text"] in sent] == sent
