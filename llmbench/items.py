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
class LeaderboardV1Item:
    """One row of the archived Open LLM Leaderboard v1 (2023-04 → 2024-06): a (model, precision, revision)
    evaluation on ARC, HellaSwag, MMLU, TruthfulQA, Winogrande and GSM8K (`leaderboard -a board=v1` →
    dataset `leaderboard_v1`). Other benchmarks than v2's: never mixed with `leaderboard`."""

    dataset: ClassVar[str] = "leaderboard_v1"
    key_fields: ClassVar[tuple[str, ...]] = ("model_id", "precision", "revision")

    model_id: str = column(pa.string(), "Repo id as the board spelled it (its `fullname`, the Model link's text; "
                           "a legacy id such as `gpt2` has no namespace).", required=True)
    canonical_id: str = column(pa.string(), "Where the Hub redirects a legacy `model_id` (`gpt2` → "
                               "`openai-community/gpt2`); null for ids with a namespace or that do not redirect.")
    precision: str = column(pa.string(), "`float16`, `bfloat16`, `4bit`, `8bit`, `GPTQ`.", required=True)
    revision: str = column(pa.string(), "Evaluated commit sha (`Model sha`); empty string when the board has none.")
    type: str = column(pa.string(), "pretrained, continuously pretrained, fine-tuned, chat, merge; null where the "
                       "board shows `?` and no type.")
    type_symbol: str = column(pa.string(), "The board's `T` column (🟢 🟩 🔶 💬 🤝, `?` for unknown).")
    weight_type: str = column(pa.string(), "`Original`, `Adapter` or `Delta`.")
    architecture: str = column(pa.string(), "As the board showed it, e.g. `LlamaForCausalLM`, `Unknown`, `?`; "
                               "null when empty.")
    average: float = column(pa.float64(), "Mean of the six scores (0-100, 2 decimals, `Average ⬆️`).")
    arc: float = column(pa.float64(), "ARC (25-shot), 0-100, 2 decimals.")
    hellaswag: float = column(pa.float64(), "HellaSwag (10-shot), 0-100, 2 decimals.")
    mmlu: float = column(pa.float64(), "MMLU (5-shot), 0-100, 2 decimals.")
    truthfulqa: float = column(pa.float64(), "TruthfulQA (0-shot, mc2), 0-100, 2 decimals.")
    winogrande: float = column(pa.float64(), "Winogrande (5-shot), 0-100, 2 decimals.")
    gsm8k: float = column(pa.float64(), "GSM8K (5-shot), 0-100, 2 decimals.")
    params_billions: float = column(pa.float64(), "`#Params (B)`, whole billions as the board showed them; null "
                                    "where it says 0 (unknown).")
    license: str = column(pa.string(), "`Hub License` as recorded by the board; null when empty.")
    hearts: int = column(pa.int64(), "`Hub ❤️`: Hub likes when the board last looked.")
    is_merged: bool = column(pa.bool_(), "The board's `Merged` column as shown. Probably an inverted display "
                             "column (\"not merged\": True for 5,840 of 7,169 rows; SOURCES.md, unverified).")
    is_moe: bool = column(pa.bool_(), "The board's `MoE` column as shown. Probably inverted (\"not MoE\": True "
                          "for 6,606 of 7,169 rows; unverified).")
    is_flagged: bool = column(pa.bool_(), "The board's `Flagged` column as shown. Probably inverted (the v1 app's "
                              "`not_flagged`: True for 7,060 of 7,169 rows; unverified).")
    available_on_hub: bool = column(pa.bool_(), "`Available on the hub`: the repo still existed when the board "
                                    "last looked.")
    submission_date: str = column(pa.string(), "YYYY-MM-DD of the board's `date` (submission); null when empty.")
    submitted_at: Any = column(TIMESTAMP, "The board's `date` as a time (UTC; the few without a zone are read "
                               "as UTC); null when empty or unreadable.")
    source: str = column(pa.string(), "`space_config`: the table embedded in the Space page's "
                         "`window.gradio_config`.", required=True)
    crawled_at: Any = column(TIMESTAMP, "When this row was fetched.", required=True)
    url: str = column(pa.string(), "The page the row came from.")


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
class CardResultItem:
    """One metric of a model card's `model-index` (the card's YAML results, "Eval Results (legacy)"; `hub`
    spider via `expand=model-index` → dataset `card_results`): copies the leaderboard bot wrote and the
    authors' own claims, with the value as filed and, where the scale is known, on 0–100."""

    dataset: ClassVar[str] = "card_results"
    key_fields: ClassVar[tuple[str, ...]] = ("model_id", "result_index", "metric_index")

    model_id: str = column(pa.string(), "Repo id of the model whose card files the result.", required=True)
    entry_name: str = column(pa.string(), "`model-index[].name`: the entry's model name as the card writes it "
                             "(often not the repo id; a card may have several entries).")
    result_index: int = column(pa.int64(), "Position of the result in the card, counted across entries from 0.",
                               required=True)
    metric_index: int = column(pa.int64(), "Position of the metric within its result, from 0.", required=True)
    task_type: str = column(pa.string(), "`task.type`, e.g. `text-generation` (a card that swapped type and "
                            "name, `Automatic Speech Recognition` / `automatic-speech-recognition`, is "
                            "read back the right way round).")
    task_name: str = column(pa.string(), "`task.name`, e.g. `Text Generation`; null when missing.")
    dataset_type: str = column(pa.string(), "`dataset.type`: usually a dataset id (`ai2_arc`, "
                               "`HuggingFaceH4/ifeval`), sometimes a bare word (`BBH`, `code`).")
    dataset_name: str = column(pa.string(), "`dataset.name`, e.g. `AI2 Reasoning Challenge (25-Shot)`.")
    dataset_config: str = column(pa.string(), "`dataset.config`; null when missing.")
    dataset_split: str = column(pa.string(), "`dataset.split`; null when missing.")
    dataset_revision: str = column(pa.string(), "`dataset.revision` as text; null when missing.")
    num_few_shot: int = column(pa.int64(), "`dataset.args.num_few_shot`; null when `args` is missing, a bare "
                               "string (a language code) or has no such key.")
    metric_type: str = column(pa.string(), "`metrics[].type`, e.g. `acc_norm`, `mc2`, `wer`; null when missing.")
    metric_name: str = column(pa.string(), "`metrics[].name`, e.g. `normalized accuracy`; null when missing "
                              "(the v1 bot's TruthfulQA `mc2` has none).")
    value: str = column(pa.string(), "The value as filed, as text (`72.95`, `0,857`, `NA`, `7.84%`, `-1`); "
                        "a list as JSON; null when the card says `null` or gives no value.")
    value_number: float = column(pa.float64(), "`value` as a number when it is one or a numeric string "
                                 "(decimal comma and a trailing `%` read); null otherwise.")
    value_pct: float = column(pa.float64(), "The value on 0–100 where the metric's scale is known (accuracy-"
                              "like and error-rate metrics, board copies); null otherwise, see the reason.")
    value_pct_reason: str = column(pa.string(), "How `value_pct` was obtained (`percent as filed`, `fraction "
                                   "x100`, `percent sign`) or why it is null (`placeholder -1`, `not a number: "
                                   "NA`, `no value`, `unknown scale (perplexity)`, `out of range`).", required=True)
    source_name: str = column(pa.string(), "`source.name`, e.g. `Open LLM Leaderboard`; null when missing "
                              "(most authors' cards).")
    source_url: str = column(pa.string(), "`source.url`; null when missing.")
    source_kind: str = column(pa.string(), "`board_v1_copy` (source URL on the v1 Space "
                              "`HuggingFaceH4/open_llm_leaderboard`), `board_v2_copy` (v2 Space "
                              "`open-llm-leaderboard/open_llm_leaderboard`) or `claim` (anything else).",
                              required=True)
    verified: bool = column(pa.bool_(), "`metrics[].verified` (also the misspelt `veriefied`, and `False` / "
                            "`false` as text); null when absent.")
    verify_token: str = column(pa.string(), "`metrics[].verifyToken`; null when absent.")
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
    """One page of the Hub's model listing as one item (`hub` spider): its HubModelItems, their
    EvalResultItems and CardResultItems. Scrapy's per-item path (signals, pipeline awaitables) costs more per item than
    parsing a model, so the hub spider yields a page, and every pipeline and feed exporter of llmbench
    works on its rows (llmbench/pipelines/rows.py): a bad row costs that row alone, `-O` writes rows."""

    url: str
    models: list[HubModelItem] = field(default_factory=list)
    eval_results: list[EvalResultItem] = field(default_factory=list)
    card_results: list[CardResultItem] = field(default_factory=list)

    def row_lists(self) -> list[list[Any]]:
        """The page's rows, one list per item class; pipelines filter these lists in place."""
        return [self.models, self.eval_results, self.card_results]


PAGE_CLASSES: tuple[type, ...] = (HubModelsPage,)


ITEM_CLASSES: tuple[type, ...] = (HubModelItem, LeaderboardItem, LeaderboardV1Item, ModelSizeItem, EvalResultItem,
                                  CardResultItem, BenchmarkItem, BenchmarkLeaderboardItem)


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

