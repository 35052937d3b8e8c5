"""The `leaderboard` spider against the replica: wall time and PSS per process kind (python, Playwright's
node driver, Chromium) for the whole board through the browser, for `-a source=dataset`, and for the
rows of N models; optionally (--original) the original approach for the same N models: a fresh
browser per model, the name typed into the search box, the first row taken.

Run: python -m benchmarks.leaderboard [--models 100] [--latency 0] [--original] [--only whole_board] [--json PATH]
Goals (issue #15.3): whole board < 4 s and < 500 MiB PSS across all processes. Each crawl also gets
its CPU seconds per process kind and a time line from its own log (seconds since the process began):
Scrapy started (imports done), browser launched, rows in Python, closing, process tree gone.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import inherited_environment
from benchmarks.pss import TreeSampler, run_sampled
from llmbench.replica.faults import FaultConfig
from llmbench.replica.leaderboard.snapshot import formatted_rows
from llmbench.replica.ratelimit import RateLimitConfig
from llmbench.replica.server import ReplicaThread
from llmbench.storage import read_snapshot

ROOT = Path(__file__).resolve().parents[1]
HUB_LINK = 'tbody tr td a[aria-label$=" on Hugging Face Hub"]'
GOALS = {"seconds": 4.0, "peak_pss_mib": 500.0}
TIMEOUT = 300.0  # seconds per crawl before its process tree is stopped
LOG_FORMAT = "%(asctime)s.%(msecs)03d [%(name)s] %(levelname)s: %(message)s"  # milliseconds for the time line
# log line → time line mark (the first line containing it)
MARKS = {"Scrapy ": "scrapy_started", "Starting download handler": "driver_starting",
         "Browser chromium launched": "browser_launched", "leaderboard path:": "rows_in_python",
         "Closing spider": "closing", "Spider closed": "closed"}
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d (\d\d):(\d\d):(\d\d\.\d{3}) ")


def timeline(stderr: str, started: float, seconds: float) -> dict[str, float]:
    """Seconds from the process start to each mark in its log, and to the end of its process tree."""
    local = time.localtime(started)
    origin = local.tm_hour * 3600 + local.tm_min * 60 + local.tm_sec + started % 1
    marks: dict[str, float] = {}
    for line in stderr.splitlines():
        match = LOG_LINE.match(line)
        if not match:
            continue
        at = int(match[1]) * 3600 + int(match[2]) * 60 + float(match[3])
        for text, mark in MARKS.items():
            if mark not in marks and text in line[match.end():]:
                marks[mark] = round((at - origin) % 86400, 2)
    marks["tree_gone"] = round(seconds, 2)
    return marks


def spider(replica, args: dict[str, str], settings: dict[str, str]) -> dict:
    """One `scrapy crawl leaderboard` in a subprocess: rows, wall seconds, memory peaks, the crawl's own time."""
    with tempfile.TemporaryDirectory() as data:
        env = inherited_environment("HF_", "LLMBENCH_")
        env.update(replica.client_environment(),
                   LLMBENCH_DATA_DIR=data, HF_HUB_DISABLE_IMPLICIT_TOKEN="1")
        command = [sys.executable, "-m", "scrapy", "crawl", "leaderboard", "-s", "LOG_LEVEL=INFO",
                   "-s", f"LOG_FORMAT={LOG_FORMAT}"]
        for key, value in settings.items():
            command += ["-s", f"{key}={value}"]
        for key, value in args.items():
            if key == "models":
                listing = Path(data) / "models.txt"
                listing.write_text(value)
                value = str(listing)
            command += ["-a", f"{key}={value}"]
        started = time.time()
        proc, seconds, memory = run_sampled(command, timeout=TIMEOUT, cwd=ROOT, env=env)
        if proc.returncode != 0:
            print(f"  crawl {args or ''} failed (exit {proc.returncode}): {proc.stderr[-600:]}")
            return {"rows": 0, "seconds": round(seconds, 2), "failed": True, **memory.as_dict()}
        rows = read_snapshot(data, "leaderboard").num_rows
    elapsed = re.search(r"'elapsed_time_seconds': ([0-9.]+)", proc.stderr)
    return {"rows": rows, "seconds": round(seconds, 2), "crawl_seconds": float(elapsed.group(1)) if elapsed else None,
            "timeline": timeline(proc.stderr, started, seconds), **memory.as_dict()}


