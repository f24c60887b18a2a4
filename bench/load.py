"""Drives the REST channel: one resident, then many at once."""
from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import aiohttp

from bot.content.system_messages import RATE_LIMITED, TECHNICAL_ERROR

# Answers that mean "not answered": the channel's/nginx's polite error messages.
FAILED_TEXTS = {TECHNICAL_ERROR, RATE_LIMITED}

# One conversation as residents hold them: about ten turns, with follow-ups.
CONVERSATION = (
    "Hej",
    "Varför arbetar kommunen internationellt?",
    "Vilka vänorter har ni?",
    "Berätta om Ravenna",
    "Vilket land ligger den i?",
    "och Herning då?",
    "Vilka är fokusområdena?",
    "Vad får jag som invånare ut av det?",
    "Vem har antagit policyn?",
    "När töms soporna?",
)


@dataclass
class LoadResult:
    conversations: int
    messages: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    def summary(self) -> dict:
        return {
            "conversations": self.conversations,
            "messages": self.messages,
            "errors": self.errors,
            "throughput_msg_per_s": round(self.messages / self.seconds, 1),
            "p50_ms": round(self.percentile(50), 1),
            "p95_ms": round(self.percentile(95), 1),
            "p99_ms": round(self.percentile(99), 1),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 1),
        }


async def _conversation(session: aiohttp.ClientSession, url: str, turns: Sequence[str],
                        latencies: list[float], errors: list[str]) -> None:
    """One conversation, under a sender id of its own."""
    sender = f"bench-{uuid.uuid4().hex[:10]}"
    for text in turns:
        started = time.perf_counter()
        try:
            async with session.post(url, json={"sender": sender, "message": text}) as reply:
                body = await reply.json()
                texts = {m.get("text") for m in body} if isinstance(body, list) else set()
                if reply.status != 200 or not body or texts & FAILED_TEXTS:
                    errors.append(f"{reply.status}: {body!r}"[:200])
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            errors.append(repr(error))
        latencies.append((time.perf_counter() - started) * 1000)


async def _resident(url: str, conversations: int, latencies: list[float], errors: list[str],
                    timeout: aiohttp.ClientTimeout, address: str | None) -> None:
    """One resident holding `conversations` conversations, one after the other.

    Each conversation keeps one connection open (as a browser tab does, although
    a resident who types for longer than the server's keep-alive, 5 s, opens a new
    one for nearly every message). It connects from `address` when given, so that
    nginx's per-client rate limit sees many residents, not one load generator."""
    for _ in range(conversations):
        connector = aiohttp.TCPConnector(local_addr=(address, 0) if address else None)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            await _conversation(session, url, CONVERSATION, latencies, errors)


async def run_load(base_url: str, residents: int, conversations_each: int,
                   distinct_clients: bool = False) -> LoadResult:
    """`residents` at once, each holding `conversations_each` conversations of
    `CONVERSATION` in turn; every message waits for the previous reply.

    `distinct_clients`: each resident connects from its own loopback address
    (127.0.0.100, .101, …), as residents behind nginx do."""
    url = f"{base_url}/webhooks/rest/webhook"
    latencies: list[float] = []
    errors: list[str] = []
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        await _conversation(session, url, CONVERSATION, [], [])  # warm-up: every answer once
    started = time.perf_counter()
    await asyncio.gather(*(
        _resident(url, conversations_each, latencies, errors, timeout,
                  f"127.0.0.{100 + i}" if distinct_clients else None)
        for i in range(residents)
    ))
    seconds = time.perf_counter() - started
    return LoadResult(residents * conversations_each, len(latencies), len(errors), seconds, latencies)


async def first_answer_seconds(base_url: str, text: str, expected: str,
                               alive: Callable[[], bool] = lambda: True, timeout: float = 300) -> float:
    """Seconds until the bot at `base_url` answers `text` with a reply containing
    `expected` (start-up is timed to the first correct answer, not to an open port)."""
    url = f"{base_url}/webhooks/rest/webhook"
    started = time.perf_counter()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        while time.perf_counter() - started < timeout:
            if not alive():
                raise RuntimeError(f"the bot at {base_url} stopped before it answered")
            try:
                async with session.post(url, json={"sender": f"start-{uuid.uuid4().hex[:8]}",
                                                   "message": text}) as reply:
                    body = await reply.json() if reply.status == 200 else []
                    if any(expected in (m.get("text") or "") for m in body):
                        return time.perf_counter() - started
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass  # not listening yet
            await asyncio.sleep(0.1)
    raise RuntimeError(f"the bot at {base_url} gave no correct answer within {timeout:.0f} s")
