"""The test suite's own rules: no test module imports from another test module (shared helpers live in
conftest.py or helper modules), and the tests tree never shadows the real `llmbench` package."""

from __future__ import annotations

import ast
from pathlib import Path

import llmbench

TESTS = Path(__file__).resolve().parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            prefix = "." * node.level + (node.module or "")
            names.add(prefix)
            names.update(f"{prefix}.{alias.name}" if node.module else f"{prefix}{alias.name}" for alias in node.names)
    return names


def is_test_module(name: str) -> bool:
    return any(part.startswith("test_") for part in name.lstrip(".").split("."))


def test_no_test_module_imports_another():
    offenders = {str(path.relative_to(TESTS)): sorted(n for n in imported_modules(path) if is_test_module(n))
                 for path in TESTS.rglob("*.py")}
    assert {path: names for path, names in offenders.items() if names} == {}


def test_import_llmbench_is_the_real_package():
    assert Path(llmbench.__file__).resolve().parent == TESTS.parent / "llmbench"


def test_every_test_folder_is_a_package():
    """Without __init__.py pytest would put tests/ itself on sys.path, and tests/llmbench/ would then
    shadow the real package."""
    folders = {path.parent for path in TESTS.rglob("*.py")} - {TESTS}
    assert sorted(str(f.relative_to(TESTS)) for f in folders if not (f / "__init__.py").exists()) == []