def original(replica, models: list[str]) -> dict:
    """A fresh browser per model, search box, first row (the original scraper's method)."""
    from playwright.sync_api import sync_playwright

    from llmbench.browser import CHROMIUM_ARGS, find_chromium

    executable, found, start = find_chromium(), 0, time.perf_counter()
    with TreeSampler(os.getpid()) as sampler, sync_playwright() as p:
        for name in models:
            browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(replica.app_url)
            page.wait_for_selector(HUB_LINK)
            page.fill("input.lb-search", name)
            page.wait_for_function("(n) => { const a = document.querySelector('tbody tr td a[aria-label$=\" on "
                                   "Hugging Face Hub\"]'); return a && a.textContent.toLowerCase().includes("
                                   "n.toLowerCase()); }", arg=name, timeout=10_000)
            first = page.locator("tbody tr.MuiTableRow-root").first
            if first.locator(HUB_LINK.split(" td ", 1)[1]).text_content() == name:
                first.locator("td").all_text_contents()
                found += 1
            browser.close()
    return {"rows": found, "seconds": round(time.perf_counter() - start, 2), **sampler.memory.as_dict()}


def report(label: str, run: dict) -> None:
    kinds = ", ".join(f"{kind} {v['peak_pss_mib']:.0f} ({v['processes']})" for kind, v in
                      sorted(run.get("kinds", {}).items()))
    memory = f"PSS {run['peak_pss_mib']:5.0f} MiB [{kinds}]"
    print(f"  {label:28s} {run['rows']:>6,} rows  {run['seconds']:6.2f} s  {memory}")
    cpu = ", ".join(f"{kind} {seconds:.2f}" for kind, seconds in run.get("cpu_s_by_kind", {}).items())
    marks = ", ".join(f"{mark} {at:.2f}" for mark, at in run.get("timeline", {}).items())
    print(f"  {'':28s} CPU {run.get('cpu_s', 0):.2f} s [{cpu}]; time line (s): {marks}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--original", action="store_true", help="also time a fresh browser per model (slow)")
    parser.add_argument("--no-pacing", action="store_true",
                        help="HUB_RATE_PACING=False, replica without quotas (default: real quotas, default pacing)")
    parser.add_argument("--only", choices=("whole_board", "dataset", "some_models"), default=None,
                        help="run this crawl alone")
    parser.add_argument("--json", type=Path, default=None, metavar="PATH", help="write the figures as JSON")
    args = parser.parse_args()
    names = sorted({r["model"]["name"] for r in formatted_rows()})
    sample = names[:: max(1, len(names) // args.models)][: args.models]
    figures: dict = {"issue_goals": GOALS, "latency_s": args.latency, "models": len(sample)}
    settings = {"HUB_RATE_PACING": "False"} if args.no_pacing else {}
    figures["pacing"] = not args.no_pacing
    limits = RateLimitConfig(enabled=not args.no_pacing)
    with ReplicaThread(tls=True, faults=FaultConfig(latency=args.latency), limits=limits) as replica:
        print(f"leaderboard benchmark: replica latency {args.latency * 1000:.0f} ms, {len(sample)} models, "
              f"pacing {'off' if args.no_pacing else 'on (defaults, real quotas)'}; peaks of the crawl's process "
              "tree, PSS per kind (processes)")
        crawls = {"whole_board": ("spider, whole board", {}),
                  "dataset": ("spider, -a source=dataset", {"source": "dataset"}),
                  "some_models": (f"spider, {len(sample)} models", {"models": "\n".join(sample)})}
        for name, (label, arguments) in crawls.items():
            if args.only in (None, name):
                figures[name] = spider(replica, arguments, settings)
                report(label, figures[name])
        if args.original:
            figures["original"] = original(replica, sample)
            report(f"original, {len(sample)} models", figures["original"])
    board = figures.get("whole_board")
    if board is None:
        print("  goals are for the whole board (--only whole_board or no --only)")
    else:
        print(f"  goals, whole board: < {GOALS['seconds']:.0f} s (got {board['seconds']:.2f} s), "
              f"< {GOALS['peak_pss_mib']:.0f} MiB PSS (got {board['peak_pss_mib']:.0f} MiB)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
