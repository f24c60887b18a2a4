"""`make bench`'s printed report: this project next to the stock `rasa init` bot
measured in the same run, as absolute figures and as ratios."""
from __future__ import annotations


def _ratio(ours: float | None, theirs: float | None) -> str:
    return f"{ours / theirs:.2f}×" if ours and theirs else "—"


def _figure(value: float | None, unit: str) -> str:
    return "not timed (--no-training)" if value is None else f"{value} {unit}"


def side_by_side(results: dict) -> str:
    stock, many = results["stock"], results["concurrent_20"]
    ours_cpu, stock_cpu = results["cpu_ms_per_message"], stock["cpu_ms_per_message"]
    cpu_split = ", ".join(f"{name} {ms} ms" for name, ms in ours_cpu.items())
    rows = [
        ("memory, all processes (PSS)", results["local_pss_mb"]["total"], stock["pss_mb"]["total"], "MB"),
        (f"throughput, {many['conversations']} conversations by 20 residents at once",
         many["throughput_msg_per_s"], stock["load"]["throughput_msg_per_s"], "messages/s"),
        ("p95 latency at 20 at once", many["p95_ms"], stock["load"]["p95_ms"], "ms"),
        ("start-up to the first correct answer", results["startup_seconds"], stock["startup_seconds"], "s"),
        ("training, full and forced", results["training_seconds"], stock.get("training_seconds"), "s"),
        ("CPU per message, all processes", round(sum(ours_cpu.values()), 2),
         round(sum(stock_cpu.values()), 2), "ms"),
    ]
    lines = ["| figure | this project | stock `rasa init` bot | ratio |", "|---|---|---|---|"]
    lines += [f"| {name} | {_figure(ours, unit)} | {_figure(theirs, unit)} | {_ratio(ours, theirs)} |"
              for name, ours, theirs, unit in rows]
    return "\n".join(lines) + f"\n\nThis project's CPU per message by process: {cpu_split}."


def print_report(results: dict) -> None:
    one, many = results["one_user"], results["concurrent_20"]
    memory = ", ".join(f"{name} {mb} MB" for name, mb in results["local_pss_mb"].items())
    local = f"local: 1 Rasa server, {results['rasa_workers']} workers, SQLite, no nginx"
    rows = [(local, results["local_50x2"]),
            ("production: 1 replica + 1 action server, PostgreSQL, Redis, nginx",
             results["prod_1_replica_50x2"]),
            ("production: 2 replicas + 2 action servers, PostgreSQL, Redis, nginx",
             results["prod_2_replica_50x2"])]
    profiles = "\n".join(
        f"| {name} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['throughput_msg_per_s']} | "
        f"{r['errors']} / {r['messages']} |" for name, r in rows)
    print(f"""
Machine: {results['machine']}, {results['date']}

This project (local profile) and a stock `rasa init` bot from the same venv, same run:

{side_by_side(results)}

| measure | value |
|---|---|
| one resident: p50 / p95 latency | {one['p50_ms']} ms / {one['p95_ms']} ms |
| 20 concurrent: p50 / p95 / p99 latency | {many['p50_ms']} / {many['p95_ms']} / {many['p99_ms']} ms |
| errors | {one['errors'] + many['errors']} |
| memory (PSS), every process | {memory} |

50 residents at once, two conversations (20 messages) each, measured in the same run:

| profile | p50 ms | p95 ms | p99 ms | messages/s | errors |
|---|---|---|---|---|---|
{profiles}

Memory (PSS) of the production profile: 1 replica {results['prod_1_replica_50x2']['pss_mb']['total']} MB in all,
2 replicas {results['prod_2_replica_50x2']['pss_mb']['total']} MB in all.
""")
