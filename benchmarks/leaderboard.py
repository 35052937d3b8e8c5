"""The `leaderboard` spider against the replica: wall time and peak memory (crawl + browser) for the
rows of 100 models and of the whole board; and in the same run the original approach for the same
100 models (a fresh browser per model, type the name into the search box, take the first row).

Run: python -m benchmarks.leaderboard [--models 100] [--latency 0]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from benchmarks.memory import PeakSampler, run_measured
from llmbench.browser import CHROMIUM_ARGS, find_chromium
from llmbench.replica.faults import FaultConfig
from llmbench.replica.leaderboard_data import formatted_rows
from llmbench.replica.ratelimit import RateLimitConfig
from llmbench.replica.server import ReplicaThread
from llmbench.storage import read_snapshot

ROOT = Path(__file__).resolve().parents[1]
HUB_LINK = 'tbody tr td a[aria-label$=" on Hugging Face Hub"]'


def spider(replica, models: list[str] | None) -> tuple[int, float, int]:
    with tempfile.TemporaryDirectory() as data:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "LLMBENCH_"))}
        env.update(HF_ENDPOINT=replica.hub_url, LLMBENCH_LEADERBOARD_URL=replica.leaderboard_url,
                   LLMBENCH_DATA_DIR=data)
        command = [sys.executable, "-m", "scrapy", "crawl", "leaderboard", "-s", "LOG_LEVEL=WARNING"]
        if models:
            listing = Path(data) / "models.txt"
            listing.write_text("\n".join(models))
            command += ["-a", f"models={listing}"]
        proc, seconds, peak = run_measured(command, cwd=ROOT, env=env)
        if proc.returncode != 0:
            raise SystemExit(proc.stderr[-2000:])
        rows = read_snapshot(data, "leaderboard").num_rows
    return rows, seconds, peak


def original(replica, models: list[str]) -> tuple[int, float, int]:
    """A fresh browser per model, search box, first row (the original scraper's method)."""
    executable = find_chromium()
    found = 0
    start = time.perf_counter()
    with PeakSampler(os.getpid()) as sampler, sync_playwright() as p:
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
    return found, time.perf_counter() - start, sampler.peak


def report(label: str, rows: int, seconds: float, peak: int) -> None:
    print(f"  {label:24s} {rows:>6,} rows  {seconds:7.1f} s  peak {peak / 2**20:6.0f} MiB (crawl + browser)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args()
    names = sorted({r["model"]["name"] for r in formatted_rows() if "/" in r["model"]["name"]})
    sample = names[:: max(1, len(names) // args.models)][: args.models]
    with ReplicaThread(faults=FaultConfig(latency=args.latency), limits=RateLimitConfig(enabled=False)) as replica:
        print(f"leaderboard benchmark: replica latency {args.latency * 1000:.0f} ms, {len(sample)} models")
        rows, seconds, peak = spider(replica, None)
        report("spider, whole board", rows, seconds, peak)
        rows_s, seconds_s, peak_s = spider(replica, sample)
        report(f"spider, {len(sample)} models", rows_s, seconds_s, peak_s)
        found, seconds_o, peak_o = original(replica, sample)
        report(f"original, {len(sample)} models", found, seconds_o, peak_o)
        print(f"  (original: {seconds_o / len(sample):.2f} s per model)")
        print(f"  ratio original / spider for the same {len(sample)} models: {seconds_o / seconds_s:.1f}x time; "
              f"the spider got {rows_s} rows (every precision and revision), the original {found} (first row only)")


if __name__ == "__main__":
    main()
