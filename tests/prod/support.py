"""Helpers for the production-profile tests: throwaway PostgreSQL and Redis
servers, fresh databases on the shared server, a paced load of residents,
reading the tracker store, and the measured figures in results/."""
from __future__ import annotations

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import redis
import requests
import sqlalchemy as sa
from requests.adapters import HTTPAdapter

from bot.content.system_messages import RATE_LIMITED, TECHNICAL_ERROR
from bot.stack.prod_settings import ProdSettings
from tests.waiting import wait_until

SHARED_POSTGRES = "postgresql://postgres@127.0.0.1:5432"
SHARED_REDIS_PORT = 6379


def wait_for_port(port: int, timeout: float = 20) -> None:
    def listening() -> bool:
        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", port)) == 0

    wait_until(listening, timeout=timeout, interval=0.1, message=f"nothing listens on port {port}")


# ---------------------------------------------------------------- PostgreSQL


def create_database(server: str, name: str) -> str:
    engine = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return f"{server}/{name}"


def drop_database(server: str, name: str) -> None:
    engine = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"
        ), {"name": name})
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    engine.dispose()


class ThrowawayPostgres:
    """A PostgreSQL server of our own in a temporary folder, which we may stop."""

    def __init__(self, port: int) -> None:
        self.port = port
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not binaries:
            raise RuntimeError("PostgreSQL's server binaries are not installed")
        self.bin = Path(binaries[-1]).parent
        self.folder = Path(tempfile.mkdtemp(prefix="vbg-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.url = f"postgresql://postgres@127.0.0.1:{port}"
        os.chmod(self.folder, 0o755)
        if os.geteuid() == 0:  # initdb refuses root
            shutil.chown(self.folder, "postgres", "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]
        else:
            self._as = []
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "--no-sync", "-E", "UTF8", "--locale=C.UTF-8")

    def _run(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([*self._as, *argv], check=check, capture_output=True, text=True, timeout=60)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c max_connections=100"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                  "-o", options, "-w", "-t", "30", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def cleanup(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


# ---------------------------------------------------------------- Redis


class ThrowawayRedis:
    """A redis-server of our own on another port, which we may kill."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        wait_for_port(self.port)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def commands_processed(self) -> int:
        return int(redis.Redis(port=self.port).info("stats")["total_commands_processed"])


# ---------------------------------------------------------------- lock store


def _conversation_lock(settings: ProdSettings, sender: str) -> dict:
    """`sender`'s conversation lock as the replicas keep it in Redis ({} when none is held)."""
    server = redis.Redis(host=settings.redis_host, port=settings.redis_port, db=settings.redis_db)
    raw = server.get(f"{settings.redis_key_prefix}:lock:{sender}")
    return json.loads(raw) if raw else {}


def queued_turns(settings: ProdSettings, sender: str) -> int:
    """How many of `sender`'s messages the replicas hold a conversation-lock ticket for
    (taken on arrival, given back when the turn is over)."""
    return len(_conversation_lock(settings, sender).get("tickets", []))


def ticket_holder_pids(settings: ProdSettings, sender: str) -> list[int]:
    """The process ids of the replicas holding a ticket of `sender`'s conversation
    (each ticket names its replica as host-pid-random, bot/rasa/lock_store.py)."""
    owners = _conversation_lock(settings, sender).get("owners", {}).values()
    return [int(owner.rsplit("-", 2)[1]) for owner in owners]


def in_process_group(pid: int, group: int) -> bool:
    """Whether process `pid` still runs in process group `group` (a service the stack started)."""
    try:
        return os.getpgid(pid) == group
    except ProcessLookupError:
        return False


# ---------------------------------------------------------------- tracker store


def user_events(url: str, sender: str) -> list[dict]:
    """The sender's events in the tracker store, in order (every session)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"
            ), {"s": sender}).all()
    finally:
        engine.dispose()
    return [dict(json.loads(data), type_name=type_name) for type_name, data in rows]


def event_snapshot(url: str) -> dict[str, tuple[int, int]]:
    """sender → (number of events, highest id): to check later that none was lost."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT sender_id, count(*), max(id) FROM events GROUP BY sender_id"
            )).all()
    finally:
        engine.dispose()
    return {sender: (count, top) for sender, count, top in rows}


def lost_events(url: str, before: dict[str, tuple[int, int]]) -> dict[str, int]:
    """Senders whose events stored before the snapshot are no longer all there."""
    engine = sa.create_engine(url)
    lost: dict[str, int] = {}
    try:
        with engine.connect() as connection:
            for sender, (count, top) in before.items():
                now = connection.execute(sa.text(
                    "SELECT count(*) FROM events WHERE sender_id = :s AND id <= :top"
                ), {"s": sender, "top": top}).scalar_one()
                if now != count:
                    lost[sender] = count - now
    finally:
        engine.dispose()
    return lost


# ---------------------------------------------------------------- load


class SourceAddressAdapter(HTTPAdapter):
    """Connections from one loopback address: each simulated resident is its own client."""

    def __init__(self, address: str, **kwargs) -> None:
        self.address = address
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        return super().init_poolmanager(*args, **kwargs)


def client(address: str = "127.0.0.1") -> requests.Session:
    session = requests.Session()
    session.mount("http://", SourceAddressAdapter(address))
    return session


QUESTIONS = (
    "Vilka vänorter har ni?",
    "Berätta om Ravenna",
    "Vilket land ligger den i?",
    "Vilka är fokusområdena?",
    "Vem har antagit policyn?",
    "Varför arbetar kommunen internationellt?",
)


@dataclass
class Request:
    sender: str
    text: str
    started: float
    ended: float
    status: int
    reply: str

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.reply) and self.reply not in (TECHNICAL_ERROR, RATE_LIMITED)


