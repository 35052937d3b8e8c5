"""Hub repo-id rules, shared by the validation pipeline and the spiders."""

from __future__ import annotations

import re

# huggingface_hub's REPO_ID_REGEX, with the namespace made mandatory (we key everything by owner/name).
_PART = r"[A-Za-z0-9](?:[\w\-.]{0,94}[A-Za-z0-9_])?"
REPO_ID = re.compile(rf"^(?P<owner>{_PART})/(?P<name>{_PART})$")
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
