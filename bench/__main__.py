"""`make bench`: latency, throughput, training time and memory, both profiles.

The local profile (one Rasa server, SQLite), a stock `rasa init` bot from the
same venv (its peer, bench/stock.py) and the production profile (Rasa replicas
on PostgreSQL and Redis behind nginx, 1 and 2 replicas) are measured in the
same run, one after the other, each on its own spare ports and fresh
databases, so it can run next to `make run`. Every simulated resident holds
conversations of ten turns (`bench.load.CONVERSATION`), each under a new sender
id, as residents do. The same load for all three profiles: 50 residents at
once, two conversations each. Results go to results/bench.json and
are printed as Markdown. `python -m bench --no-training` skips timing a
training run.
"""
from __future__ import annotations

import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import prod, stock
from bench.load import first_answer_seconds, run_load
from bench.processes import cpu_ms_per_message, cpu_seconds, stack_memory
from bench.report import print_report
from bot.content.store import migrate, seed_if_empty
from bot.paths import MODEL_DIR, RESULTS_DIR, ROOT
from bot.stack.runner import Stack, stack_services
from bot.stack.settings import StackSettings

# Start-up is timed to this question's correct answer.
FIRST_QUESTION = ("Vilka vänorter har ni?", "Herning")
# The load both this project and the stock bot get: 20 residents at once.
CONCURRENT, CONCURRENT_CONVERSATIONS = 20, 3


def time_training(project: Path, out: Path) -> float:
    """Seconds for a full, forced `rasa train` of `project` into a scratch folder."""
    started = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("rasa")), "train", "--force", "--quiet",
                    "--out", str(out), "--fixed-model-name", "bench"],
                   cwd=project, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return f"{os.cpu_count()} cores ({cpu}), {memory_gb:.0f} GB RAM, {platform.system()} {platform.release()}"


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        content = f"sqlite:///{folder / 'content.db'}"
        migrate(content)
        seed_if_empty(content)
        settings = StackSettings(rasa_port=25005, action_port=25055, portal_port=28080,
                                 tracker_db=str(folder / "tracker.db"),
                                 lock_db=str(folder / "locks.db"), database_url=content,
                                 log_prefix="bench-")
        results = {"machine": machine(), "date": time.strftime("%Y-%m-%d")}
        print("… starting the stack", flush=True)
        with Stack(stack_services(settings, MODEL_DIR / "bot.tar.gz"), settings) as stack:
            started = time.perf_counter()
            stack.start(say=lambda _m: None)
            asyncio.run(first_answer_seconds(settings.rasa_url, *FIRST_QUESTION))
            results["startup_seconds"] = round(time.perf_counter() - started, 1)
            print("… one resident, 20 conversations (200 messages)", flush=True)
            results["one_user"] = asyncio.run(run_load(settings.rasa_url, 1, 20)).summary()
            print(f"… {CONCURRENT} residents at once, {CONCURRENT_CONVERSATIONS} conversations each", flush=True)
            cpu_before = cpu_seconds(stack.processes)
            results["concurrent_20"] = asyncio.run(
                run_load(settings.rasa_url, CONCURRENT, CONCURRENT_CONVERSATIONS)).summary()
            cpu_after = cpu_seconds(stack.processes)
            results["cpu_ms_per_message"] = cpu_ms_per_message(
                cpu_before, cpu_after, results["concurrent_20"]["messages"])
            print("… local profile: 50 residents at once, 2 conversations each", flush=True)
            results["local_50x2"] = asyncio.run(run_load(settings.rasa_url, 50, 2)).summary()
            print(f"  {results['local_50x2']}", flush=True)
            results["rasa_workers"] = settings.rasa_workers
            results["local_pss_mb"] = stack_memory(stack.processes)
        print(f"… the stock `rasa init` bot: {CONCURRENT} residents at once, "
              f"{CONCURRENT_CONVERSATIONS} conversations each", flush=True)
        results["stock"] = stock.measure(CONCURRENT, CONCURRENT_CONVERSATIONS)
        for replicas in (1, 2):
            print(f"… production profile, {replicas} replica(s): 50 residents at once, "
                  "2 conversations each", flush=True)
            results[f"prod_{replicas}_replica_50x2"] = prod.measure(replicas, replicas)
        if "--no-training" in sys.argv[1:]:
            results["training_seconds"] = results["stock"]["training_seconds"] = None
        else:
            print("… timing a full training run of this project, then of the stock bot", flush=True)
            results["training_seconds"] = round(time_training(ROOT, folder / "models"), 1)
            results["stock"]["training_seconds"] = round(time_training(stock.STOCK_DIR, folder / "stock"), 1)

    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "bench.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print_report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
