"""`python -m benchmarks`: run every benchmark in one go and print one table of figures against goals.

Each benchmark module of this package (one with a `main()`) runs as its own process, with its
defaults, one after the other (they measure time: running them side by side on 2 cores would skew
each other), as `python -m benchmarks.<name> --json <temp file>`. A module without `--json` support
is listed as "not run". The whole run stays within `--budget` seconds (default 600): a module that
would go past it is stopped and listed as timed out. Goals and how figures are read: benchmarks/goals.py.

Run: python -m benchmarks [--only startup,model_pages] [--budget 600] [--json PATH] [--quiet]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from benchmarks.goals import goals_for, measure

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Quick and independent first, so a slow one at the end cannot starve the others of the budget.
ORDER = ("startup", "model_pages", "leaderboard", "analysis", "hub", "evals", "faults", "replica")


@dataclass
class Outcome:
    module: str
    status: str  # "ok", "not run: ...", "failed (exit N)", "timed out after N s"
    seconds: float = 0.0
    figures: dict | None = None
    output: str = field(default="", repr=False)


def benchmark_modules() -> list[str]:
    """Modules of this package that define `main()` (helpers such as memory.py do not)."""
    found = []
    for path in HERE.glob("*.py"):
        if path.stem.startswith("_") or path.stem == "goals":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, ast.FunctionDef) and node.name == "main" for node in tree.body):
            found.append(path.stem)
    return sorted(found, key=lambda name: (ORDER.index(name) if name in ORDER else len(ORDER), name))


def supports_json(module: str) -> bool:
    return '"--json"' in (HERE / f"{module}.py").read_text(encoding="utf-8")


def run(module: str, timeout: float) -> Outcome:
    if not supports_json(module):
        return Outcome(module, "not run: no --json option")
    if timeout <= 0:
        return Outcome(module, "not run: time budget spent")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "figures.json"
        start = time.perf_counter()
        # its own process group, so a timeout also stops the crawls and browsers it started
        proc = subprocess.Popen([sys.executable, "-m", f"benchmarks.{module}", "--json", str(out)], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            stdout, _ = proc.communicate()
            return Outcome(module, f"timed out after {timeout:.0f} s", timeout, None, stdout or "")
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            return Outcome(module, f"failed (exit {proc.returncode})", seconds, None, stdout + stderr[-2000:])
        try:
            figures = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            return Outcome(module, f"failed: no JSON written ({exc.__class__.__name__})", seconds, None, stdout)
        return Outcome(module, "ok", seconds, figures, stdout)


def number(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"


def table(outcomes: list[Outcome]) -> list[tuple[str, str, str, str]]:
    rows = []
    for outcome in outcomes:
        goals = goals_for(outcome.module, outcome.figures)
        if outcome.status != "ok":
            for goal in goals or [None]:
                figure = f"{outcome.module}: {goal.figure}" if goal else outcome.module
                rows.append((figure, goal.text() if goal else "-", outcome.status, "no" if goal else "-"))
            continue
        if not goals:
            rows.append((outcome.module, "-", f"ran in {outcome.seconds:.0f} s (no goal)", "-"))
        for goal in goals:
            value = measure(goal, outcome.figures)
            if value is None:
                rows.append((f"{outcome.module}: {goal.figure}", goal.text(), "figure not in its JSON", "no"))
            else:
                rows.append((f"{outcome.module}: {goal.figure}", goal.text(), number(value) + goal.unit,
                             "yes" if goal.met(value) else "NO"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated module names (default: all)")
    parser.add_argument("--budget", type=float, default=600.0, help="seconds for the whole run")
    parser.add_argument("--json", metavar="PATH", help="also write every module's figures and the table")
    parser.add_argument("--quiet", action="store_true", help="print only the table, not each module's output")
    args = parser.parse_args()
    modules = benchmark_modules()
    if args.only:
        wanted = [name.strip() for name in args.only.split(",") if name.strip()]
        unknown = sorted(set(wanted) - set(modules))
        if unknown:
            parser.error(f"no such benchmark: {', '.join(unknown)} (have: {', '.join(modules)})")
        modules = [name for name in modules if name in wanted]
    deadline = time.monotonic() + args.budget
    outcomes = []
    for module in modules:
        print(f"== benchmarks.{module}", flush=True)
        outcome = run(module, deadline - time.monotonic())
        outcomes.append(outcome)
        if not args.quiet and outcome.output:
            print(outcome.output.rstrip())
        print(f"   {outcome.status}, {outcome.seconds:.0f} s", flush=True)
    rows = table(outcomes)
    header = ("figure", "goal", "measured", "met?")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    spent = args.budget - max(0.0, deadline - time.monotonic())
    print(f"\nissue 15 goals, one run on this machine: {spent:.0f} s of the {args.budget:.0f} s budget "
          f"(load average {os.getloadavg()[0]:.1f} at the end; other work on the machine inflates times)")
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    if args.json:
        document = {"outcomes": [asdict(o) | {"output": None} for o in outcomes],
                    "table": [dict(zip(header, row, strict=True)) for row in rows]}
        Path(args.json).write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
