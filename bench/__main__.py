"""`make bench`: latency, throughput, training time and memory, both profiles.

The local profile (one Rasa server, SQLite) and the production profile (Rasa
replicas on PostgreSQL and Redis behind nginx, 1 and 2 replicas) are measured
in the same run, one after the other, each on its own spare ports and fresh
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

from bench import prod
from bench.load import run_load
from bench.memory import stack_memory
from bot.content.store import migrate, seed_if_empty
from bot.paths import MODEL_DIR, RESULTS_DIR, ROOT
from bot.stack.runner import Stack, stack_services
from bot.stack.settings import StackSettings


def time_training(out: Path) -> float:
    """Seconds for a full, forced `rasa train` into a scratch folder."""
    started = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("rasa")), "train", "--force", "--quiet",
                    "--out", str(out), "--fixed-model-name", "bench"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
            results["startup_seconds"] = round(time.perf_counter() - started, 1)
            print("… one resident, 20 conversations (200 messages)", flush=True)
            results["one_user"] = asyncio.run(run_load(settings.rasa_url, 1, 20)).summary()
            print("… 20 residents at once, 3 conversations each (600 messages)", flush=True)
            results["concurrent_20"] = asyncio.run(run_load(settings.rasa_url, 20, 3)).summary()
            print("… local profile: 50 residents at once, 2 conversations each", flush=True)
            results["local_50x2"] = asyncio.run(run_load(settings.rasa_url, 50, 2)).summary()
            print(f"  {results['local_50x2']}", flush=True)
            results["rasa_workers"] = settings.rasa_workers
            results["local_pss_mb"] = stack_memory(stack.processes)
        for replicas in (1, 2):
            print(f"… production profile, {replicas} replica(s): 50 residents at once, "
                  "2 conversations each", flush=True)
            results[f"prod_{replicas}_replica_50x2"] = prod.measure(replicas, replicas)
        if "--no-training" in sys.argv[1:]:
            results["training_seconds"] = None
        else:
            print("… timing a full training run", flush=True)
            results["training_seconds"] = round(time_training(folder / "models"), 1)

    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "bench.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    one, many = results["one_user"], results["concurrent_20"]
    memory = ", ".join(f"{name} {mb} MB" for name, mb in results["local_pss_mb"].items())
    local = f"local: 1 Rasa server, {results['rasa_workers']} workers, SQLite, no nginx"
    rows = [(local, results["local_50x2"]),
            ("production: 1 replica + 1 action server, PostgreSQL, Redis, nginx",
             results["prod_1_replica_50x2"]),
            ("production: 2 replicas + 2 action servers, PostgreSQL, Redis, nginx",
             results["prod_2_replica_50x2"])]
    side_by_side = "\n".join(
        f"| {name} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['throughput_msg_per_s']} | "
        f"{r['errors']} / {r['messages']} |" for name, r in rows)
    print(f"""
Machine: {results['machine']}, {results['date']}

| measure | value |
|---|---|
| one resident: p50 / p95 latency | {one['p50_ms']} ms / {one['p95_ms']} ms |
| 20 concurrent: throughput | {many['throughput_msg_per_s']} messages/s |
| 20 concurrent: p50 / p95 / p99 latency | {many['p50_ms']} / {many['p95_ms']} / {many['p99_ms']} ms |
| errors | {one['errors'] + many['errors']} |
| training (full, forced) | {results['training_seconds']} s |
| memory (PSS), every process | {memory} |
| stack start-up | {results['startup_seconds']} s |

50 residents at once, two conversations (20 messages) each, measured in the same run:

| profile | p50 ms | p95 ms | p99 ms | messages/s | errors |
|---|---|---|---|---|---|
{side_by_side}

Memory (PSS) of the production profile: 1 replica {results['prod_1_replica_50x2']['pss_mb']['total']} MB in all,
2 replicas {results['prod_2_replica_50x2']['pss_mb']['total']} MB in all.
""")
    return 0


if __name__ == "__main__":
    sys.exit(main())
