"""Item schemas: every field's type and meaning in one place.

Each item is a dataclass whose fields carry `doc` and a pyarrow `type` in their metadata; the parquet
schema (`schema_of`), DATA.md and the quality checks are derived from these declarations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from functools import cache
from operator import attrgetter, itemgetter
from typing import Any, ClassVar

import pyarrow as pa

TIMESTAMP = pa.timestamp("ms", tz="UTC")


def column(type_: pa.DataType, doc: str, *, required: bool = False) -> Any:
    return field(default=None, metadata={"type": type_, "doc": doc, "required": required})


@dataclass
class HubModelItem:
    """One model repo as the Hub API describes it (`hub` spider → dataset `hub_models`)."""

    dataset: ClassVar[str] = "hub_models"
    key_fields: ClassVar[tuple[str, ...]] = ("model_id",)

    model_id: str = column(pa.string(), "Repo id `owner/name`, as the Hub spells it.", required=True)
    author: str = column(pa.string(), "Namespace (user or organisation).", required=True)
    license: str = column(pa.string(), "First license of the card (`cardData.license`, string or list), "
                          "else the `license:` tag; null when none is declared.")
    license_name: str = column(pa.string(), "Name of a custom license (`cardData.license_name`) when `license` "
                               "is `other`, e.g. `flux-1-dev-non-commercial-license`; else null.")
    license_link: str = column(pa.string(), "Link to that custom license (`cardData.license_link`) when "
                               "`license` is `other`; else null.")
    languages: list = column(pa.list_(pa.string()), "Card languages (`cardData.language`, string or list), "
                             "empty when none are declared.")
    pipeline_tag: str = column(pa.string(), "Task, e.g. `text-generation`.")
    library: str = column(pa.string(), "Library, e.g. `transformers`, `gguf`, `peft`.")
    tags: list = column(pa.list_(pa.string()), "All Hub tags.")
    downloads: int = column(pa.int64(), "Downloads in the last 30 days.")
    downloads_all_time: int = column(pa.int64(), "Downloads since the repo was created.")
    likes: int = column(pa.int64(), "Hub likes (hearts).")
    created_at: Any = column(TIMESTAMP, "Creation time (2022-03-02T23:29:04Z means before dates were tracked).")
    last_modified: Any = column(TIMESTAMP, "Last commit time.")
    gated: str = column(pa.string(), "`no`, `auto` or `manual`.")
    base_models: list = column(pa.list_(pa.string()), "Parent repos (`baseModels`, else `cardData.base_model`, "
                               "else the `base_model:` tags).")
    base_model_relation: str = column(pa.string(), "`finetune`, `quantized`, `adapter` or `merge` (`baseModels`, "
                                      "else a `base_model:<relation>:<id>` tag); null if none.")
    params: int = column(pa.int64(), "Parameter count; null when unknown or when the only number is an "
                         "under-reported quantized total (see `params_reported`).")
    params_source: str = column(pa.string(), "Where `params` came from: `safetensors` or `gguf`; "
                                "`safetensors-quantized` when the reported total was rejected.")
    params_reported: int = column(pa.int64(), "The raw `safetensors.total` / `gguf.total` as the Hub reports it.")
    quantized: bool = column(pa.bool_(), "Packed-integer quantized weights (GPTQ/AWQ/4-bit/8-bit): "
                             "safetensors counts each packed element once, so its total under-reports.")
    crawled_at: Any = column(TIMESTAMP, "When this row was fetched.", required=True)
    endpoint: str = column(pa.string(), "Hub endpoint that served it.", required=True)


@dataclass
class LeaderboardItem:
    """One Open LLM Leaderboard v2 row: a (model, precision, revision) evaluation (dataset `leaderboard`)."""

    dataset: ClassVar[str] = "leaderboard"
    key_fields: ClassVar[tuple[str, ...]] = ("model_id", "precision", "revision")

    model_id: str = column(pa.string(), "Repo id `owner/name` (the row's Hub link text).", required=True)
    canonical_id: str = column(pa.string(), "Where the Hub redirects `model_id` (legacy ids such as `gpt2`, "
                               "renamed repos, other letter case); null when it does not redirect.")
    precision: str = column(pa.string(), "`bfloat16`, `float16`, `4bit`, ...", required=True)
    revision: str = column(pa.string(), "Evaluated commit sha; empty string when the board has none.")
    type: str = column(pa.string(), "pretrained, continuously pretrained, fine-tuned, chat, merge, multimodal, other.")
    type_symbol: str = column(pa.string(), "The board's symbol for the type (🟢 🟩 🔶 💬 🤝 🌸 ❓).")
    weight_type: str = column(pa.string(), "`Original`, `Adapter` or `Delta`.")
    architecture: str = column(pa.string(), "e.g. `LlamaForCausalLM`; null when the board has none.")
    average: float = column(pa.float64(), "Mean of the six normalized scores (0-100).")
    ifeval_raw: float = column(pa.float64(), "IFEval raw accuracy (0-1).")
    ifeval: float = column(pa.float64(), "IFEval normalized score (0-100).")
    bbh_raw: float = column(pa.float64(), "BBH raw (0-1).")
    bbh: float = column(pa.float64(), "BBH normalized (0-100).")
    math_raw: float = column(pa.float64(), "MATH Level 5 raw (0-1).")
    math: float = column(pa.float64(), "MATH Level 5 normalized (0-100).")
    gpqa_raw: float = column(pa.float64(), "GPQA raw (0-1).")
    gpqa: float = column(pa.float64(), "GPQA normalized (0-100).")
    musr_raw: float = column(pa.float64(), "MUSR raw (0-1).")
    musr: float = column(pa.float64(), "MUSR normalized (0-100).")
    mmlu_pro_raw: float = column(pa.float64(), "MMLU-PRO raw (0-1).")
    mmlu_pro: float = column(pa.float64(), "MMLU-PRO normalized (0-100).")
    params_billions: float = column(pa.float64(), "Parameters in billions; null where the board says 0 or -1.")
    co2_kg: float = column(pa.float64(), "kg CO2 of the evaluation run (not training); null where <= 0.")
    license: str = column(pa.string(), "Hub license as recorded by the board; null when empty.")
    hearts: int = column(pa.int64(), "Hub likes as recorded by the board.")
    is_merged: bool = column(pa.bool_(), "Merged model.")
    is_moe: bool = column(pa.bool_(), "Mixture of experts.")
    is_flagged: bool = column(pa.bool_(), "Flagged by the board.")
    is_official_provider: bool = column(pa.bool_(), "Published by the model's official provider.")
    available_on_hub: bool = column(pa.bool_(), "On the Hub (the board's misnamed `is_not_available_on_hub`).")
    upload_date: str = column(pa.string(), "YYYY-MM-DD the model was uploaded; null when unknown.")
    submission_date: str = column(pa.string(), "YYYY-MM-DD submitted to the board; null when unknown.")
    generation: int = column(pa.int64(), "0 = base model, n = n steps from a base.")
    base_model: str = column(pa.string(), "Base repo id; null when `Removed` or empty.")
    base_model_is_merge: bool = column(pa.bool_(), "The board wrote `<repo> (Merge)`.")
    has_chat_template: bool = column(pa.bool_(), "Evaluated with a chat template.")
    source: str = column(pa.string(), "`json` (the app's data response), `dom` (rendered table) or `dataset`.",
                         required=True)
    crawled_at: Any = column(TIMESTAMP, "When this row was fetched.", required=True)
    url: str = column(pa.string(), "Page or file the row came from.")


@dataclass
class ModelSizeItem:
    """The parameter count of one model whose Hub metadata had none (`model_pages` → `model_sizes`)."""

    dataset: ClassVar[str] = "model_sizes"
    key_fields: ClassVar[tuple[str, ...]] = ("model_id",)

    model_id: str = column(pa.string(), "Repo id as requested (`owner/name`, or a legacy `name`).", required=True)
    canonical_id: str = column(pa.string(), "Where the Hub redirects `model_id` (legacy, renamed or other letter "
                               "case); null when it does not redirect.")
    params: int = column(pa.int64(), "The winning parameter count; null when no source could tell.")
    params_source: str = column(pa.string(), "hub_api (the total hub_models already holds), model_page_json, "
                                "model_page_text, base_model, safetensors_header (the repo's safetensors headers, "
                                "read with Range requests: exact), config, readme or name.")
    exact: bool = column(pa.bool_(), "True only for counts read from tensor metadata (page JSON, base model's); "
                         "rounded texts, config arithmetic, card statements and names are estimates.")
    reason: str = column(pa.string(), "Why `params` is null: every source tried and each one's answer, in words "
                         "(`not found`, `gated`, `file not found`, `rate limited`, `server error`).")
    candidates: list = column(pa.list_(pa.string()), "Every source considered, in precedence order, with its answer.")
    hub_params_reported: int = column(pa.int64(), "The Hub's own (rejected or missing) total, for comparison.")
    crawled_at: Any = column(TIMESTAMP, "When this row was resolved.", required=True)


@dataclass
class EvalResultItem:
    """One Community Evals result a model repo files (`.eval_results/*.yaml`, via `expand=evalResults`;
    `hub` and `benchmarks` spiders → dataset `eval_results`). Error placeholders are not rows."""

    dataset: ClassVar[str] = "eval_results"
    key_fields: ClassVar[tuple[str, ...]] = ("model_id", "dataset_id", "task_id", "filename", "pull_request", "notes")

    model_id: str = column(pa.string(), "Repo id of the model the result is filed on.", required=True)
    dataset_id: str = column(pa.string(), "Benchmark dataset id, e.g. `Idavidrein/gpqa`.", required=True)
    task_id: str = column(pa.string(), "Task id of the benchmark's eval.yaml, e.g. `diamond`.", required=True)
    value: float = column(pa.float64(), "The value as filed, never rescaled: a percentage (88.1), a fraction "
                          "(0.412) or a metric that is not a score (seconds, an error rate).", required=True)
    verified: bool = column(pa.bool_(), "The Hub marks the result verified (it carries a valid verifyToken).")
    date: str = column(pa.string(), "When the evaluation ran, as filed (ISO-8601 date or datetime); null if not given.")
    source_url: str = column(pa.string(), "Attribution link (`source.url`); null when the entry has no source.")
    source_name: str = column(pa.string(), "Attribution name (`source.name`), e.g. `Model Card`, `Eval Logs`.")
    notes: str = column(pa.string(), "Evaluation setup notes, e.g. `chain-of-thought`; null if none.")
    pull_request: int = column(pa.int64(), "Number of the open pull request the result sits in (a community "
                               "result); null when it is on the main branch.")
    filename: str = column(pa.string(), "The file in the model repo, e.g. `.eval_results/gpqa.yaml`.", required=True)
    crawled_at: Any = column(TIMESTAMP, "When this row was fetched.", required=True)


@dataclass
class BenchmarkItem:
    """One official benchmark (a dataset tagged `benchmark:official`) as its `eval.yaml` describes it
    (`benchmarks` spider → dataset `benchmarks`)."""

    dataset: ClassVar[str] = "benchmarks"
    key_fields: ClassVar[tuple[str, ...]] = ("dataset_id",)

    dataset_id: str = column(pa.string(), "Dataset repo id, e.g. `TIGER-Lab/MMLU-Pro`.", required=True)
    name: str = column(pa.string(), "Display name (`name` in eval.yaml).")
    framework: str = column(pa.string(), "`evaluation_framework` in eval.yaml, e.g. `inspect-ai`.")
    tasks: list = column(pa.list_(pa.string()), "Task ids (`tasks[].id` in eval.yaml), in file order.")
    crawled_at: Any = column(TIMESTAMP, "When this row was fetched.", required=True)


@dataclass
class BenchmarkLeaderboardItem:
    """One row of a benchmark's leaderboard, fetched with `base_model=false` so derivative models are
    included (`benchmarks` spider → dataset `benchmark_leaderboards`)."""

    dataset: ClassVar[str] = "benchmark_leaderboards"
    key_fields: ClassVar[tuple[str, ...]] = ("dataset_id", "task_id", "rank", "model_id", "value")

    dataset_id: str = column(pa.string(), "Benchmark dataset id.", required=True)
    task_id: str = column(pa.string(), "Task id where known: the benchmark's only task, else the model's filed "
                          "result with the same value and file; null otherwise (rows carry no task).")
    rank: int = column(pa.int64(), "Rank on the leaderboard as served (1 = first).")
    model_id: str = column(pa.string(), "Repo id of the model.", required=True)
    value: float = column(pa.float64(), "The value as filed, never rescaled (see eval_results.value).")
    verified: bool = column(pa.bool_(), "Verified result.")
    source_url: str = column(pa.string(), "Attribution link; null when the row has no `source`.")
    source_name: str = column(pa.string(), "Attribution name; null when the row has no `source`.")
    source_is_external: bool = column(pa.bool_(), "The source is outside the Hub (`source.isExternal`).")
    author: str = column(pa.string(), "The model's author (`author.name`).")
    author_type: str = column(pa.string(), "`org` or `user`.")
    pull_request: int = column(pa.int64(), "Open pull request holding the result (community); null if merged.")
    notes: str = column(pa.string(), "Evaluation setup notes; null if none.")
    filename: str = column(pa.string(), "The result file in the model repo.")
    crawled_at: Any = column(TIMESTAMP, "When this row was fetched.", required=True)


@dataclass
class HubModelsPage:
    """One page of the Hub's model listing as one item (`hub` spider): its HubModelItems and their
    EvalResultItems. Scrapy's per-item path (signals, pipeline awaitables) costs more per item than
    parsing a model, so the hub spider yields a page, and every pipeline and feed exporter of llmbench
    works on its rows (llmbench/pipelines/rows.py): a bad row costs that row alone, `-O` writes rows."""

    url: str
    models: list[HubModelItem] = field(default_factory=list)
    eval_results: list[EvalResultItem] = field(default_factory=list)

    def row_lists(self) -> list[list[Any]]:
        """The page's rows, one list per item class; pipelines filter these lists in place."""
        return [self.models, self.eval_results]


