#!/usr/bin/env bash
# Refresh requirements.lock: every package llmbench and its test extra need, and the build backend from
# [build-system], pinned with their hashes, resolved for every platform (uv's universal resolution) on the
# oldest Python llmbench supports. By default everything moves to the newest release within pyproject.toml's
# ranges; arguments replace that and go to `uv pip compile`, e.g. `--upgrade-package scrapy` (move one) or
# `--no-upgrade` (keep the pins, only follow an edit of pyproject.toml).
# uv is taken from PATH, or installed into a throwaway venv that is removed afterwards (never into .venv).
#   LLMBENCH_PYTHON   interpreter for that throwaway venv (default: python3)
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
PY="${LLMBENCH_PYTHON:-python3}"
LOCK="$ROOT/requirements.lock"

if command -v uv >/dev/null 2>&1; then
  UV="$(command -v uv)"
else
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' EXIT
  "$PY" -m venv "$scratch/venv"
  "$scratch/venv/bin/python" -m pip install -q --disable-pip-version-check uv
  UV="$scratch/venv/bin/uv"
fi
[ $# -gt 0 ] || set -- --upgrade

cd "$ROOT"
# The build backend is locked too, so that setup.sh can build the editable install without fetching it.
"$PY" -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]))' \
  | "$UV" pip compile pyproject.toml - --extra test --universal --python-version 3.11 --generate-hashes \
      --custom-compile-command "bash scripts/lock.sh" --quiet -o "$LOCK" "$@"
echo "llmbench lock: wrote $LOCK ($(grep -c '^[a-zA-Z]' "$LOCK") packages)"
