"""How many requests per second the replica serves here, so other benchmarks can show it is not
their bottleneck. Run: python -m benchmarks.replica [--seconds 5] [--concurrency 16]"""

from __future__ import annotations

import argparse
import asyncio
import time

import aiohttp

from llmbench.parsing.hub_models import API_EXPAND
from llmbench.replica.ratelimit import RateLimitConfig
from llmbench.replica.server import ReplicaThread


async def hammer(urls: list[str], seconds: float, concurrency: int) -> tuple[int, int, float]:
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
    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(worker(session, n) for n in range(concurrency)))
    return done, errors, size / max(done, 1), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    with ReplicaThread(limits=RateLimitConfig(enabled=False)) as replica:
        expand = "&".join(f"expand={p}" for p in API_EXPAND)
        first = f"{replica.hub_url}/api/models?limit=500&sort=downloads&{expand}"
        ids = [r.repo_id for r in replica.catalog.real_records[:500]]
        cases = {
            "list page (500 models, full expand)": [first],
            "model page (HTML)": [f"{replica.hub_url}/{i}" for i in ids],
            "model info (API)": [f"{replica.hub_url}/api/models/{i}" for i in ids],
            "leaderboard JSON (4,576 rows)": [f"{replica.app_url}api/leaderboard/formatted"],
        }
        print(f"replica benchmark: {args.concurrency} concurrent clients, {args.seconds:.0f} s per case, loopback")
        for name, urls in cases.items():
            done, errors, avg_size, elapsed = asyncio.run(hammer(urls, args.seconds, args.concurrency))
            print(f"  {name:38s} {done / elapsed:8.1f} req/s   {avg_size / 1024:8.1f} KiB/response   errors {errors}")


if __name__ == "__main__":
    main()
