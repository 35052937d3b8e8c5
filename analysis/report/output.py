"""Where the report goes, and the only conditions under which an existing `--out` is replaced.

Harm first: `--out` is replaced only when it is absent, an empty directory, or a previous llmbench
report holding nothing the analysis did not write, at any depth: the marker file `MARKER`, written by
this module, lists every file of the report (its manifest), and any other file or directory, in
`figures/` as anywhere else, makes the analysis refuse. A report from before the manifest is judged by
the names the analysis wrote then (`LEGACY_NAMES`). `--out` is never the data directory, an ancestor
of it or inside it, `/`, the home directory or the current directory. The new report is built in a
staging directory beside `--out`; the old one is renamed aside, the new one renamed in, and only then
is the old one removed (if the swap fails the old report is put back).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

MARKER = ".llmbench-report"
# What a report written before the manifest (a marker without "files") may hold: its top-level files
# and the figures the analysis drew then, as PNG or SVG.
LEGACY_FIGURES = ("size_distribution", "size_vs_score_linear", "size_vs_score_log", "efficiency_size",
                  "efficiency_co2", "type_breakdown", "density_over_time", "community_evals")
LEGACY_NAMES = frozenset({"report.html", "results.json", "models.parquet"} |
                         {f"figures/{name}.{ext}" for name in LEGACY_FIGURES for ext in ("png", "svg")})


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
        foreign = not_written_by_analysis(target) if entries else []
        if foreign:
            raise OutputRefused(f"--out {out} holds files llmbench did not write ({', '.join(foreign[:3])}); "
                                "choose another --out or move them")
    return target


def manifest(report: Path) -> frozenset[str]:
    """The files (relative, `/`-separated) the analysis wrote into `report`, as its marker lists them."""
    try:
        listed = json.loads((report / MARKER).read_text(encoding="utf-8")).get("files")
    except (OSError, ValueError, AttributeError):
        listed = None
    if not isinstance(listed, list):
        return LEGACY_NAMES
    return frozenset(name for name in listed if isinstance(name, str))


def not_written_by_analysis(report: Path) -> list[str]:
    """Every path under `report`, at any depth, that the analysis did not write (sorted, relative).

    A file counts as the analysis's only when its manifest lists it and it is a regular file (not a
    symlink put in its place); a directory only when it holds a listed file.
    """
    ours = manifest(report)
    our_dirs = {parent.as_posix() for name in ours for parent in Path(name).parents if parent != Path(".")}
    foreign = []
    for root, dirs, files in os.walk(report):
        here = Path(root).relative_to(report)
        for name in dirs:
            relative = (here / name).as_posix()
            if relative not in our_dirs or (Path(root) / name).is_symlink():
                foreign.append(relative + "/")
        dirs[:] = [name for name in dirs if (here / name).as_posix() in our_dirs]  # no need to look inside
        for name in files:
            relative = (here / name).as_posix()
            if relative == MARKER:
                continue
            if relative not in ours or (Path(root) / name).is_symlink():
                foreign.append(relative)
    return sorted(foreign)


def publish(target: Path, build: Callable[[Path], None]) -> None:
    """Build the report into a staging directory with `build`, then swap it in for `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    staging.chmod(0o755)
    try:
        build(staging)
        files = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
        (staging / MARKER).write_text(json.dumps({"written_by": "llmbench analysis (python -m analysis)",
                                                  "pid": os.getpid(), "files": files}) + "\n", encoding="utf-8")
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
