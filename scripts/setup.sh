#!/usr/bin/env bash
# Set up what the quick start needs, and nothing else: the project venv `.venv` (llmbench editable, with
# the test extra) and a Chromium for Playwright. Nothing goes into the system interpreter. The Python packages
# are the exact, hash-checked versions in requirements.lock (README "Dependencies"). Re-running it installs only
# what is missing or out of date (the venv's stamp holds a hash of pyproject.toml and requirements.lock).
# Used by scripts/quickstart.sh and scripts/test.sh; run it alone to only set up.
#   LLMBENCH_PYTHON   interpreter that creates .venv (default: the first python3 on PATH; 3.11+)
#   LLMBENCH_CHROMIUM a Chromium the crawler should use instead of looking for one
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
VENV="$ROOT/.venv"
STAMP="$VENV/.llmbench-installed"              # hash of what was installed; written last
APT_RECORD="$VENV/llmbench-apt-packages.txt"    # apt packages this script installed (for removal)
LOCK="$ROOT/requirements.lock"                  # pinned versions with hashes (scripts/lock.sh refreshes it)
PY="${LLMBENCH_PYTHON:-python3}"

say() { echo "llmbench setup: $*"; }
have() { local found; found="$(command -v "$1" || true)"; [ -n "$found" ] && [ -x "$found" ]; }  # bash may name a non-executable
stop() { echo "llmbench setup: $*" >&2; exit 1; }

# --- what is there -------------------------------------------------------------------------------
[ -s "$LOCK" ] || stop "$LOCK is missing; restore it from git (or run bash scripts/lock.sh) and rerun"
have "$PY" || stop "no '$PY' on PATH; install Python 3.11+ (apt-get install python3) and rerun"
PY_VERSION="$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || stop "Python 3.11+ needed, '$PY' is $PY_VERSION; install python3.11 or newer and rerun with LLMBENCH_PYTHON=/path/to/it"
VENV_PACKAGE="python$PY_VERSION-venv"

