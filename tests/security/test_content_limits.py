"""Issue 14, item 7: long content cannot stall the portal. Every content field
has a length cap, a Q&A entry at most 50 example questions (in the editor and
in the YAML import alike), and previews render off the event loop with a time
limit, so /healthz answers while a slow preview is still rendering."""
from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import pytest
import requests

from bot.content.bundle import BundleError, dump_bundle, export_content, parse_bundle
from bot.content.editor import ContentEditor, ValidationFailed
from bot.content.types import QA, TOPICS
from tests.portal.admin_fixtures import FAST_HASHER
from tests.portal.review_fixtures import ThreadedPortal
from tests.security.support import EDITOR, csrf, log_in, portal_with


@pytest.fixture
def fast_portal(content_url) -> Iterator[ThreadedPortal]:
    yield from portal_with(content_url, FAST_HASHER)


def test_answers_and_bodies_are_capped_at_5000_characters(sessions):
    editor = ContentEditor(sessions)
    with pytest.raises(ValidationFailed) as failed:
        editor.create(TOPICS, {"key": "lang", "title": "Långt", "body": "a" * 5001}, "anna")
    assert failed.value.errors["body"] == "”Svar” får vara högst 5000 tecken (nu 5001)."
    editor.create(TOPICS, {"key": "lagom", "title": "Lagom", "body": "a" * 5000}, "anna")


def test_a_question_has_at_most_50_examples(sessions):
    editor = ContentEditor(sessions)
    examples = "\n".join(f"Fråga nummer {n}?" for n in range(51))
    with pytest.raises(ValidationFailed) as failed:
        editor.create(QA, {"title": "Många", "answer": "Ja.", "examples": examples}, "anna")
    assert failed.value.errors["examples"] == "”Exempelfrågor” får ha högst 50 exempelfrågor (nu 51)."


def test_the_import_applies_the_same_caps(sessions):
    with sessions() as session:
        bundle = export_content(session)
    bundle["topics"][0]["body"] = "b" * 6000
    bundle["qa"] = [{"title": "Många", "answer": "a" * 5001,
                     "examples": [f"Fråga {n}?" for n in range(60)]}]
    with pytest.raises(BundleError) as rejected:
        parse_bundle([("stor.yml", dump_bundle(bundle))])
    reasons = [p.reason for p in rejected.value.problems]
    assert "ämne: fältet ”body” får vara högst 5000 tecken (nu 6000)" in reasons
    assert "fråga och svar: fältet ”answer” får vara högst 5000 tecken (nu 5001)" in reasons
    assert "fråga och svar: fältet ”examples” får ha högst 50 exempelfrågor (nu 60)" in reasons


async def test_a_slow_render_is_stopped_at_its_time_limit_and_the_loop_runs_on():
    from bot.content.markup import render_off_loop

    ticks = []

    async def ticker() -> None:
        while True:
            ticks.append(time.monotonic())
            await asyncio.sleep(0.05)

    clock = asyncio.create_task(ticker())
    started = time.monotonic()
    stopped = await render_off_loop(["[" * 80_000], seconds=0.5)
    clock.cancel()
    assert stopped is None and time.monotonic() - started < 2.0
    assert max(b - a for a, b in zip(ticks, ticks[1:])) < 0.3  # the loop was never blocked
    assert await render_off_loop(["**Hej** [källan](https://www.vanersborg.se)"]) == [(
        '<p><strong>Hej</strong> <a href="https://www.vanersborg.se" rel="noopener noreferrer nofollow">'
        "källan</a></p>\n", "Hej källan (https://www.vanersborg.se)")]


def _worst_healthz_while(portal: ThreadedPortal, work) -> tuple[float, object]:
    done, result = threading.Event(), {}

    def run() -> None:
        result["value"] = work()
        done.set()

    thread = threading.Thread(target=run)
    thread.start()
    worst = 0.0
    while not done.is_set():
        started = time.perf_counter()
        assert requests.get(f"{portal.base}/healthz", timeout=60).status_code == 200
        worst = max(worst, time.perf_counter() - started)
        time.sleep(0.05)
    thread.join()
    return worst, result["value"]


@pytest.mark.parametrize("count, status", [(100_000, 413), (80_000, 200)])
def test_the_portal_answers_while_a_preview_of_many_brackets_is_made(fast_portal, count, status):
    """100,000 `[` is refused by size at once; 80,000 fit under the form cap and
    hit the time limit. Either way /healthz never waits."""
    session = requests.Session()
    assert log_in(session, fast_portal.base, EDITOR).status_code == 303
    token = csrf(session.get(f"{fast_portal.base}/admin/content/topics/new", timeout=30).text)

    def preview() -> requests.Response:
        return session.post(f"{fast_portal.base}/admin/content/topics/new", timeout=120, data={
            "csrf_token": token, "key": "hakar", "title": "Hakar", "body": "[" * count, "do": "preview"})

    worst, answer = _worst_healthz_while(fast_portal, preview)
    assert worst < 2.0, f"/healthz waited {worst:.2f} s"  # before: the whole render (30 s and more)
    assert answer.status_code == status
    if status == 200:
        assert "Förhandsgranskningen tog för lång tid och visas inte." in answer.text
