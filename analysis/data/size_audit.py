"""The size audit: every size checked before any per-parameter claim, each conflict classified, with the
rule that decided the size (`size_audit` = the class, `size_rule` = the rule in words).

Why: the board's `params_billions` (and the Hub's safetensors total the replica serves from it) is the
stored tensor count, so a repo saved in 4-bit bitsandbytes (two weights per uint8) reports about half
its parameters (FINGU-AI/Chocolatine-Fusion-14B at 8.37 B); adapters are counted base + adapter twice
over (a 7 B LoRA at 14.48 B); and a size read from a name (model_pages' last resort) is an estimate
that a tensor count beats (meditsolutions/Llama-3.2-SUN-1B-Instruct: "1B" in the name, 1.498 B on the
board). Detection uses tensor evidence (the Hub's dtypes, tags and `quantization_config`, folded into
`hub_models.quantized` / `params_source`), the base model's own count, the board's adapter flag and
config.json arithmetic (model_pages' `config` source); a name is only ever a witness, never the
evidence that decides alone. The first matching class decides (order of `CLASSES`).

Thresholds: a count below 3/4 of its reference (base model or name label) is the packed-4-bit
signature (totals at 0.5-0.65 of the real size, docs/model-sizes.md §2); counts within 1/4 agree.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from llmbench.parsing.sizes import size_from_name, size_labels

BELOW = 0.75  # a count under 3/4 of its reference: packed or pruned, not a fine-tune of that size
AGREE = 0.25  # within 1/4: a name label ("7B" for 7.62 B) or a base agrees with a count
ABOVE = 2.0  # a count over twice its name: up-scaled merge, adapter double count, or a wrong label
MIN_LABEL_B = 0.01  # name labels under 10 M are data or context counts ("3M" instructions, "7k" pairs)
ESTIMATES = ("model_pages:name", "model_pages:readme")
# Active parameters of well-known MoE models that carry no `A<n>B` label (Mistral AI, "Mixtral of
# experts", 2023-12-11: 46.7 B total, 12.9 B used per token; "Cheaper, Better, Faster, Stronger",
# 2024-04-17: Mixtral 8x22B, 141 B total, 39 B active).
KNOWN_ACTIVE_B = {"8x7b": 12.9, "8x22b": 39.0}
_ACTIVE = re.compile(r"^A(\d+)(?:[._](\d+))?B$", re.IGNORECASE)

# class → (action, rule); the order is the precedence
CLASSES: dict[str, tuple[str, str]] = {
    "implausible": ("excluded", "size under 10 M or over 10 T parameters (data-quality rule implausible_size)"),
    "packed_quantized": ("corrected or excluded", "the Hub's tensors are packed-quantized (integer dtypes mixed "
                         "with float, a quantization tag or quantization_config): the total under-counts; the "
                         "base model's count is used when known, else the size is excluded"),
    "adapter_double_count": ("corrected", "an adapter (board weight_type Adapter) runs on its base: the base "
                             "model's count is used (the board adds base and adapter)"),
    "estimate_vs_board": ("corrected", "a size read from the name or the card differs by more than 5 % from the "
                          "board's tensor count: the tensor count is used"),
    "packed_vs_config": ("corrected", "the board's count is below 3/4 of the config.json architecture count: "
                         "a packed total; the architecture count is used"),
    "below_base_corrected": ("corrected", "below 3/4 of its (non-merge) base model's count while the name "
                             "agrees with the base: a packed total; the base model's count is used"),
    "below_base_unconfirmed": ("excluded", "below 3/4 of its base model's count, and no name label confirms "
                               "either: size withheld from per-parameter statistics"),
    "below_base_name_agrees": ("kept", "below 3/4 of its base model's count, but its name agrees with the "
                               "count (a pruned or mislinked model): the count stands"),
    "below_name": ("excluded", "below 3/4 of its name's size label with no base model confirming the count: a "
                   "packed total is likely (pruned models are withheld too); size withheld"),
    "above_name": ("kept, flagged", "over twice its name's size label: up-scaled merges add layers; the tensor "
                   "count stands"),
    "moe_total": ("kept", "mixture of experts: total parameters (every expert) used; active parameters in "
                  "active_params_b where a name label (A<n>B) or the maker states them"),
    "checked": ("kept", "agrees with its base model's count or its name's label (within 1/4)"),
    "unchecked": ("kept", "no base model, name label or second source to check against"),
    "no_size": ("none", "no size from any source"),
}


def _name_b(model_ids: pd.Series) -> np.ndarray:
    """The name's nominal size label in billions (≥ 10 M), NaN for none or an experts×size label."""
    out = np.full(len(model_ids), np.nan)
    for i, model_id in enumerate(model_ids.tolist()):
        finding = size_from_name(model_id)
        if finding.params and "x" not in (finding.note or "") and finding.params / 1e9 >= MIN_LABEL_B:
            out[i] = finding.params / 1e9
    return out


