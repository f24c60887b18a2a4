"""What a running stack's processes cost, read from /proc: memory as PSS (pages
shared between processes, such as those Rasa's forked workers share, are split
between them instead of being counted once for each, as RSS does) and CPU time."""
from __future__ import annotations

import os
from pathlib import Path

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def pss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def children(pid: int) -> list[int]:
    """The processes `pid` started (Rasa's Sanic workers, say)."""
    return [int(child) for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()]


def stack_memory(processes: dict) -> dict[str, float]:
    """PSS in MB of each service and each process it started, and their total."""
    figures: dict[str, float] = {}
    for name, process in processes.items():
        figures[name] = round(pss_mb(process.pid))
        for number, child in enumerate(children(process.pid), start=1):
            figures[f"{name} child {number}"] = round(pss_mb(child))
    figures["total"] = round(sum(figures.values()))
    return figures


def _cpu_of(pid: int) -> float:
    """User and system CPU seconds of one process (its threads included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND


def cpu_seconds(processes: dict) -> dict[str, float]:
    """CPU seconds used so far by each service, with the processes it started."""
    return {name: _cpu_of(process.pid) + sum(_cpu_of(child) for child in children(process.pid))
            for name, process in processes.items()}


def cpu_ms_per_message(before: dict[str, float], after: dict[str, float], messages: int) -> dict[str, float]:
    """Each service's CPU milliseconds per message between two `cpu_seconds` readings."""
    return {name: round(1000 * (after[name] - before[name]) / messages, 2) for name in after}
