"""`model-index` (a card's evaluation results) on the replica's repos, in the shapes real cards carry.

Real: the 230 recorded rows of 31 cards (`data/model_index_recorded.csv`, docs/model-index.md): the cards
of recorded repos that the replica serves are served as recorded (their leaderboard-bot blocks with their
stale MATH values included); the bot's templates (dataset names/types/configs/splits, metric types and
names, few-shot counts, source name and URL) are read from the recorded bot rows; the values of the
generated bot copies are the real boards' (v2: normalized score rounded to 2 decimals; v1: the archived
table's values); the authors' claims keep their recorded values and shapes (quoted numbers, decimal comma,
`NA`, `-1`, `null`, `veriefied`, `verified: true`, several entries, fractions, bare-string args, swapped task keys).

Synthetic (deterministic from the catalog's seed): which board repos carry bot blocks (v1, v2 or both),
which v2 copies are stale (MATH Lvl 5 written before the board re-scored it, as on 8 of 9 recorded v2
cards), which repos host the recorded author blocks (their own repos are not in the replica;
hosts are on both boards), and the
variants no recording shows: a metric without `type`/`name`, a `value` list, two structurally malformed
entries, and one card whose YAML does not parse (served with neither `cardData` nor `model-index`:
inferred, since the Hub can only serve what its YAML parser read).

The Hub serves the block as top-level `model-index` (model info; `expand=model-index` on lists) and inside
`cardData` (huggingface_hub issue #2025 / PR #3000: `list_models(cardData=True)` parses cardData's
`model-index`), so both carry the same value here.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Protocol

from .records import ModelRecord

RECORDED_FILE = "model_index_recorded.csv"
V1_FILE = "open_llm_leaderboard_v1_archived_2024-07-13.csv.gz"
V2_FILE = "open_llm_leaderboard_v2_formatted_2025-03-21.csv.gz"
SHARE_WITH_BOT = 0.25  # board repos whose card carries a bot block
SHARE_STALE_MATH = 0.12  # v2 copies whose MATH value predates the board's re-scoring
# The bot's benchmarks in the order it wrote them, with the board column of each (v1 table, v2 formatted CSV).
V1_COLUMNS = {"ai2_arc": "arc", "hellaswag": "hellaswag", "cais/mmlu": "mmlu", "truthful_qa": "truthfulqa",
              "winogrande": "winogrande", "gsm8k": "gsm8k"}
V2_COLUMNS = {"HuggingFaceH4/ifeval": "ifeval", "BBH": "bbh", "hendrycks/competition_math": "math",
              "Idavidrein/gpqa": "gpqa", "TAUR-Lab/MuSR": "musr", "TIGER-Lab/MMLU-Pro": "mmlu_pro"}
V1_URL = "https://huggingface.co/spaces/HuggingFaceH4/open_llm_leaderboard?query={}"
V2_URL = "https://huggingface.co/spaces/open-llm-leaderboard/open_llm_leaderboard?query={}"
BOT_SOURCE = "Open LLM Leaderboard"


class Repos(Protocol):
    seed: int

    @property
    def real_records(self) -> tuple[ModelRecord, ...]: ...
    def get(self, repo_id: str) -> ModelRecord | None: ...


@dataclass
class CardResults:
    """What was put on the catalog, for tests and docs: which repos carry what."""

    bot_v1: set[str] = field(default_factory=set)
    bot_v2: set[str] = field(default_factory=set)
    recorded: set[str] = field(default_factory=set)  # repos served with their own recorded card
    hosts: dict[str, str] = field(default_factory=dict)  # repo → recorded author card (index file id) it hosts
    stale: dict[tuple[str, str], float] = field(default_factory=dict)  # (repo, dataset type) → board value
    malformed: str | None = None  # repo whose card has the synthetic malformed entries
    unparseable: str | None = None  # repo whose card YAML does not parse


def _data(name: str) -> bytes:
    return resources.files(__package__).joinpath("data", name).read_bytes()


def _board_data(name: str) -> bytes:
    return resources.files("llmbench.replica.leaderboard").joinpath("data", name).read_bytes()


@lru_cache(maxsize=1)
def recorded_rows() -> tuple[dict[str, str], ...]:
    return tuple(csv.DictReader(io.StringIO(_data(RECORDED_FILE).decode())))


@lru_cache(maxsize=1)
def v2_board() -> dict[str, dict[str, float]]:
    """model → its first formatted row's normalized scores (0–100), by board column."""
    out: dict[str, dict[str, float]] = {}
    text = gzip.decompress(_board_data(V2_FILE)).decode()
    for row in csv.DictReader(io.StringIO(text)):
        out.setdefault(row["model_name"], {
            col: float(row[f"evaluations_{col}_normalized_score"]) for col in V2_COLUMNS.values()})
    return out


