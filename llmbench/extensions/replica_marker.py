"""Which answers came from llmbench's offline replica, and which of their fields it made up.

The replica (llmbench/replica/provenance.py) marks every API answer with `X-Llmbench-Replica:
synthetic=<fields>[; board-scores=<datasets>]`; the real Hub sends no such header. This extension
counts marked answers and keeps the union of the listed names in stats, so the run record
(DATA_DIR/_runs) and from it the analysis's report can say the data is a replica's:

- `replica/answers`: answers carrying the header (absent: none did);
- `replica/synthetic/<answer>`: comma-separated API fields the replica says it synthesised in that kind
  of answer (`models`, `datasets`, `leaderboard-contents`, ...; empty: nothing made up);
- `replica/board_scores`: Community Evals datasets whose results are the board's own raw scores.
"""

from __future__ import annotations

import re

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response

HEADER = b"X-Llmbench-Replica"
MAX_VALUES = 64  # distinct header values parsed (the replica sends six); more are counted, not parsed
MAX_LENGTH = 4096


def parse_marker(text: str) -> dict[str, set[str]]:
    """`answer=models; synthetic=a,b; board-scores=c` → {"answer": {"models"}, "synthetic": {"a", "b"},
    "board-scores": {"c"}} (unknown keys kept)."""
    out: dict[str, set[str]] = {}
    for part in text.split(";"):
        key, _, names = part.partition("=")
        if key.strip():
            out.setdefault(key.strip(), set()).update(n.strip() for n in names.split(",") if n.strip())
    return out


class ReplicaMarker:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.seen: dict[str, set[str]] = {}  # stat → names
        self.headers: set[bytes] = set()  # each distinct header value parsed once
        crawler.signals.connect(self.response_received, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReplicaMarker:
        return cls(crawler)

    def response_received(self, response: Response) -> None:
        raw = response.headers.get(HEADER)
        if raw is None:
            return
        self.stats.inc_value("replica/answers")
        if raw in self.headers or len(self.headers) >= MAX_VALUES:  # counted; a flood of values is not kept
            return
        self.headers.add(raw)
        parsed = parse_marker(raw.decode("latin-1")[:MAX_LENGTH])
        answer = re.sub(r"[^a-z0-9-]", "", "-".join(sorted(parsed.get("answer", set()))).lower())[:40] or "unnamed"
        stats = {f"replica/synthetic/{answer}": parsed.get("synthetic", set())}
        if "board-scores" in parsed:
            stats["replica/board_scores"] = parsed["board-scores"]
        for stat, names in stats.items():
            self.seen[stat] = self.seen.get(stat, set()) | names
            self.stats.set_value(stat, ",".join(sorted(self.seen[stat])))
