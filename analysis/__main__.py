"""`python -m analysis`: the report from the crawled datasets.

    python -m analysis                                # DATA_DIR setting → report/
    python -m analysis --population leaderboard       # the whole board, not only the Hub ∩ board join
    python -m analysis --data data --out report --snapshot 2026-11-25
    python -m analysis --compare 2026-10-01           # growth since an older snapshot
    python -m analysis --top 100 --floor 10 --svg     # the study's population size, efficiency floor, SVGs

Writes report.html, results.json, figures/*.png (and *.svg with --svg) and models.parquet (the tidy
table) into --out, built in a staging directory and moved into place only when complete: bad input
leaves nothing. An existing --out is replaced only when it is an llmbench report or empty, never when
it holds or is the data (analysis/report/output.py has the rules); a refusal exits 2 and touches nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from analysis.data.read import AnalysisInputError
from analysis.data.tidy import POPULATIONS
from analysis.pipeline import DATA_DIR, HUB_ENDPOINT, Options, write_report
from analysis.report.output import OutputRefused


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=DATA_DIR, help=f"DATA_DIR with the crawled datasets (default {DATA_DIR})")
    parser.add_argument("--out", default="report", help="output directory (default report/)")
    parser.add_argument("--population", choices=POPULATIONS, default="join",
                        help="join: models on both the Hub crawl and the leaderboard (default); "
                             "leaderboard: every leaderboard model")
    parser.add_argument("--snapshot", default=None, help="crawl date YYYY-MM-DD (default: the latest)")
    parser.add_argument("--compare", default=None, metavar="OLDER",
                        help="also compare hub_models of this older crawl date with the snapshot in use "
                             "(downloads and likes growth, models added and removed)")
    parser.add_argument("--top", type=int, default=100, metavar="N",
                        help="the original study's population: top N text-generation models by downloads (100)")
    parser.add_argument("--floor", type=float, default=10.0, metavar="POINTS",
                        help="efficiency (per parameter, per kg CO2) only among models averaging at least this (10)")
    parser.add_argument("--density-score", type=float, default=30.0, metavar="POINTS",
                        help="the fixed score level drawn in the capability-density figure (30)")
    parser.add_argument("--hub-url", default=None,
                        help="base of model links (default: the endpoint the hub_models rows came from, "
                             f"else {HUB_ENDPOINT})")
    parser.add_argument("--svg", action="store_true", help="also write every figure as SVG (PNG only by default)")
    parser.add_argument("--timings", action="store_true", help=argparse.SUPPRESS)  # benchmarks/analysis.py
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    if args.top < 1:
        print("analysis: --top must be at least 1", file=sys.stderr)
        return 2
    start = time.perf_counter()
    timings: dict[str, float] = {}
    options = Options(population=args.population, snapshot=args.snapshot, compare=args.compare, svg=args.svg,
                      top=args.top, floor=args.floor, density_score=args.density_score, hub_url=args.hub_url,
                      command=[sys.executable, "-m", "analysis", *argv])  # recorded as provenance
    try:
        document = write_report(Path(args.data).expanduser(), Path(args.out), options, timings)
    except (AnalysisInputError, OutputRefused) as exc:
        print(f"analysis: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # an unwritable --out, a full disk: one line, not a traceback
        print(f"analysis: {exc.strerror or exc}: {exc.filename or args.out}", file=sys.stderr)
        return 2
    out = Path(args.out).expanduser().resolve()
    print(f"analysis: {document['n_models']:,} models ({args.population}) in {time.perf_counter() - start:.1f} s")
    print(f"report: {out / 'report.html'}")
    if args.timings:
        print("timings: " + json.dumps({k: round(v, 3) for k, v in timings.items()}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