@lru_cache(maxsize=1)
def v1_board() -> dict[str, dict[str, float]]:
    """model (`fullname`) → its first archived v1 row's six scores."""
    out: dict[str, dict[str, float]] = {}
    text = gzip.decompress(_board_data(V1_FILE)).decode()
    for row in csv.DictReader(io.StringIO(text)):
        try:
            scores = {col: float(row[col]) for col in V1_COLUMNS.values()}
        except ValueError:
            continue
        out.setdefault(row["fullname"], scores)
    return out


def _value(row: dict[str, str]) -> Any:
    text, kind = row["value_as_written"], row["value_yaml_type"]
    if kind == "float":
        return float(text)
    if kind == "int":
        return int(text)
    if kind == "null":
        return None
    return text[1:-1] if len(text) > 1 and text[0] == text[-1] == '"' else text


def _result(row: dict[str, str]) -> dict[str, Any]:
    """One recorded row as a result with one metric, keys in the order the cards write them."""
    task = {"type": row["task_type"]}
    if row["task_name"]:
        task["name"] = row["task_name"]
    dataset: dict[str, Any] = {"name": row["dataset_name"], "type": row["dataset_type"]}
    for key in ("config", "split"):
        if row[f"dataset_{key}"]:
            dataset[key] = row[f"dataset_{key}"]
    if row["dataset_revision"]:
        dataset["revision"] = row["dataset_revision"].strip('"')
    other = row["dataset_args_other"]
    if row["num_few_shot"]:
        dataset["args"] = {"num_few_shot": int(row["num_few_shot"])}
    elif "=" in other:
        key, _, val = other.partition("=")
        dataset["args"] = {key: val}
    elif other:
        dataset["args"] = other  # a bare string (a language code), as 5 recorded cards write it
    metric: dict[str, Any] = {"type": row["metric_type"], "value": _value(row)}
    if row["metric_name"]:
        metric["name"] = row["metric_name"]
    if row["verified"]:  # `false`, `False` and `true` read as booleans (YAML core schema)
        metric["verified"] = row["verified"].lower() == "true"
    elif "veriefied" in row["notes"]:
        metric["veriefied"] = False
    result: dict[str, Any] = {"task": task, "dataset": dataset, "metrics": [metric]}
    if row["source_url"] or row["source_name"]:
        result["source"] = {k: row[f"source_{k}"] for k in ("url", "name") if row[f"source_{k}"]}
    return result


