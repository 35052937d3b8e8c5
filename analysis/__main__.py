"""`python -m analysis`: the report from the crawled datasets.

    python -m analysis                                # DATA_DIR setting → report/
    python -m analysis --population leaderboard       # the whole board, not only the Hub ∩ board join
    python -m analysis --data data --out report --snapshot 2026-11-25
    python -m analysis --compare 2026-10-01           # growth since an older snapshot

Writes report.html, results.json, figures/*.png (and *.svg with --svg) and models.parquet (the tidy
table) into --out, built in a staging directory and moved into place only when complete: bad input
leaves nothing. An existing --out is replaced only when it is an llmbench report or empty, never when
it holds or is the data (analysis/output.py has the rules); a refusal exits 2 and touches nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from analysis.compare import compare_snapshots
from analysis.figures import draw_all
from analysis.layout import Figures
from analysis.load import POPULATIONS, AnalysisInputError, build_table
from analysis.output import OutputRefused, check_output, publish
from analysis.report import results_document, write_html
from analysis.stats import run_all
from llmbench.settings import DATA_DIR
from llmbench.storage import snapshots


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
    parser.add_argument("--timings", action="store_true", help=argparse.SUPPRESS)  # benchmarks/analysis.py
    parser.add_argument("--svg", action="store_true", help="also write every figure as SVG (PNG only by default)")
    return parser


def write_report(data: Path, out: Path, population: str, snapshot: str | None, compare: str | None = None,
                 svg: bool = False, timings: dict[str, float] | None = None) -> dict:
    timings = {} if timings is None else timings
    clock = time.perf_counter()
    target = check_output(out, data)
    table = build_table(data, population, snapshot)
    timings["read and join"] = time.perf_counter() - clock
    comparison = None
    if compare:
        newer = snapshot or (snapshots(data, "hub_models") or [None])[-1]
        if newer is None:
            raise AnalysisInputError(f"--compare needs `hub_models` snapshots under {data}")
        comparison = compare_snapshots(data, compare, newer)
    usable = table["average"].notna() & table["params_b"].notna()
    if usable.sum() < 3:
        raise AnalysisInputError(f"only {int(usable.sum())} models under {data} have both a score and a size")
    clock = time.perf_counter()
    statistics = run_all(table)
    timings["statistics"] = time.perf_counter() - clock
    results = {s["name"]: s for s in statistics}
    meta = {"population": population, "data_dir": str(data),
            "snapshots": {d: (snapshots(data, d) or [None])[-1] if snapshot is None else snapshot
                          for d in ("hub_models", "leaderboard", "model_sizes")}}
    meta["snapshots_available"] = {d: snapshots(data, d) for d in ("hub_models", "leaderboard", "model_sizes")}
    document = results_document(table, statistics, meta)
    if comparison is not None:
        document["comparison"] = comparison

    def build(staging: Path) -> None:
        clock = time.perf_counter()
        draw_all(table, results, Figures(staging / "figures", svg=svg))
        timings["figures"] = time.perf_counter() - clock
        clock = time.perf_counter()
        pq.write_table(pa.Table.from_pandas(table, preserve_index=False), staging / "models.parquet")
        (staging / "results.json").write_text(json.dumps(document, indent=1, allow_nan=False,
                                                         default=_json_default), encoding="utf-8")
        write_html(staging / "report.html", staging / "figures", results, document)
        timings["write files"] = time.perf_counter() - clock

    publish(target, build)
    return document


def _json_default(value):
    return None if value != value else str(value)  # NaN → null


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    start = time.perf_counter()
    timings: dict[str, float] = {}
    try:
        document = write_report(Path(args.data).expanduser(), Path(args.out), args.population, args.snapshot,
                                args.compare, args.svg, timings)
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
