#!/usr/bin/env bash
# Quick start, second command (and what CI runs): set up .venv with the test extra and Chromium
# (scripts/setup.sh), then run the test suite with the venv's pytest. Arguments go to pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
exec "$ROOT/.venv/bin/python" -m pytest -q "$@"
