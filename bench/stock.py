"""The peer in `make bench`: a stock `rasa init` bot from the same venv, started on
a spare port and measured with the same load in the same run, so that every
figure of this project can be given as a ratio to it (issue 15)."""
from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.load import first_answer_seconds, run_load
from bench.processes import cpu_ms_per_message, cpu_seconds, stack_memory
from bot.paths import VAR_DIR
from bot.stack.runner import free_ports

STOCK_DIR = VAR_DIR / "bench" / "stock"
RASA = str(Path(sys.executable).with_name("rasa"))
# rasa init's own story: "hello" is answered with its utter_greet.
GREETING, GREETING_REPLY = "hello", "Hey! How are you?"


def stock_model() -> Path:
    """rasa init's project and trained model, made once and kept in var/bench/stock/."""
    found = list((STOCK_DIR / "models").glob("*.tar.gz"))
    if found:
        return max(found)
    shutil.rmtree(STOCK_DIR, ignore_errors=True)
    STOCK_DIR.mkdir(parents=True)  # rasa init wants the folder to exist
    print("… building the stock `rasa init` bot once (it trains its own model)", flush=True)
    subprocess.run([RASA, "init", "--no-prompt", "--init-dir", str(STOCK_DIR)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return max((STOCK_DIR / "models").glob("*.tar.gz"))


@contextmanager
def running_stock(model: Path) -> Iterator[tuple[str, subprocess.Popen, float]]:
    """The stock bot, one process as `rasa run` starts it, with its start-up time
    (launch to the first correct answer); stopped afterwards."""
    (port,) = free_ports(1)
    url = f"http://127.0.0.1:{port}"
    log = (VAR_DIR / "log").joinpath("bench-stock.log")
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [RASA, "run", "--model", str(model), "--port", str(port), "--credentials", "credentials.yml"],
            cwd=STOCK_DIR, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "SANIC_WORKERS": "1"},
        )
    try:
        asyncio.run(first_answer_seconds(url, GREETING, GREETING_REPLY, alive=lambda: process.poll() is None))
        yield url, process, round(time.perf_counter() - started, 1)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


def measure(residents: int, conversations_each: int) -> dict:
    """Start-up, memory (PSS), throughput and CPU per message of the stock bot."""
    with running_stock(stock_model()) as (url, process, startup):
        services = {"rasa": process}
        cpu_before = cpu_seconds(services)
        load = asyncio.run(run_load(url, residents, conversations_each)).summary()
        cpu_after = cpu_seconds(services)
        memory = stack_memory(services)  # after the load, as this project's stack is measured
    return {
        "startup_seconds": startup,
        "pss_mb": memory,
        "load": load,
        "cpu_ms_per_message": cpu_ms_per_message(cpu_before, cpu_after, load["messages"]),
    }