@dataclass
class Load:
    """Residents talking to the bot through nginx, each from its own address,
    about one message a second (below the per-client rate limit)."""

    url: str
    residents: int = 6
    period: float = 1.1
    requests: list[Request] = field(default_factory=list)
    senders: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def _resident(self, index: int) -> None:
        sender = f"load-{uuid.uuid4().hex[:10]}"
        with self._lock:
            self.senders.append(sender)
        session = client(f"127.0.0.{20 + index}")
        turn = 0
        while not self._stop.is_set():
            text = QUESTIONS[turn % len(QUESTIONS)]
            turn += 1
            started = time.monotonic()
            status, reply = 0, ""
            try:
                answer = session.post(f"{self.url}/webhooks/rest/webhook",
                                      json={"sender": sender, "message": text}, timeout=90)
                status = answer.status_code
                if status == 200:
                    reply = "\n".join(m.get("text", "") for m in answer.json())
            except (requests.RequestException, ValueError) as error:
                reply = f"{type(error).__name__}"
            ended = time.monotonic()
            with self._lock:
                self.requests.append(Request(sender, text, started, ended, status, reply))
            self._stop.wait(max(0.0, self.period - (ended - started)))

    def start(self) -> Load:
        for index in range(self.residents):
            thread = threading.Thread(target=self._resident, args=(index,), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=120)

    # -------------------------------------------------------- analysis

    def failures(self, since: float = 0.0, until: float = float("inf")) -> list[Request]:
        return [r for r in self.requests if r.ended >= since and r.started <= until and not r.ok]

    def successes_after(self, moment: float) -> list[Request]:
        return sorted((r for r in self.requests if r.started >= moment and r.ok), key=lambda r: r.ended)

    def first_success_after(self, moment: float) -> float | None:
        done = self.successes_after(moment)
        return done[0].ended - moment if done else None

    def rounds_since(self, moment: float, *, answered: bool = True) -> int:
        """How many messages sent after `moment` every resident has had a reply to
        (`answered`: a proper answer, not the technical-error message)."""
        with self._lock:
            done = Counter(r.sender for r in self.requests if r.started >= moment and (r.ok or not answered))
            senders = list(self.senders)
        return min((done[s] for s in senders), default=0) if len(senders) == self.residents else 0

    def sent_by(self, sender: str) -> list[Request]:
        return [r for r in self.requests if r.sender == sender]

    def summary(self, since: float, until: float) -> dict:
        window = [r for r in self.requests if r.ended >= since and r.started <= until]
        bad = [r for r in window if not r.ok]
        return {
            "requests": len(window),
            "failed": len(bad),
            "http_errors": sum(1 for r in bad if r.status != 200),
            "technical_error_replies": sum(1 for r in bad if r.reply == TECHNICAL_ERROR),
            "slowest_s": round(max((r.ended - r.started for r in window), default=0.0), 2),
        }


# ---------------------------------------------------------------- figures


def record(results: Path, name: str, figures: dict) -> None:
    """One test's measured figures, added to a JSON file under results/ and printed."""
    results.parent.mkdir(exist_ok=True)
    data = json.loads(results.read_text()) if results.exists() else {}
    data[name] = figures
    results.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\n{name}: {json.dumps(figures, ensure_ascii=False)}")