PAGE_CLASSES: tuple[type, ...] = (HubModelsPage,)


ITEM_CLASSES: tuple[type, ...] = (HubModelItem, LeaderboardItem, ModelSizeItem, EvalResultItem, BenchmarkItem,
                                  BenchmarkLeaderboardItem)


@cache
def field_types(item_class: type) -> tuple[tuple[str, pa.DataType], ...]:
    """(name, pyarrow type) of each field, in order; computed once per class, not per item."""
    return tuple((f.name, f.metadata["type"]) for f in fields(item_class))


def row_of(item: Any) -> dict[str, Any]:
    """An item's values as a row (a shallow read: unlike `dataclasses.asdict`, no deep copy per item)."""
    values = vars(item)
    return {name: values[name] for name, _ in field_types(type(item))}


@cache
def field_reader(item_class: type) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving an item's field values as a tuple, in field order (one C call per item)."""
    names = [name for name, _ in field_types(item_class)]
    if "__slots__" in vars(item_class):
        getter = attrgetter(*names)
        return getter if len(names) > 1 else lambda item: (getter(item),)
    from_dict = itemgetter(*names)  # the instance dict: faster than attribute lookups through the class
    return (lambda item: from_dict(vars(item))) if len(names) > 1 else lambda item: (from_dict(vars(item)),)


def columns_of(item_class: type, items: list[Any]) -> dict[str, list[Any]]:
    """Items of one class as columns, read straight from their attributes (no row dict per item)."""
    names = [name for name, _ in field_types(item_class)]
    if not items:
        return {name: [] for name in names}
    return dict(zip(names, map(list, zip(*map(field_reader(item_class), items), strict=True)), strict=True))


def schema_of(item_class: type) -> pa.Schema:
    """The explicit pyarrow schema of an item class, with field docs as metadata."""
    return pa.schema(
        [
            pa.field(f.name, f.metadata["type"], nullable=not f.metadata.get("required"),
                     metadata={"doc": f.metadata["doc"]})
            for f in fields(item_class)
        ],
        metadata={"dataset": item_class.dataset},
    )

