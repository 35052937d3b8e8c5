"""Process locks on directories (JOBDIR, DATA_DIR): `fcntl.flock` on a lock file inside them.

The kernel releases a flock when its process ends, even by `kill -9`, so a lock file left behind never
blocks the next crawl; only a live process holds one. Locks are per process: a crawler in the same
process takes over its predecessor's (the next stage of `scrapy crawlall`, an in-process test's crawler
that never closed). The lock file holds "pid N" for the message a second process prints.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

# Lock files this process holds, by real path.
_HELD: dict[str, IO[str]] = {}


def take_lock(lock_file: Path) -> IO[str] | None:
    """Take `lock_file`'s lock for this process (held until released or the process ends); None if taken.

    OSError when the file cannot be created (its directory missing or not writable).
    """
    key = os.path.realpath(lock_file)
    if key in _HELD:
        _HELD.pop(key).close()
    handle = open(lock_file, "a+")  # noqa: SIM115 - held open for the whole crawl
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}\n")
    handle.flush()
    _HELD[key] = handle
    return handle


def release_lock(lock_file: Path) -> None:
    handle = _HELD.pop(os.path.realpath(lock_file), None)
    if handle is not None:
        handle.close()


def lock_holder(lock_file: Path) -> str | None:
    """Who holds `lock_file` ("pid N") when another live process does, else None (checks without keeping it)."""
    if not lock_file.exists() or os.path.realpath(lock_file) in _HELD:
        return None
    try:
        if take_lock(lock_file) is not None:
            release_lock(lock_file)
            return None
        return lock_file.read_text().strip() or "another process"
    except OSError:
        return None  # cannot even open it: whoever uses the directory reports why
