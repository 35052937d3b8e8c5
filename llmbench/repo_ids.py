"""Hub repo-id rules (huggingface_hub's `validate_repo_id`), shared by the validation pipeline and the spiders."""

from __future__ import annotations

import re

# huggingface_hub's REPO_ID_REGEX: an optional `namespace/`, then a name; each part starts and ends
# with a word character (`\b[\w\-.]+\b`, so `LeroyDyer/_Spydaz_Web_AI_BIBLE_002` is valid), ASCII only.
# Legacy ids without a namespace (`gpt2`, `bert-base-uncased`) are valid: the Hub redirects them.
_PART = r"\w(?:[\w\-.]{0,94}\w)?"
REPO_ID = re.compile(rf"^(?:(?P<owner>{_PART})/)?(?P<name>{_PART})$", re.ASCII)
MAX_LENGTH = 96


def repo_id_problem(value: object) -> str | None:
    """Why `value` is not a valid repo id (`name` or `owner/name`), or None when it is."""
    if not isinstance(value, str) or not value:
        return "missing"
    if value.count("/") > 1:
        return "too_many_slashes"
    if any(len(part) > MAX_LENGTH for part in value.split("/")):
        return "too_long"
    if "--" in value or ".." in value:
        return "double_separator"
    if value.endswith(".git"):
        return "git_suffix"
    if not REPO_ID.match(value):
        return "bad_characters"
    return None


def has_namespace(value: str) -> bool:
    """`owner/name`; a namespace-less (legacy) id needs the Hub to say where it lives now."""
    return "/" in value


def normalize_repo_id(value: str) -> str:
    """Case-insensitive comparison key: the Hub treats repo ids case-insensitively."""
    return value.strip().lower()
