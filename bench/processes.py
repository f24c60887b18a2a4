"""Memory of a running stack, per process, as PSS: pages shared between processes
(Rasa's forked workers share much of the model) are split between them instead
of being counted once for each, as RSS does."""
from __future__ import annotations

from pathlib import Path


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
