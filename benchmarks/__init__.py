"""Benchmarks of issue 15's goals (`python -m benchmarks` runs them all; each module also runs alone).

The processes they measure use Python's bytecode cache as an installed llmbench does: an environment
that forbids writing it (PYTHONDONTWRITEBYTECODE, set on some shared machines) would make every measured
process compile llmbench's and the analysis's modules again, which no user's run pays. It is dropped
here, for the benchmarks' child processes, before any of them starts.
"""

import os

os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
