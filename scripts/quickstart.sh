#!/usr/bin/env bash
# Quick start, first command: install everything, then run the whole pipeline offline against the replica.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
python3 -m pip install -q --disable-pip-version-check -e ".[test]"
exec python3 -m llmbench.demo "$@"