def active_b(model_id: str) -> float | None:
    """Active parameters (billions) from an `A<n>B` label (Qwen2-57B-A14B) or a known MoE; else None."""
    for label in size_labels(model_id):
        match = _ACTIVE.match(label)
        if match:
            return float(f"{match.group(1)}.{match.group(2)}" if match.group(2) else match.group(1))
    lowered = model_id.lower()
    for key, value in KNOWN_ACTIVE_B.items():
        if re.search(rf"(?:^|[-_/]){key}(?:$|[-_.])", lowered):
            return value
    return None


def _active_of_moe(ids: pd.Series, moe: np.ndarray) -> np.ndarray:
    """Active parameters (`active_b`) of the MoE models and of names carrying an active label (a cheap
    vectorised pre-filter: `active_b` reads the labels exactly); NaN for the others."""
    out = np.full(len(ids), np.nan)
    for i in np.flatnonzero(moe):
        found = active_b(ids.iloc[i])
        out[i] = np.nan if found is None else found
    return out


def _agrees(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.isfinite(a) & np.isfinite(b) & (np.abs(a / b - 1) <= AGREE)


def audit(board: pd.DataFrame) -> pd.DataFrame:
    """The board (one row per model) with audited `params_b` and `size_audit`, `size_rule`,
    `params_b_unaudited`, `name_params_b`, `base_params_b`, `active_params_b`; `log10_params_b` and
    `score_per_b` follow the audited size. Base models are looked up in the same table (lower-cased)."""
    size = board["params_b"].to_numpy(dtype=float)
    ids = board["model_id"].astype(str)
    lowered = ids.str.lower()
    keys = board["canonical_id"].fillna(board["model_id"]).astype(str).str.lower() if "canonical_id" in board \
        else lowered
    by_id = pd.Series(size, index=keys.to_numpy())
    by_id = by_id[~by_id.index.duplicated()]
    base_ids = board["base_model"].astype("string").str.lower() if "base_model" in board \
        else pd.Series(pd.NA, index=board.index, dtype="string")
    own = (base_ids.isna() | (base_ids == lowered) | (base_ids == keys)).to_numpy(dtype=bool)
    base = np.where(own, np.nan, base_ids.map(by_id).to_numpy(dtype=float))
    name = _name_b(ids)
    source = board["size_source"].astype(str).to_numpy()
    board_b = board["board_params_b"].to_numpy(dtype=float)
    excluded_before = board["size_excluded"].astype(str).to_numpy() != "" if "size_excluded" in board \
        else np.zeros(len(board), dtype=bool)
    merged = board["is_merged"].to_numpy(dtype=bool)
    adapter = (board["weight_type"].astype(str) == "Adapter").to_numpy() if "weight_type" in board \
        else np.zeros(len(board), dtype=bool)
    quantized = board["quantized"].to_numpy(dtype=bool) & ~np.char.startswith(source.astype(str), "model_pages:")
    is_moe = board["is_moe"].to_numpy(dtype=bool)
    finite = np.isfinite(size)
    with np.errstate(invalid="ignore", divide="ignore"):
        below_base = finite & ~merged & ~adapter & (size < BELOW * base)
        below_name = finite & (size < BELOW * name)
        above_name = finite & ~is_moe & (size > ABOVE * name)
        estimate_gap = np.isin(source, ESTIMATES) & np.isfinite(board_b) & (np.abs(size / board_b - 1) > 0.05)
        packed_config = (source == "model_pages:config") & np.isfinite(board_b) & (board_b < BELOW * size)
    checked = _agrees(size, base) | _agrees(size, name)
    conditions = [
        excluded_before & (board["size_excluded"].astype(str).to_numpy() == "implausible_size"),
        quantized & finite,
        adapter & finite & np.isfinite(base) & (np.abs(size / np.where(base > 0, base, np.nan) - 1) > 0.05),
        estimate_gap,
        packed_config,
        below_base & _agrees(name, base),
        below_base & ~_agrees(size, name) & ~_agrees(name, base),
        below_base & _agrees(size, name),
        below_name & ~_agrees(size, base),
        above_name,
        is_moe & finite,
        finite & checked,
        finite,
    ]
    labels = [k for k in CLASSES if k != "no_size"]
    klass = np.select(conditions, labels, "no_size")
    audited = size.copy()
    use_base = (klass == "adapter_double_count") | (klass == "below_base_corrected") | \
        ((klass == "packed_quantized") & np.isfinite(base))
    audited[use_base] = base[use_base]
    audited[klass == "estimate_vs_board"] = board_b[klass == "estimate_vs_board"]
    withheld = np.isin(klass, ["below_base_unconfirmed", "below_name", "implausible"]) | \
        ((klass == "packed_quantized") & ~np.isfinite(base))
    audited[withheld] = np.nan
    rules = np.array([CLASSES[k][1] for k in CLASSES], dtype=object)
    out = board.assign(
        params_b_unaudited=size, name_params_b=name, base_params_b=base,
        active_params_b=_active_of_moe(ids, (klass == "moe_total") | ids.str.contains(
            r"(?i)a\d+(?:[._]\d+)?b|8x7b|8x22b", regex=True).to_numpy(dtype=bool)),
        size_audit=pd.Categorical(klass, categories=list(CLASSES)),
        size_rule=pd.Categorical.from_codes(pd.Categorical(klass, categories=list(CLASSES)).codes,
                                            categories=pd.Index(rules)))
    out["active_params_b"] = out["active_params_b"].astype(float)
    out["params_b"] = audited
    out["params"] = audited * 1e9
    with np.errstate(divide="ignore", invalid="ignore"):
        out["log10_params_b"] = np.log10(np.where(audited > 0, audited, np.nan))
        out["score_per_b"] = out["average"].to_numpy(dtype=float) / audited
    return out


def summary(table: pd.DataFrame, examples: int = 8) -> dict[str, Any]:
    """results.json `size_audit`: per class its count, action and rule, with examples (the size before
    and after, the base's and the name's); and how many sizes changed or were withheld."""
    rows = []
    counts = table["size_audit"].value_counts()
    for klass, (action, rule) in CLASSES.items():
        matched = table[(table["size_audit"] == klass).to_numpy(dtype=bool)]
        shown = matched.sort_values("average", ascending=False).head(examples)
        rows.append({"class": klass, "count": int(counts.get(klass, 0)), "action": action, "rule": rule,
                     "examples": [{"model_id": r.model_id, "size_before_b": _f(r.params_b_unaudited),
                                   "size_after_b": _f(r.params_b), "base_model_b": _f(r.base_params_b),
                                   "name_label_b": _f(r.name_params_b)} for r in shown.itertuples()]})
    before, after = table["params_b_unaudited"].to_numpy(float), table["params_b"].to_numpy(float)
    changed = np.isfinite(before) & np.isfinite(after) & (np.abs(after - before) > 1e-9)
    moe = table["is_moe"].to_numpy(dtype=bool)
    return {"method": (__doc__ or "").split("\n\n")[1].replace("\n", " "), "n_models": int(len(table)),
            "n_corrected": int(changed.sum()), "n_withheld": int((np.isfinite(before) & ~np.isfinite(after)).sum()),
            "n_moe": int(moe.sum()), "n_moe_active_known": int(np.isfinite(table["active_params_b"])[moe].sum()),
            "thresholds": {"below": BELOW, "agree": AGREE, "above": ABOVE, "min_label_b": MIN_LABEL_B},
            "classes": rows}


def _f(value: Any) -> float | None:
    return float(value) if value is not None and np.isfinite(value) else None
