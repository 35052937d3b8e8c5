"""How many requests per second the replica serves here, so other benchmarks can show it is not
their bottleneck: per kind of answer, requests/s, size and errors (the one goal: no errors).

Run: python -m benchmarks.replica [--seconds 2] [--concurrency 16] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import ssl
import time
from pathlib import Path

import aiohttp

from llmbench.parsing.hub_models import API_EXPAND
from llmbench.replica.ratelimit import RateLimitConfig
from llmbench.replica.server import ReplicaThread

GOALS = {"errors": "== 0"}  # every request answered 200: a replica that fails would skew every other benchmark


async def hammer(urls: list[str], seconds: float, concurrency: int,
                 ca_file: Path | None = None) -> tuple[int, int, float, float]:
    """Requests done, non-200 answers, mean body size and elapsed seconds of `concurrency` clients."""
    done = errors = 0
    size = 0
    deadline = time.perf_counter() + seconds

    async def worker(session: aiohttp.ClientSession, offset: int) -> None:
        nonlocal done, errors, size
        i = offset
        while time.perf_counter() < deadline:
            async with session.get(urls[i % len(urls)]) as response:
                body = await response.read()
                size += len(body)
                done += 1
                errors += response.status != 200
            i += concurrency

    start = time.perf_counter()
    # Over https, trusting the replica's certificate, as huggingface.co is served; gzip accepted as clients do.
    connector = aiohttp.TCPConnector(ssl=ssl.create_default_context(cafile=ca_file)) if ca_file else None
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(worker(session, n) for n in range(concurrency)))
    return done, errors, size / max(done, 1), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=2.0, help="per case")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args()
    figures: dict[str, dict] = {}
    with ReplicaThread(tls=True, limits=RateLimitConfig(enabled=False)) as replica:
        expand = "&".join(f"expand={p}" for p in API_EXPAND)
        first = f"{replica.hub_url}/api/models?limit=500&sort=downloads&{expand}"
        ids = [r.repo_id for r in replica.catalog.real_records[:500]]
        cases = {  # key in the JSON: (label, URLs)
            "list_page": ("list page (500 models, full expand)", [first]),
            "model_page": ("model page (HTML)", [f"{replica.hub_url}/{i}" for i in ids]),
            "model_info": ("model info (API)", [f"{replica.hub_url}/api/models/{i}" for i in ids]),
            "leaderboard_json": ("leaderboard JSON (4,576 rows)", [f"{replica.app_url}api/leaderboard/formatted"]),
        }
        print(f"replica benchmark: {args.concurrency} concurrent clients, {args.seconds:g} s per case, loopback")
        for key, (label, urls) in cases.items():
            done, errors, avg_size, elapsed = asyncio.run(hammer(urls, args.seconds, args.concurrency, replica.ca_file))
            figures[key] = {"requests_per_s": round(done / elapsed, 1), "kib_per_response": round(avg_size / 1024, 1),
                            "requests": done, "errors": errors}
            print(f"  {label:38s} {done / elapsed:8.1f} req/s   {avg_size / 1024:8.1f} KiB/response   errors {errors}")
    list_models_per_s = round(figures["list_page"]["requests_per_s"] * 500)
    print(f"  list pages: {list_models_per_s:,} models/s")
    if args.json:
        document = {"cases": figures, "list_models_per_s": list_models_per_s,
                    "errors": sum(case["errors"] for case in figures.values()),
                    "seconds_per_case": args.seconds, "concurrency": args.concurrency, "goals": GOALS}
        Path(args.json).write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
