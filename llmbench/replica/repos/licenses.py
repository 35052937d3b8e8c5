"""Custom licenses: a repo whose card says `license: other` names the license in `license_name` and
often links it with `license_link` (docs/hub-api.md §4). The board gives `other` for 296 of its 4,576 rows;
the name and link are synthetic, chosen by model family where the family's real license is known."""

from __future__ import annotations

import random

# (substring of the lower-cased repo id, license_name the family's repos use on the Hub)
FAMILY_LICENSES = (
    ("exaone", "exaone"),
    ("qwen2.5", "qwen"),
    ("qwen2", "tongyi-qianwen"),
    ("qwen1.5", "tongyi-qianwen"),
    ("llama-3", "llama3"),
    ("llama3", "llama3"),
    ("gemma", "gemma-terms-of-use"),
    ("deepseek", "deepseek"),
    ("yi-", "yi-license"),
    ("falcon", "falcon-llm-license"),
)
OTHER_NAMES = ("openmdw-1.1", "flux-1-dev-non-commercial-license", "nvidia-open-model-license",
               "apple-ascl", "research-only", "custom")


def license_details(repo_id: str, license_: str | None, rng: random.Random) -> tuple[str | None, str | None]:
    """(`license_name`, `license_link`) of a repo: both None unless its license is `other`."""
    if license_ != "other":
        return None, None
    roll = rng.random()
    if roll < 0.2:  # some cards say `other` and nothing more
        return None, None
    lowered = repo_id.lower()
    name = next((n for key, n in FAMILY_LICENSES if key in lowered), None) or rng.choice(OTHER_NAMES)
    link_roll = rng.random()
    if link_roll < 0.45:
        return name, f"https://huggingface.co/{repo_id}/blob/main/LICENSE"
    if link_roll < 0.7:
        return name, "LICENSE"
    return name, None
