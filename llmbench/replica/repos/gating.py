"""Which replica repos are gated, and the `extra_gated_*` card fields they carry, following the real repos.

Recorded: meta-llama/Llama-3.2-3B is `gated: "manual"` with the card fields below
(tests/fixtures/hub-samples/model_info_meta-llama_Llama-3.2-3B.json; its recorder shortened the prompt to
"blah blah", kept here). **Inferred** (public model pages, not recordings): the other meta-llama repos are
gated the same way under their own license's name; google/gemma-* (Google's usage-license
acknowledgement), databricks/dbrx-* and tiiuae/falcon-180B* are `manual`; mistralai/*,
CohereForAI/c4ai-command-* and bigcode/starcoder* gate on shared contact details and are `auto`.
Every other repo is ungated, as most public repos are (google/flan-t5-* included; community quantized
copies of gated models are ungated too).
"""

from __future__ import annotations

import copy
from typing import Any

# (id prefix, gate), first match wins; prefixes compared case-insensitively.
GATED_PREFIXES: tuple[tuple[str, str], ...] = (
    ("meta-llama/", "manual"),
    ("google/gemma-", "manual"),
    ("databricks/dbrx-", "manual"),
    ("tiiuae/falcon-180b", "manual"),
    ("mistralai/", "auto"),
    ("cohereforai/c4ai-command-", "auto"),
    ("bigcode/starcoder", "auto"),
)

META_FIELDS = {  # recorded on meta-llama/Llama-3.2-3B
    "extra_gated_button_content": "Submit",
    "extra_gated_description": "The information you provide will be collected, stored, processed and shared in "
    "accordance with the [Meta Privacy Policy](https://www.facebook.com/privacy/policy/).",
    "extra_gated_fields": {
        "Affiliation": "text",
        "By clicking Submit below I accept the terms of the license and acknowledge that the information I provide "
        "will be collected stored processed and shared in accordance with the Meta Privacy Policy": "checkbox",
        "Country": "country",
        "Date of birth": "date_picker",
        "First Name": "text",
        "Job title": {"options": ["Student", "Research Graduate", "AI researcher", "AI developer/engineer",
                                  "Reporter", "Other"], "type": "select"},
        "Last Name": "text",
        "geo": "ip_location",
    },
}
GEMMA_FIELDS = {  # inferred from the public Gemma model pages
    "extra_gated_heading": "Access Gemma on Hugging Face",
    "extra_gated_prompt": "To access Gemma on Hugging Face, you're required to review and agree to Google's usage "
    "license. To do this, please ensure you're logged in to Hugging Face and click below. Requests are processed "
    "immediately.",
    "extra_gated_button_content": "Acknowledge license",
}
CONTACT_FIELDS = {  # inferred: the "share your contact information" gate of auto-approved repos
    "extra_gated_description": "If you want to learn more about how we process your personal data, please read "
    "our Privacy Policy.",
    "extra_gated_prompt": "You need to agree to share your contact information to access this model",
}


def gate_of(repo_id: str) -> str | bool:
    """`"manual"`, `"auto"` or False, as the real repo is gated."""
    folded = repo_id.lower()
    for prefix, gate in GATED_PREFIXES:
        if folded.startswith(prefix):
            return gate
    return False


def _license_title(license_: Any) -> str:
    name = license_[0] if isinstance(license_, list) and license_ else license_
    return str(name or "community").upper().replace("LLAMA", "LLAMA ").replace("-", " ").strip()


def gated_card_fields(repo_id: str, license_: Any) -> dict[str, Any]:
    """The `extra_gated_*` fields of a gated repo's card (empty for an ungated repo)."""
    folded = repo_id.lower()
    if not gate_of(repo_id):
        return {}
    if folded.startswith("meta-llama/"):
        fields = copy.deepcopy(META_FIELDS)
        fields["extra_gated_prompt"] = f"### {_license_title(license_)} COMMUNITY LICENSE AGREEMENT\n\n blah blah"
        return fields
    if folded.startswith("google/gemma-"):
        return dict(GEMMA_FIELDS)
    return dict(CONTACT_FIELDS)
