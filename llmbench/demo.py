"""`python -m llmbench.demo`: the whole pipeline offline (the crawls, the v1 board, then the analysis) against
the replica.

Starts the replica in this process, runs each crawl as a real `scrapy crawl` against it (exactly the
commands a user runs against huggingface.co, pointed elsewhere by HF_ENDPOINT /
LLMBENCH_LEADERBOARD_URL), and stops at the first stage that fails. It needs no checkout: scrapy finds
the project through SCRAPY_SETTINGS_MODULE, so an installed llmbench runs it from any directory.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from llmbench.__main__ import SETTINGS_MODULE
from llmbench.replica.server import ReplicaThread
from llmbench.storage import snapshots


def stages(limit: str, data_dir: Path, out: Path) -> list[tuple[str, list[str]]]:
    """(name, command) in pipeline order; each stage reads what the previous one wrote."""
    # The replica is local: no need to pace requests to stay inside the real Hub's quotas.
    crawls = [sys.executable, "-m", "scrapy", "crawlall", "--limit", limit, "-s", "HUB_RATE_PACING=False"]
    v1_board = [sys.executable, "-m", "scrapy", "crawl", "leaderboard", "-a", "board=v1"]  # the archived v1 board
    analysis = [sys.executable, "-m", "analysis", "--data", str(data_dir), "--out", str(out)]
    return [("crawls (hub → benchmarks → leaderboard → model_pages)", crawls), ("v1 board", v1_board),
            ("analysis", analysis)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m llmbench.demo", description=__doc__)
    parser.add_argument("--data", default="data", help="DATA_DIR for the crawled datasets")
    parser.add_argument("--out", default="report", help="where the analysis writes the report")
    parser.add_argument("--limit", default="all", help="models for the hub crawl (a number or 'all')")
    args = parser.parse_args(argv)
    data_dir = Path(args.data).resolve()
    out = Path(args.out).resolve()
    # Over https, as huggingface.co is served: the crawls trust the replica's throwaway certificate through
    # SSL_CERT_FILE, with certificate verification on as in every crawl.
    with ReplicaThread(tls=True) as replica:
        env = {k: v for k, v in os.environ.items() if k not in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN")}
        env.update(replica.client_environment(), LLMBENCH_DATA_DIR=str(data_dir),
                   HF_HUB_DISABLE_IMPLICIT_TOKEN="1", SCRAPY_SETTINGS_MODULE=SETTINGS_MODULE)
        print(f"replica serving at {replica.hub_url} (leaderboard app {replica.app_url})", flush=True)
        for name, command in stages(args.limit, data_dir, out):
            print(f"--- stage {name}: {' '.join(command[1:])}", flush=True)
            if subprocess.run(command, env=env).returncode != 0:
                print(f"stage {name} failed; stopping (data so far is in {data_dir})", file=sys.stderr)
                return 1
    for dataset in ("hub_models", "eval_results", "card_results", "benchmarks", "benchmark_leaderboards",
                    "leaderboard", "leaderboard_v1", "model_sizes"):
        dates = snapshots(data_dir, dataset)
        if dates:
            print(f"{dataset}: {data_dir / dataset / ('crawl_date=' + dates[-1])}")
    print(f"Done. Open the report: {out / 'report.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
