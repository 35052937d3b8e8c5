"""Chromium for Playwright: find one (a configured path, Playwright's own download, or Debian's package),
the switches it runs with, and which resources its pages may skip."""

from __future__ import annotations

import glob
import os
import shutil
from pathlib import Path
from typing import Any

# Debian's chromium-headless-shell first: the same engine without the desktop browser's parts, ~200 MiB
# less PSS and ~1 s less CPU on the whole board (benchmarks/leaderboard.py). Its binary, not the
# /usr/bin shell wrapper, so Playwright's signals reach Chromium itself.
HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell"
DEBIAN_CANDIDATES = (HEADLESS_SHELL, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
INSTALL_HINT = (
    "No Chromium found for Playwright. Install one with `apt-get install -y chromium-headless-shell` (Debian) "
    "or `playwright install chromium`, or point llmbench at a binary with the CHROMIUM_EXECUTABLE "
    "setting / LLMBENCH_CHROMIUM environment variable."
)


class ChromiumNotFound(RuntimeError):
    """Raised with an install hint when no usable Chromium exists."""


# What `playwright install chromium` leaves in its cache, lightest first: the headless shell (its layout
# since Playwright 1.5x, then the older one), then the full browser.
PLAYWRIGHT_PATTERNS = (
    ("chromium_headless_shell-*/chrome-headless-shell-linux*/chrome-headless-shell",
     "chromium_headless_shell-*/chrome-linux*/headless_shell"),
    ("chromium-*/chrome-linux*/chrome",),
)


def _revision(path: str) -> int:
    """The cache's revision of a browser (`chromium-1200/chrome-linux64/chrome` is 1200), as a number."""
    revision = Path(path).parent.parent.name.rsplit("-", 1)[-1]
    return int(revision) if revision.isdigit() else -1


def playwright_chromium() -> str | None:
    """The newest headless shell `playwright install chromium` left in its cache, else its newest full
    Chromium, if any."""
    root = os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or str(Path.home() / ".cache" / "ms-playwright")
    for patterns in PLAYWRIGHT_PATTERNS:
        found = [path for pattern in patterns for path in glob.glob(os.path.join(root, pattern))
                 if os.access(path, os.X_OK)]
        if found:
            return max(found, key=_revision)
    return None


def find_chromium(configured: str | None = None) -> str:
    """`configured` when given (it must exist), else Playwright's browser, else a system Chromium."""
    if configured:
        if os.path.isfile(configured) and os.access(configured, os.X_OK):
            return configured
        raise ChromiumNotFound(f"CHROMIUM_EXECUTABLE={configured!r} is not an executable file. {INSTALL_HINT}")
    candidate = playwright_chromium()
    if candidate:
        return candidate
    for path in DEBIAN_CANDIDATES:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    on_path = shutil.which("chromium")
    if on_path:
        return on_path
    raise ChromiumNotFound(INSTALL_HINT)


# Switches for a closed network and a root user; Playwright ≥ 1.65 adds most by default. Measured on the
# whole board and left out (benchmarks/leaderboard.py, Debian's Chromium 156): --no-zygote (more PSS:
# pages no longer shared from the zygote), --in-process-gpu and --disable-site-isolation-trials (one
# process fewer each, within ~15 MiB of PSS; the latter also weakens isolation), --js-flags V8 limits
# (no gain); a second --disable-features would replace Playwright's own list. Most of Chromium's PSS
# (~430 MiB for the full browser, ~220 MiB for chromium-headless-shell) is its binary and its processes.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Images, fonts and media cost bandwidth and memory and carry no data; the document, scripts, styles and
# the app's data requests always load (PLAYWRIGHT_ABORT_REQUEST).
ABORTED_RESOURCE_TYPES = frozenset({"image", "font", "media"})


def abort_heavy_resources(request: Any) -> bool:
    return request.resource_type in ABORTED_RESOURCE_TYPES
