#!/usr/bin/env bash
# Quick start, second command (and what CI runs): set up .venv with the test extra and Chromium
# (scripts/setup.sh), then run the test suite with the venv's pytest. Arguments go to pytest.
# Test files run in parallel (pytest-xdist, one worker per core, at most 4; each file's tests in one worker,
# so a module's crawl is shared): most end-to-end tests wait on a crawl subprocess or a rate-limit window.
# LLMBENCH_TEST_WORKERS sets the number (0: no workers, everything in this process); `-n N` overrides it.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
exec "$ROOT/.venv/bin/python" -m pytest -q -n "${LLMBENCH_TEST_WORKERS:-auto}" --maxprocesses=4 --dist=loadfile "$@"
