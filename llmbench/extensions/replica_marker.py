"""Which answers came from llmbench's offline replica, and which of their fields it made up.

The replica (llmbench/replica/provenance.py) marks every API answer with `X-Llmbench-Replica:
synthetic=<fields>[; board-scores=<datasets>]`; the real Hub sends no such header. This extension
counts marked answers and keeps the union of the listed names in stats, so the run record
(DATA_DIR/_runs) and from it the analysis's report can say the data is a replica's:

- `replica/answers`: answers carrying the header (absent: none did);
- `replica/synthetic`: comma-separated API fields the replica says it synthesised;
- `replica/board_scores`: Community Evals datasets whose results are the board's own raw scores.
"""

from __future__ import annotations

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response

HEADER = b"X-Llmbench-Replica"
KEYS = {"synthetic": "replica/synthetic", "board-scores": "replica/board_scores"}


def parse_marker(text: str) -> dict[str, set[str]]:
    """`synthetic=a,b; board-scores=c` → {"synthetic": {"a", "b"}, "board-scores": {"c"}} (unknown keys kept)."""
    out: dict[str, set[str]] = {}
    for part in text.split(";"):
        key, _, names = part.partition("=")
        if key.strip():
            out.setdefault(key.strip(), set()).update(n.strip() for n in names.split(",") if n.strip())
    return out


class ReplicaMarker:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.seen: dict[str, set[str]] = {key: set() for key in KEYS}
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
        if raw in self.headers:
            return
        self.headers.add(raw)
        parsed = parse_marker(raw.decode("latin-1"))
        for key, stat in KEYS.items():
            self.seen[key] |= parsed.get(key, set())
            self.stats.set_value(stat, ",".join(sorted(self.seen[key])))