def _same_result(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return all(a.get(k) == b.get(k) for k in ("task", "dataset", "source"))


def recorded_cards() -> dict[str, list[dict[str, Any]]]:
    """index file id → the card's `model-index`, rebuilt from the recorded rows (consecutive rows on the
    same task, dataset and source are metrics of one result)."""
    cards: dict[str, list[dict[str, Any]]] = {}
    for row in recorded_rows():
        entries = cards.setdefault(row["index_file_id"], [])
        if not entries or entries[-1]["name"] != row["card_entry_name"]:
            entries.append({"name": row["card_entry_name"], "results": []})
        results = entries[-1]["results"]
        result = _result(row)
        if results and _same_result(results[-1], result):
            results[-1]["metrics"].extend(result["metrics"])
        else:
            results.append(result)
    return cards


@lru_cache(maxsize=1)
def bot_templates() -> dict[str, tuple[dict[str, Any], ...]]:
    """`v1`/`v2` → the bot's six results (value 0), read from one recorded card of each version."""
    out: dict[str, list[dict[str, Any]]] = {"bot_v1": [], "bot_v2": []}
    first: dict[str, str] = {}
    for row in recorded_rows():
        kind = row["kind"]
        if kind in out and first.setdefault(kind, row["index_file_id"]) == row["index_file_id"]:
            result = _result(row)
            result.pop("source")
            out[kind].append(result)
    return {"v1": tuple(out["bot_v1"]), "v2": tuple(out["bot_v2"])}


def bot_results(version: str, repo_id: str, scores: dict[str, float]) -> list[dict[str, Any]]:
    """The six results the bot wrote for `repo_id` from its board scores, rounded to 2 decimals."""
    columns, url = (V1_COLUMNS, V1_URL) if version == "v1" else (V2_COLUMNS, V2_URL)
    results = []
    for template in bot_templates()[version]:
        result = json.loads(json.dumps(template))
        result["metrics"][0]["value"] = round(scores[columns[result["dataset"]["type"]]], 2)
        result["source"] = {"url": url.format(repo_id), "name": BOT_SOURCE}
        results.append(result)
    return results


def _rng(seed: int, *parts: str) -> random.Random:
    return random.Random(seed * 1_000_003 + zlib.crc32("\x1f".join(("model-index",) + parts).encode()))


def _set(record: ModelRecord, model_index: list[Any]) -> None:
    """Serve `model-index` at the top level and in cardData, and write it into the README's front matter."""
    record.api["model-index"] = model_index
    record.api.setdefault("cardData", {})["model-index"] = model_index
    _front_matter_line(record, f"model-index: {json.dumps(model_index)}")


def _front_matter_line(record: ModelRecord, line: str) -> None:
    lines = record.readme.split("\n")
    if lines and lines[0] == "---" and "---" in lines[1:]:
        end = lines.index("---", 1)
        key = line.split(":", 1)[0] + ":"
        kept = [text for text in lines[1:end] if not text.startswith(key)]  # one line per key
        record.readme = "\n".join(lines[:1] + kept + [line] + lines[end:])


def messy_variants(short: str) -> list[Any]:
    """Synthetic shapes no recorded card shows: a metric without type or name, a `value` list, and two
    malformed entries (a `metrics` string, a `results` mapping) as legacy cards let through."""
    task = {"type": "text-generation", "name": "Text Generation"}
    return [
        {"name": short, "results": [
            {"task": task, "dataset": {"name": "GSM8K", "type": "gsm8k"}, "metrics": [{"value": 0.62}]},
            {"task": task, "dataset": {"name": "ARC", "type": "ai2_arc"},
             "metrics": [{"type": "acc", "value": [71.2, 70.8], "name": "accuracy (2 runs)"}]},
            {"task": task, "dataset": {"name": "MMLU", "type": "cais/mmlu"}, "metrics": "accuracy: 0.59"},
        ]},
        {"name": f"{short}-chat", "results": {"task": task, "dataset": {"name": "HellaSwag"}}},
    ]


UNPARSEABLE_FRONT_MATTER = "model-index:\n- name: {short}\n  results:\n\t- task: {{type: text-generation}}"


# Repos whose model info was recorded (docs/hub-api.md): each says `"model-index": null` and has no model-index in
# its cardData, so the replica serves them without one, whatever its draw would give.
RECORDED_WITHOUT_MODEL_INDEX = frozenset({"meta-llama/Llama-3.2-3B", "TheBloke/DiscoLM-120b-GPTQ",
                                          "ggml-org/gemma-3-1b-it-GGUF"})


def attach(catalog: Repos) -> CardResults:
    """Put `model-index` on the catalog's records: recorded cards, bot copies, hosted claims, variants."""
    out = CardResults()
    seed = catalog.seed
    cards = recorded_cards()
    owner_of = {row["index_file_id"]: row["model_id"] for row in recorded_rows()}
    for file_id, model_id in owner_of.items():
        record = catalog.get(model_id) if model_id else None
        if record is not None:
            _set(record, cards[file_id])
            out.recorded.add(record.repo_id)
    author_cards = sorted({row["index_file_id"] for row in recorded_rows() if row["kind"] == "author"},
                          key=lambda f: zlib.crc32(f"{seed}:{f}".encode()))
    author_cards = [f for f in author_cards if f not in {fid for fid, m in owner_of.items()
                                                          if m and catalog.get(m) is not None}]
    v1, v2 = v1_board(), v2_board()
    candidates = [r for r in catalog.real_records
                  if r.repo_id not in out.recorded and r.repo_id not in RECORDED_WITHOUT_MODEL_INDEX
                  and r.repo_id in v2 and r.repo_id in v1]  # on both boards: a hosted claim on either can meet it
    candidates.sort(key=lambda r: zlib.crc32(f"{seed}:host:{r.repo_id}".encode()))
    hosts = candidates[:len(author_cards) + 1]
    for record, file_id in zip(hosts, author_cards, strict=False):
        _set(record, json.loads(json.dumps(cards[file_id])))
        out.hosts[record.repo_id] = file_id
    messy = hosts[-1]
    # a card with nothing else the Hub derives from it (base model, gating), so only model-index is lost
    broken = next(r for r in candidates[len(hosts):] if "baseModels" not in r.api and not r.api.get("gated"))
    short = messy.repo_id.split("/", 1)[1]
    _set(messy, messy_variants(short))
    out.malformed = messy.repo_id
    broken.api.pop("cardData", None)  # the Hub could not read the YAML: no cardData, model-index null
    broken.api["model-index"] = None
    _front_matter_line(broken, UNPARSEABLE_FRONT_MATTER.format(short=broken.repo_id.split("/", 1)[1]))
    out.unparseable = broken.repo_id
    for record in catalog.real_records:
        repo_id = record.repo_id
        if repo_id in out.recorded or repo_id in (out.malformed, out.unparseable) \
                or repo_id in RECORDED_WITHOUT_MODEL_INDEX:
            continue
        rng = _rng(seed, repo_id)
        if rng.random() >= SHARE_WITH_BOT or (repo_id not in v1 and repo_id not in v2):
            continue
        roll = rng.random()
        versions = (["v1", "v2"] if roll < 0.34 else ["v1"] if roll < 0.67 else ["v2"])
        versions = [v for v in versions if repo_id in (v1 if v == "v1" else v2)] or \
            (["v2"] if repo_id in v2 else ["v1"])
        results: list[dict[str, Any]] = []
        for version in versions:
            copied = bot_results(version, repo_id, (v1 if version == "v1" else v2)[repo_id])
            if version == "v2" and rng.random() < SHARE_STALE_MATH:
                math = next(r for r in copied if r["dataset"]["type"] == "hendrycks/competition_math")
                board = math["metrics"][0]["value"]
                older = round(board * rng.uniform(0.03, 0.6), 2)
                if abs(older - board) > 0.005:  # a board score of 0 had nothing to re-score
                    math["metrics"][0]["value"] = older
                    out.stale[(repo_id, "hendrycks/competition_math")] = board
            results.extend(copied)
            (out.bot_v1 if version == "v1" else out.bot_v2).add(repo_id)
        existing = record.api.get("model-index")
        if existing:  # the bot's pull request appended its results to the author's first entry
            existing[0]["results"].extend(results)
            _set(record, existing)
        else:
            _set(record, [{"name": repo_id.split("/", 1)[1], "results": results}])
    return out
