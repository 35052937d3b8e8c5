"""License classification used by the open-vs-restricted comparison.

`open`: OSI-approved or public-domain-like licenses that allow commercial use and modification
without field-of-use limits. `restricted`: licenses with use restrictions, non-commercial clauses or
acceptable-use policies (Llama, Gemma, CC-BY-NC, RAIL, "other"). Anything else is `unknown` and left
out of the comparison. Matching is on the lower-cased Hub license id.
"""

from __future__ import annotations

OPEN = frozenset({
    "apache-2.0", "mit", "bsd", "bsd-2-clause", "bsd-3-clause", "bsd-3-clause-clear", "cc0-1.0", "cc-by-4.0",
    "cc-by-sa-4.0", "cc-by-3.0", "cc-by-sa-3.0", "gpl-2.0", "gpl-3.0", "lgpl-2.1", "lgpl-3.0", "agpl-3.0",
    "mpl-2.0", "unlicense", "artistic-2.0", "afl-3.0", "ecl-2.0", "epl-2.0", "isc", "wtfpl", "odc-by", "pddl",
})
RESTRICTED = frozenset({
    "llama2", "llama3", "llama3.1", "llama3.2", "llama3.3", "llama4", "gemma", "other", "cc-by-nc-4.0",
    "cc-by-nc-sa-4.0", "cc-by-nc-nd-4.0", "cc-by-nc-2.0", "cc-by-nc-3.0", "cc-by-nc-sa-3.0", "cc-by-nd-4.0",
    "openrail", "openrail++", "bigscience-openrail-m", "creativeml-openrail-m", "bigscience-bloom-rail-1.0",
    "bigcode-openrail-m", "deepseek", "apple-ascl", "tongyi-qianwen", "qwen", "falcon-llm", "cc-by-nc-sa-2.0",
})


def license_class(license_id: object) -> str:
    """`open`, `restricted` or `unknown` (also for a missing value)."""
    if not isinstance(license_id, str) or not license_id:
        return "unknown"
    key = license_id.strip().lower()
    if key in OPEN:
        return "open"
    if key in RESTRICTED:
        return "restricted"
    return "unknown"
