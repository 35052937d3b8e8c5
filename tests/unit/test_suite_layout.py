"""The test suite's own rules: no test module imports from another test module (shared helpers live in
conftest.py or helper modules), the tests tree never shadows the real `llmbench` package, and the two
tiers hold: tests/unit/ runs in process (no subprocess, no sleep, no wall-clock bound), every test module
lives under tests/unit/ or tests/e2e/, and every tests/e2e/ test carries the `e2e` marker."""

from __future__ import annotations

import ast
from pathlib import Path

import llmbench

TESTS = Path(__file__).resolve().parents[1]
UNIT, E2E = TESTS / "unit", TESTS / "e2e"


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
    """Without __init__.py pytest would put tests/ itself on sys.path, and tests/unit/llmbench/ would then
    shadow the real package."""
    folders = {path.parent for path in TESTS.rglob("*.py")} - {TESTS}
    assert sorted(str(f.relative_to(TESTS)) for f in folders if not (f / "__init__.py").exists()) == []


def calls(path: Path) -> set[str]:
    """Dotted names called in `path`, e.g. `time.sleep`, `time.monotonic`."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        func = getattr(node, "func", None)
        if isinstance(node, ast.Call) and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            names.add(f"{func.value.id}.{func.attr}")
    return names


def test_every_test_module_is_in_a_tier():
    """A new test goes to tests/unit/ when it runs in process, else to tests/e2e/ (README.md, "Tests")."""
    outside = [p for p in TESTS.rglob("test_*.py") if UNIT not in p.parents and E2E not in p.parents]
    assert sorted(str(p.relative_to(TESTS)) for p in outside) == []


def test_unit_tests_start_no_process_and_never_wait_on_the_clock():
    """Subprocesses, sleeps and wall-clock measurements belong to tests/e2e/; a unit test that needs time
    uses the fake clock (tests/unit/conftest.py)."""
    banned_imports = {"subprocess", "pty", "signal", "multiprocessing"}
    banned_calls = {"time.sleep", "time.monotonic", "time.time", "time.perf_counter", "os.fork", "os.system"}
    offenders = {}
    for path in sorted(UNIT.rglob("*.py")):
        imports = {name.split(".")[0] for name in imported_modules(path)}
        found = sorted(imports & banned_imports | calls(path) & banned_calls)
        if found:
            offenders[str(path.relative_to(TESTS))] = found
    assert offenders == {}


def test_every_e2e_test_is_marked(request):
    """tests/e2e/conftest.py marks each collected test `e2e`, so `-m "not e2e"` leaves the unit tier alone."""
    e2e = [item for item in request.session.items if E2E in Path(item.path).parents]
    assert [item.nodeid for item in e2e if item.get_closest_marker("e2e") is None] == []
    unit = [item for item in request.session.items if UNIT in Path(item.path).parents]
    assert [item.nodeid for item in unit if item.get_closest_marker("e2e") is not None] == []