venv_works() { [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import sys, pip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; }
wanted_stamp() { echo "$(cat "$ROOT/pyproject.toml" "$LOCK" | sha256sum | cut -d' ' -f1) test $("$VENV/bin/python" -V 2>&1)"; }

if [ -n "${LLMBENCH_CHROMIUM:-}" ] && [ ! -x "$LLMBENCH_CHROMIUM" ]; then
  stop "LLMBENCH_CHROMIUM=$LLMBENCH_CHROMIUM is not an executable file; fix it or unset it"
fi
# Debian's chromium-headless-shell (or Playwright's) is what the crawls use when present
# (llmbench/browser.py): the same engine, about half the memory of the desktop browser.
headless_shell_present() {
  local candidate cache="${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}"
  [ -n "${LLMBENCH_CHROMIUM:-}" ] && return 0
  for candidate in "$cache"/chromium_headless_shell-*/chrome-headless-shell-linux*/chrome-headless-shell \
      "$cache"/chromium_headless_shell-*/chrome-linux*/headless_shell /usr/lib/chromium/chromium-headless-shell; do
    [ -x "$candidate" ] && return 0
  done
  return 1
}
chromium_present() {
  local candidate
  headless_shell_present && return 0
  for candidate in "${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}"/chromium-*/chrome-linux*/chrome \
      /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
    [ -x "$candidate" ] && return 0
  done
  have chromium
}

# Debian packages Chromium; Ubuntu's `chromium` is a snap wrapper that does not run in containers, so
# there llmbench takes Playwright's own Chromium (its system libraries still come from apt).
ubuntu() { grep -qsE '^(ID|ID_LIKE)=.*ubuntu' /etc/os-release; }

# --- the plan, said in one line before anything is installed -------------------------------------
apt_packages=() plan=()
need_venv=no need_pip=no need_playwright_chromium=no
if ! venv_works; then
  need_venv=yes need_pip=yes
  if ! "$PY" -c 'import venv, ensurepip; ensurepip.version()' >/dev/null 2>&1; then apt_packages+=("$VENV_PACKAGE"); fi
elif [ "$(cat "$STAMP" 2>/dev/null)" != "$(wanted_stamp)" ]; then
  need_pip=yes
fi
if ! chromium_present; then
  if ubuntu; then need_playwright_chromium=yes; else apt_packages+=(chromium chromium-headless-shell); fi
elif ! ubuntu && ! headless_shell_present; then
  apt_packages+=(chromium-headless-shell)
fi
[ ${#apt_packages[@]} -gt 0 ] && plan+=("apt packages ${apt_packages[*]}")
[ "$need_venv" = yes ] && plan+=("a venv at $VENV")
if [ "$need_venv" = yes ]; then
  plan+=("llmbench and its Python dependencies into it (pip, ~1 GB)")
elif [ "$need_pip" = yes ]; then
  plan+=("llmbench's Python dependencies into $VENV again (pyproject.toml or requirements.lock changed)")
fi
[ "$need_playwright_chromium" = yes ] && plan+=("Playwright's Chromium into ~/.cache/ms-playwright (with its apt libraries)")
if [ ${#plan[@]} -eq 0 ]; then
  say "everything is installed and up to date ($VENV, Chromium)"
  exit 0
fi
say "installing: $(printf '%s; ' "${plan[@]}" | sed 's/; $//')"

# --- apt, as root or through sudo ----------------------------------------------------------------
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif have sudo; then sudo "$@"
  else return 127
  fi
}
if [ ${#apt_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] && ! have sudo; then
    stop "needs root for: apt-get install ${apt_packages[*]}. Run that as root (or install sudo), then rerun"
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-upgrade "${apt_packages[@]}" >/dev/null \
    || stop "could not run 'apt-get install ${apt_packages[*]}' (root, or sudo, needed); run it as root, then rerun"
fi

# --- the venv and the Python packages --------------------------------------------------------------
if [ "$need_venv" = yes ]; then
  if [ -e "$VENV" ] && [ ! -e "$STAMP" ]; then
    stop "$VENV exists but is not a working venv made by this script; remove or rename it, then rerun"
  fi
  if ! "$PY" -m venv --clear "$VENV"; then
    rm -rf "$VENV"   # half made by the line above: without it the next run would take it for a venv
    stop "'$PY -m venv' failed; install $VENV_PACKAGE (apt-get install $VENV_PACKAGE), then rerun"
  fi
fi
if [ ${#apt_packages[@]} -gt 0 ]; then printf '%s\n' "${apt_packages[@]}" >> "$APT_RECORD"; fi
if [ "$need_pip" = yes ]; then
  rm -f "$STAMP"
  # Two calls: with --require-hashes every requirement needs a hash, which the checkout itself cannot have. The
  # lock holds the build backend too, so the editable install builds without fetching anything unchecked.
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --require-hashes -r "$LOCK" \
    || stop "pip could not install the locked dependencies ($LOCK) into $VENV (see the error above)"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e "$ROOT[test]" \
    || stop "pip could not install llmbench into $VENV (see the error above)"
  wanted_stamp > "$STAMP"
fi
if [ "$need_playwright_chromium" = yes ]; then
  "$VENV/bin/python" -m playwright install --with-deps chromium \
    || stop "could not install Playwright's Chromium; install one (or set LLMBENCH_CHROMIUM) and rerun"
fi

# The crawler's own lookup must agree that a Chromium is there.
"$VENV/bin/python" -c 'import os, sys; from llmbench.browser import ChromiumNotFound, find_chromium
try:
    print("llmbench setup: Chromium at", find_chromium(os.environ.get("LLMBENCH_CHROMIUM") or None))
except ChromiumNotFound as exc:
    sys.exit(f"llmbench setup: {exc}")'

say "ready: $VENV"
