"""Injected faults: latency, 5xx, stalls, truncated JSON, JSON lists in a changed shape, leaderboard
layout changes, and hostile answers (a huge body, a gzip bomb, a YAML alias bomb).

Every fault is a share of the matching requests drawn from a seeded generator, so a run is
reproducible. `path` (a regex) and `after` (skip the first N matching requests) aim a fault at one
endpoint from one point on: e.g. `error_rate=1, path="^/api/models$", after=2` fails the third list
page and every one after it.

The hostile answers are not drawn (turning one on leaves the other faults' draws as they were): they
replace every 200 answer to the requests `path` and `after` select. `yaml_bomb` answers an `eval.yaml`
with an alias bomb; `gzip_bomb_bytes`, else `oversize_bytes`, answers with the answer's own document
padded with spaces to that size (still valid JSON or YAML: a client that does not bound what it reads
takes it whole), gzip-compressed or streamed as it is.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

LEADERBOARD_MODES = ("normal", "endpoint-renamed", "layout-changed", "app-down", "data-cut")


class Draw(NamedTuple):
    """What happens to one request."""

    error: bool = False
    stall: bool = False
    malformed: bool = False
    reshaped: bool = False
    hostile: bool = False  # selected for the hostile answers (oversize, gzip bomb, YAML bomb) that are on


@dataclass
class FaultConfig:
    latency: float = 0.0  # seconds added to every response
    jitter: float = 0.0  # plus a uniform 0..jitter seconds
    error_rate: float = 0.0  # share of responses replaced by a 5xx
    error_status: int = 503
    stall_rate: float = 0.0  # share of responses that hang for `stall_seconds` first
    stall_seconds: float = 60.0
    malformed_rate: float = 0.0  # share of JSON responses cut off mid-document
    reshape_rate: float = 0.0  # share of JSON list bodies wrapped as {"models": [...]}: an API that changed shape
    path: str | None = None  # only requests whose path matches this regex get faults
    after: int = 0  # ... and only after this many matching requests
    leaderboard_mode: str = "normal"
    oversize_bytes: int = 0  # > 0: answers stream this many bytes, chunked without Content-Length
    gzip_bomb_bytes: int = 0  # > 0: answers are this many bytes gzip-compressed (Content-Encoding: gzip)
    yaml_bomb: bool = False  # eval.yaml answers are a "billion laughs" of YAML aliases (9**9 strings)
    seed: int = 0
    _rng: random.Random = field(init=False, repr=False)
    _seen: int = field(init=False, default=0, repr=False)

    def __post_init__(self) -> None:
        if self.leaderboard_mode not in LEADERBOARD_MODES:
            raise ValueError(f"leaderboard_mode must be one of {LEADERBOARD_MODES}")
        self._rng = random.Random(self.seed)
        self._pattern = re.compile(self.path) if self.path else None

    def delay(self) -> float:
        return self.latency + (self._rng.uniform(0, self.jitter) if self.jitter else 0.0)

    @property
    def hostile(self) -> bool:
        return self.oversize_bytes > 0 or self.gzip_bomb_bytes > 0 or self.yaml_bomb

    def draw(self, path: str) -> Draw:
        """What happens to one request."""
        if self._pattern is not None and not self._pattern.search(path):
            return Draw()
        self._seen += 1
        if self._seen <= self.after:
            return Draw()
        return Draw(
            self._hit(self.error_rate),
            self._hit(self.stall_rate),
            self._hit(self.malformed_rate),
            self._hit(self.reshape_rate),  # a rate of 0 draws nothing: the other faults' draws stay in place
            self.hostile,
        )

    def _hit(self, rate: float) -> bool:
        return rate >= 1.0 or (rate > 0.0 and self._rng.random() < rate)


def alias_bomb(levels: int = 9) -> str:
    """A valid `eval.yaml` whose `name` expands to 9**levels strings: each anchor a list of nine aliases
    of the one before ("billion laughs"); a few hundred bytes on the wire."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join([*lines, f"name: *a{levels - 1}", "evaluation_framework: bomb", "tasks: [{id: t}]", ""])


PAD_CHUNK = 1024 * 1024


def padding(size: int) -> Iterator[bytes]:
    """`size` bytes of spaces, a MiB at a time."""
    while size > 0:
        yield b" " * min(size, PAD_CHUNK)
        size -= PAD_CHUNK


def gzip_bomb(body: bytes, size: int) -> bytes:
    """`body` padded with spaces to `size` bytes, gzip-compressed: ~1 KiB on the wire per MiB unpacked."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: the gzip format, one member
    parts = [packer.compress(body)]
    parts += [packer.compress(chunk) for chunk in padding(size - len(body))]
    return b"".join([*parts, packer.flush()])
