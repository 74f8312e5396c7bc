"""Shared helpers for benchmark scripts: machine description, timing, result sections.

Each benchmark script writes its own section to ``benchmarks/results/<name>.md``;
``benchmarks/assemble.py`` joins the sections into ``BENCHMARKS.md``.
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def machine() -> str:
    """One line describing this machine (CPU model, cores, memory, Python)."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem_gib:.0f} GiB, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def today() -> str:
    """UTC date of the run."""
    return datetime.now(UTC).strftime("%Y-%m-%d")


def timeit(fn: Callable[[], object], repeat: int = 5, warmup: int = 1) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls of ``fn`` after ``warmup`` calls."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of ``values``, linear interpolation."""
    data = sorted(values)
    if len(data) == 1:
        return data[0]
    k = (len(data) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (k - lo)


def median(values: list[float]) -> float:
    """Median of ``values``."""
    return statistics.median(values)


def peak_rss_mib(children: bool = False) -> float:
    """Peak resident memory of this process (or its waited-for children), in MiB."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


def run_measured(cmd: list[str]) -> tuple[float, float]:
    """Run ``cmd``; return (wall seconds, peak RSS MiB) measured with /usr/bin/time."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *cmd], capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - t0
    peak_kib = int(proc.stderr.strip().splitlines()[-1])
    return wall, peak_kib / 1024


def write_section(name: str, title: str, body: str, command: str) -> Path:
    """Write one benchmark's section (with machine, date and command) for assemble.py."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.md"
    path.write_text(
        f"## {title}\n\n"
        f"- machine: {machine()}\n- date: {today()}\n- command: `{command}`\n\n"
        f"{body.strip()}\n"
    )
    return path
