"""The replica is a stand-in for huggingface.co, not a copy of the client: it imports nothing from the
rest of llmbench, so a wrong rule in the spiders cannot be mirrored by the server they are tested against."""

from __future__ import annotations

import ast
from pathlib import Path

REPLICA = Path(__file__).resolve().parents[1] / "llmbench" / "replica"


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every absolute module a file imports (relative imports stay inside the package by construction)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            found.append((node.lineno, str(node.args[0].value)))
    return found


def test_replica_imports_nothing_from_the_rest_of_llmbench():
    modules = sorted(REPLICA.rglob("*.py"))
    assert len(modules) > 5, "the scan must see the replica's modules"
    crossing = [f"{path.relative_to(REPLICA.parent.parent)}:{line} imports {name}"
                for path in modules for line, name in imported_modules(path)
                if (name == "llmbench" or name.startswith("llmbench.")) and not (
                    name == "llmbench.replica" or name.startswith("llmbench.replica."))]
    assert crossing == []


def test_the_scan_sees_a_crossing_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from llmbench.hub import bucket_of\nimport llmbench.items\nfrom .catalog import Catalog\n")
    assert [name for _, name in imported_modules(sample)] == ["llmbench.hub", "llmbench.items"]


def test_replica_modules_stay_small():
    assert {p.name: n for p in REPLICA.rglob("*.py") if (n := len(p.read_text().splitlines())) >= 250} == {}
