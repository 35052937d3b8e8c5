#!/usr/bin/env bash
# Quick start, first command: set up .venv and Chromium (scripts/setup.sh), then run the whole pipeline
# offline against the replica and print where the report is. Arguments go to `python -m llmbench.demo`
# (--data DIR, --out DIR, --limit N); by default data/ and report/ in the checkout.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
exec "$ROOT/.venv/bin/python" -m llmbench.demo "$@"
