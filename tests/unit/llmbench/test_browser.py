"""Which Chromium the crawls use (llmbench/browser.py): a configured one, Playwright's cache (headless
shell first, newest revision), else Debian's headless shell, else its full browser."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from llmbench.browser import HEADLESS_SHELL, ChromiumNotFound, find_chromium


def executable(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_playwright_cache_headless_shell_first_newest_revision(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    full = executable(tmp_path / "chromium-1300" / "chrome-linux64" / "chrome")
    assert find_chromium() == full
    executable(tmp_path / "chromium_headless_shell-999" / "chrome-headless-shell-linux64" / "chrome-headless-shell")
    newest = executable(tmp_path / "chromium_headless_shell-1200" / "chrome-headless-shell-linux64"
                        / "chrome-headless-shell")  # 1200 > 999 as numbers, not as text
    assert find_chromium() == newest
    old_layout = executable(tmp_path / "chromium_headless_shell-1250" / "chrome-linux" / "headless_shell")
    assert find_chromium() == old_layout


def test_a_configured_path_wins_and_must_be_executable(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    executable(tmp_path / "chromium-1300" / "chrome-linux64" / "chrome")
    mine = executable(tmp_path / "mine" / "chrome")
    assert find_chromium(mine) == mine
    (tmp_path / "plain.txt").write_text("")
    with pytest.raises(ChromiumNotFound, match="is not an executable file"):
        find_chromium(str(tmp_path / "plain.txt"))


def test_debian_headless_shell_before_the_full_browser(tmp_path, monkeypatch):
    """What setup.sh installs on Debian (both packages): the crawls get the headless shell."""
    if not os.access(HEADLESS_SHELL, os.X_OK):
        debian = "ID=debian" in Path("/etc/os-release").read_text().splitlines() if Path("/etc/os-release").exists() \
            else False
        if os.environ.get("CI") and debian:
            raise AssertionError(f"setup.sh installs chromium-headless-shell; {HEADLESS_SHELL} is missing")
        pytest.skip("Debian's chromium-headless-shell is not installed here")
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))  # an empty cache
    assert find_chromium() == HEADLESS_SHELL
