"""Benchmarks of issue 15's goals (`python -m benchmarks` runs them all; each module also runs alone).

The processes they measure use Python's bytecode cache as an installed llmbench does: an environment
that forbids writing it (PYTHONDONTWRITEBYTECODE, set on some shared machines) would make every measured
process compile llmbench's and the analysis's modules again, which no user's run pays. Each benchmark
hands its child processes `inherited_environment()`, which leaves it out; this process's own environment
is left as it is.
"""

from __future__ import annotations

import os


def inherited_environment(*dropped_prefixes: str) -> dict[str, str]:
    """This process's environment for a measured child process, without PYTHONDONTWRITEBYTECODE and
    without the variables whose names start with one of `dropped_prefixes` (the child gets its own)."""
    return {name: value for name, value in os.environ.items()
            if name != "PYTHONDONTWRITEBYTECODE" and not name.startswith(dropped_prefixes)}
