#!/usr/bin/env bash
# The project's test command (README quick start, second command; CI runs exactly this).
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 -m pytest -q "$@"
