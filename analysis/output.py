"""Where the report goes, and the only conditions under which an existing `--out` is replaced.

Harm first: `--out` is replaced only when it is absent, an empty directory, or a previous llmbench
report (it holds the marker file `MARKER`, written by this module, and nothing llmbench did not
write). It is never the data directory, an ancestor of it or inside it, `/`, the home directory or
the current directory. The new report is built in a staging directory beside `--out`; the old one is
renamed aside, the new one renamed in, and only then is the old one removed (if the swap fails the
old report is put back).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

MARKER = ".llmbench-report"
REPORT_ENTRIES = frozenset({MARKER, "report.html", "results.json", "models.parquet", "figures"})


class OutputRefused(RuntimeError):
    """`--out` names something llmbench must not replace; the message says why."""


def _inside(path: Path, parent: Path) -> bool:
    return path == parent or parent in path.parents


def check_output(out: Path, data: Path) -> Path:
    """The resolved `--out`, or OutputRefused when replacing it could destroy what llmbench did not write."""
    target = out.expanduser().resolve()
    data_dir = data.expanduser().resolve()
    for name, forbidden in (("/", Path("/")), ("the home directory", Path.home().resolve()),
                            ("the current directory", Path.cwd().resolve())):
        if target == forbidden:
            raise OutputRefused(f"--out {out} is {name}; give a directory of its own, e.g. --out report")
    if _inside(data_dir, target):
        raise OutputRefused(f"--out {out} is or contains the data directory {data_dir}; choose another --out")
    if _inside(target, data_dir):
        raise OutputRefused(f"--out {out} is inside the data directory {data_dir}; choose another --out")
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise OutputRefused(f"--out {out} exists and is not a directory; choose another --out")
    if target.is_dir():
        entries = {child.name for child in target.iterdir()}
        if entries and MARKER not in entries:
            raise OutputRefused(f"--out {out} is a non-empty directory that is not an llmbench report "
                                f"(no {MARKER} file); choose another --out or empty it yourself")
        foreign = sorted(entries - REPORT_ENTRIES)
        if entries and foreign:
            raise OutputRefused(f"--out {out} holds files llmbench did not write ({', '.join(foreign[:3])}); "
                                "choose another --out or move them")
    return target


def publish(target: Path, build: Callable[[Path], None]) -> None:
    """Build the report into a staging directory with `build`, then swap it in for `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    staging.chmod(0o755)
    try:
        build(staging)
        (staging / MARKER).write_text(json.dumps({"written_by": "llmbench analysis (python -m analysis)",
                                                  "pid": os.getpid()}) + "\n", encoding="utf-8")
        aside = None
        if target.exists():
            aside = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
            os.replace(target, aside / "report")
        try:
            os.replace(staging, target)
        except BaseException:
            if aside is not None:
                os.replace(aside / "report", target)
                aside.rmdir()
            raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if aside is not None:
        shutil.rmtree(aside)
