"""analysis/ is three layers, and a number flows through them one way: data (read, join, tidy, quality
rules) -> statistics -> report. Read from the import graph (every import, also those inside functions):
data imports neither statistics nor report, statistics does not import report, no layer imports the
entry points (analysis/pipeline.py, analysis/__main__.py), and every module is in a layer but those."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

LAYERS = ("data", "statistics", "report")  # in the order data flows
ENTRY_POINTS = {"__init__.py", "__main__.py", "pipeline.py"}


def imports(path: Path, package: str) -> list[tuple[int, str]]:
    """(line, module) of every import in the file; `from a import b` also yields `a.b` (b may be a module);
    relative imports are resolved against `package`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def layer_of(module: str) -> str | None:
    """The layer an `analysis.*` module belongs to, "entry" for the entry points; None outside analysis."""
    parts = module.split(".")
    if parts[0] != "analysis" or len(parts) == 1:
        return None
    return parts[1] if parts[1] in LAYERS else "entry"


def violations(root: Path) -> list[str]:
    """Every import against the flow, and every module outside the layers, under `root`/analysis."""
    found = []
    analysis = root / "analysis"
    for path in sorted(analysis.rglob("*.py")):
        relative = path.relative_to(root)
        if path.parent == analysis:
            if path.name not in ENTRY_POINTS:
                found.append(f"{relative}: a module outside data/, statistics/, report/")
            continue
        own = relative.parts[1]
        if own not in LAYERS:
            found.append(f"{relative}: in no layer ({', '.join(LAYERS)})")
            continue
        package = ".".join(relative.with_suffix("").parts[:-1])
        for line, module in imports(path, package):
            target = layer_of(module)
            if target == "entry" or (target in LAYERS and LAYERS.index(target) > LAYERS.index(own)):
                found.append(f"{relative}:{line}: the {own} layer imports {module}")
    return sorted(set(found))


def test_data_flows_one_way_through_the_layers():
    assert violations(ROOT) == []


def test_an_import_against_the_flow_is_found(tmp_path):
    def write(name: str, text: str) -> None:
        path = tmp_path / "analysis" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    write("pipeline.py", "from analysis.report import sections\n")
    write("data/read.py", "import numpy\nfrom analysis.data import tidy\n\n\ndef f():\n"
                          "    from analysis.statistics.estimates import pearson\n")
    write("data/tidy.py", "from ..report import html\n")
    write("statistics/estimates.py", "from analysis.data.read import read_columns\nfrom analysis import report\n")
    write("statistics/groups.py", "from analysis.pipeline import Options\n")
    write("report/sections.py", "from analysis.statistics.estimates import NOT_ENOUGH\nfrom . import html\n")
    write("helpers.py", "")
    assert violations(tmp_path) == [
        "analysis/data/read.py:6: the data layer imports analysis.statistics.estimates",
        "analysis/data/read.py:6: the data layer imports analysis.statistics.estimates.pearson",
        "analysis/data/tidy.py:1: the data layer imports analysis.report",
        "analysis/data/tidy.py:1: the data layer imports analysis.report.html",
        "analysis/helpers.py: a module outside data/, statistics/, report/",
        "analysis/statistics/estimates.py:2: the statistics layer imports analysis.report",
        "analysis/statistics/groups.py:1: the statistics layer imports analysis.pipeline",
        "analysis/statistics/groups.py:1: the statistics layer imports analysis.pipeline.Options",
    ]
