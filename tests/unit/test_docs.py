"""Code cites the facts it relies on as `docs/<file>.md §n`: every such citation names a file and a
numbered section that exist, and no citation points at a file outside the repository."""

from __future__ import annotations

import re

from tests.conftest import ROOT

CITATION = re.compile(r"docs/([\w-]+\.md) §(\d+)(?:\s*[-–]\s*(\d+))?")
STALE = re.compile(r"(?<![\w/-])(hub|hub-2026|leaderboard)(\.md)? §\d")
SOURCES = ("llmbench", "analysis", "tests", "benchmarks", "scripts")


def cited_files() -> list:
    return [p for top in SOURCES for p in sorted((ROOT / top).rglob("*"))
            if p.suffix in (".py", ".js", ".css", ".sh") and p.is_file()]


def sections(doc: str) -> set[int]:
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    return {int(n) for n in re.findall(r"^## (\d+)\. ", text, re.MULTILINE)}


def test_every_citation_names_an_existing_section():
    found = 0
    for path in cited_files():
        for match in CITATION.finditer(path.read_text(encoding="utf-8", errors="replace")):
            doc, first, last = match.group(1), int(match.group(2)), int(match.group(3) or match.group(2))
            assert (ROOT / "docs" / doc).exists(), f"{path.relative_to(ROOT)} cites missing docs/{doc}"
            missing = set(range(first, last + 1)) - sections(doc)
            assert not missing, f"{path.relative_to(ROOT)} cites docs/{doc} §{sorted(missing)}, not in the file"
            found += 1
    assert found > 0


def test_no_citation_of_files_outside_the_repository():
    stale = [f"{path.relative_to(ROOT)}: {m.group(0)}" for path in cited_files()
             for m in STALE.finditer(path.read_text(encoding="utf-8", errors="replace"))]
    assert not stale, "cite docs/<file>.md §n instead of: " + "; ".join(stale)


def test_the_docs_number_their_sections_in_order():
    for doc in sorted((ROOT / "docs").glob("*.md")):
        numbers = [int(n) for n in re.findall(r"^## (\d+)\. ", doc.read_text(encoding="utf-8"), re.MULTILINE)]
        if numbers:
            assert numbers == list(range(1, len(numbers) + 1)), doc.name
