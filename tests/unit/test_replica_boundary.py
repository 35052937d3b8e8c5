"""The replica is a stand-in for huggingface.co, not a copy of the client: it imports nothing from the
rest of llmbench, so a wrong rule in the spiders cannot be mirrored by the server they are tested against."""

from __future__ import annotations

import ast
from pathlib import Path

REPLICA = Path(__file__).resolve().parents[2] / "llmbench" / "replica"


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


def module_name(path: Path) -> str:
    parts = path.relative_to(REPLICA.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def replica_imports(path: Path) -> set[str]:
    """The replica modules a file imports, relative or absolute, `TYPE_CHECKING` blocks included."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else [])) \
                if node.level else node.module or ""
            found.update({f"{base}.{alias.name}" for alias in node.names} | {base})
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_replica_modules_import_one_another_without_a_circle():
    """A circle means two parts each need the other: what both need belongs in the module that owns it."""
    graph = {module_name(p): replica_imports(p) for p in REPLICA.rglob("*.py")}
    graph = {name: {m for m in imports if m in graph and m != name} for name, imports in graph.items()}
    done: set[str] = set()

    def circle_from(name: str, path: list[str]) -> list[str] | None:
        if name in path:
            return path[path.index(name):] + [name]
        if name in done:
            return None
        for imported in sorted(graph[name]):
            if found := circle_from(imported, [*path, name]):
                return found
        done.add(name)
        return None

    assert [found for name in sorted(graph) if (found := circle_from(name, []))][:1] == []
