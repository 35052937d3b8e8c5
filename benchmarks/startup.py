"""Start-up: wall time of `scrapy crawl hub -a limit=1` against the replica (one model, one request), the
median of N runs, their CPU time (user + system: less skewed than wall time by other work on a shared
machine), and where an extra run with `python -X importtime` spends its imports.

Goal (issue 15.5): < 1.3 s. Nothing disabled is imported (remote control, telnet, cookies); pandas is
(~0.2 s: pyarrow imports it on its first conversion of Python objects). The replica runs without quotas,
in this process. The runs use Python's bytecode cache as any install does: PYTHONDONTWRITEBYTECODE is
dropped for them, so the first (uncounted) run writes llmbench's `__pycache__` if it is missing (with it
set, every run would compile every llmbench module again: ~0.1 s more CPU here).

Run: python -m benchmarks.startup [--runs 5] [--top 12] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from benchmarks import inherited_environment
from llmbench.replica.ratelimit import RateLimitConfig
from llmbench.replica.server import ReplicaThread

ROOT = Path(__file__).resolve().parents[1]
GOALS = {"median_seconds": 1.3}
COMMAND = ["-m", "scrapy", "crawl", "hub", "-a", "limit=1", "-s", "LOG_LEVEL=WARNING"]
IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S.*)")


def environment(replica, data: str) -> dict[str, str]:
    env = inherited_environment("HF_", "LLMBENCH_")
    env.update(replica.client_environment(), LLMBENCH_DATA_DIR=data, HF_HUB_DISABLE_IMPLICIT_TOKEN="1",
               HF_TOKEN_PATH=os.path.join(data, "none"), PYTHONPATH=str(ROOT))
    return env


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_run(env: dict[str, str], *python_options: str) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system) and stderr of one crawl."""
    cpu, start = child_cpu(), time.perf_counter()
    proc = subprocess.run([sys.executable, *python_options, *COMMAND], cwd=ROOT, env=env, capture_output=True,
                          text=True)
    seconds, cpu = time.perf_counter() - start, child_cpu() - cpu
    if proc.returncode != 0:
        raise SystemExit(f"crawl failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return seconds, cpu, proc.stderr


def top_level_imports(importtime: str, top: int) -> list[tuple[str, float]]:
    """The costliest imports made directly by the running code (cumulative ms), not nested ones."""
    costs = []
    for line in importtime.splitlines():
        match = IMPORT_LINE.match(line)
        if match and not match.group(3):
            costs.append((match.group(4), int(match.group(2)) / 1000))
    return sorted(costs, key=lambda item: -item[1])[:top]


def packages(importtime: str, top: int) -> list[tuple[str, float]]:
    """Import time per top-level package (its modules' own time, ms), whichever module imported it first.

    A top-level import's cumulative time goes to the module that happened to import a library first
    (pyarrow and numpy under whichever llmbench module comes first): this says which libraries cost.
    """
    costs: Counter[str] = Counter()
    for line in importtime.splitlines():
        match = IMPORT_LINE.match(line)
        if match:
            costs[match.group(4).split(".")[0]] += int(match.group(1)) / 1000
    return costs.most_common(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=12, help="import costs to list")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args()
    with ReplicaThread(tls=True, limits=RateLimitConfig(enabled=False)) as replica, \
            tempfile.TemporaryDirectory() as data:
        env = environment(replica, data)
        timed_run(env)  # warm the file-system cache; not counted
        runs = [timed_run(env)[:2] for _ in range(args.runs)]
        *_, importtime = timed_run(env, "-X", "importtime")
    imports, libraries = top_level_imports(importtime, args.top), packages(importtime, args.top)
    seconds, cpu = [wall for wall, _ in runs], [used for _, used in runs]
    median, cpu_median = statistics.median(seconds), statistics.median(cpu)
    print(f"start-up benchmark: `scrapy crawl hub -a limit=1` against the replica, {args.runs} runs "
          "(a shared 2-core machine: other work inflates these)")
    print(f"  median {median:.2f} s (goal < {GOALS['median_seconds']} s); runs "
          + ", ".join(f"{s:.2f}" for s in seconds))
    print(f"  CPU (user + system) median {cpu_median:.2f} s; runs " + ", ".join(f"{c:.2f}" for c in cpu)
          + f" (load average {os.getloadavg()[0]:.1f})")
    print("  costliest top-level imports (cumulative, one run under -X importtime):")
    for name, ms in imports:
        print(f"    {ms:8.0f} ms  {name}")
    print("  import time by package (its modules' own time, same run):")
    print("    " + ", ".join(f"{name} {ms:.0f} ms" for name, ms in libraries))
    if args.json:
        figures = {"median_seconds": round(median, 3), "runs_seconds": [round(s, 3) for s in seconds],
                   "cpu_median_seconds": round(cpu_median, 3), "runs_cpu_seconds": [round(c, 3) for c in cpu],
                   "imports_ms": dict(imports), "packages_ms": {name: round(ms) for name, ms in libraries},
                   "goals": GOALS}
        Path(args.json).write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
