"""Hub repo-id rules, shared by the validation pipeline and the spiders."""

from __future__ import annotations

import re

# huggingface_hub's REPO_ID_REGEX (`\b[\w\-.]+\b`: starts and ends with a word character, so
# `LeroyDyer/_Spydaz_Web_AI_BIBLE_002` is valid), with the namespace made mandatory.
_PART = r"\w(?:[\w\-.]{0,94}\w)?"
REPO_ID = re.compile(rf"^(?P<owner>{_PART})/(?P<name>{_PART})$", re.ASCII)
MAX_LENGTH = 96


def repo_id_problem(value: object) -> str | None:
    """Why `value` is not a valid `owner/name` repo id, or None when it is."""
    if not isinstance(value, str) or not value:
        return "missing"
    if "/" not in value:
        return "no_namespace"
    if value.count("/") > 1:
        return "too_many_slashes"
    owner, name = value.split("/")
    if len(owner) > MAX_LENGTH or len(name) > MAX_LENGTH:
        return "too_long"
    if "--" in value or ".." in value:
        return "double_separator"
    if name.endswith(".git"):
        return "git_suffix"
    if not REPO_ID.match(value):
        return "bad_characters"
    return None


def normalize_repo_id(value: str) -> str:
    """Case-insensitive comparison key: the Hub treats repo ids case-insensitively."""
    return value.strip().lower()
