"""How large each kind of answer may be, and the exception for a download llmbench refused.

Scrapy's own default (1 GiB) lets one hostile answer, or a gzip bomb, take gigabytes of memory. The
settings' DOWNLOAD_MAXSIZE (16 MiB) covers what most requests get: model info (a few KB, tens of KB with
a long card), config.json, README, a model page, a benchmark's leaderboard. The kinds below differ, and
their requests carry Scrapy's documented per-request `download_maxsize`/`download_warnsize` meta keys:
- a list page of `/api/models` with `expand` (~5 KB per model: a few MB at limit=1000) and the
  leaderboard's data (~6.2 MB of JSON for 4,576 rows, docs/leaderboard.md) or its dataset's parquet: more;
- a benchmark's `eval.yaml` (a few hundred bytes on the real Hub): far less.
The limit holds for the decompressed size too (Scrapy's HttpCompressionMiddleware honours it).
"""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest

MIB = 1024 * 1024

LARGE_ANSWER = {"download_maxsize": 64 * MIB, "download_warnsize": 16 * MIB}  # list pages, leaderboard data
EVAL_YAML = {"download_maxsize": 1 * MIB, "download_warnsize": 64 * 1024}


class DownloadRefused(IgnoreRequest):
    """A download llmbench refused (too large, or redirected off the Hub).

    Whoever raises it has already counted it and logged its one line with `fail_crawl`: an errback that
    sees it has nothing more to say (see `already_reported`).
    """


def already_reported(failure: object) -> bool:
    """True for an errback's failure that is a DownloadRefused (said and counted where it was raised)."""
    check = getattr(failure, "check", None)
    return bool(check and check(DownloadRefused))


def size_words(limit: int) -> str:
    """`67108864` → `64 MiB (67108864 bytes)`."""
    return f"{limit / MIB:g} MiB ({limit} bytes)" if limit >= MIB else f"{limit} bytes"
