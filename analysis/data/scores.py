"""The score table (issue #25): every benchmark score the crawls hold, one row per value, with its
provenance, on a stated scale; and the reconciliation of model-card values with the boards.

Sources: the v2 board (`leaderboard`), the archived v1 board (`leaderboard_v1`), Community Evals
(`eval_results`, `benchmark_leaderboards`) and model cards (`card_results`); any may be absent (the
table says which were read, `Scores.missing` why not). Benchmarks are named by
analysis/data/vocabulary.py (benchmarks.csv).

Rows (scores.parquet, `COLUMNS`): the boards' rows are each model's kept evaluation (the one-row rule
of analysis/data/tidy.py); a v2 row appears twice, on its `normalized` scale (what the board shows
and the bot copies) and raw `percent` (raw score ×100, what an author's claim is comparable to).

Reconciliation (`RULES`, stated in the report and in results.json):
- copy: a card value whose source is the leaderboard (the crawl's `source_kind` board_v1_copy or
  board_v2_copy) equal to one of that board's evaluations of the model its source URL names
  (`?query=`), within rounding: |card − board| ≤ 0.005 (+ 1e-9 for float error). Counted, not a claim.
- stale or altered: such a copy that equals none of them; listed with the kept evaluation's value.
- comparable pair: an author's claim (`source_kind` claim) on a benchmark of the vocabulary, with a
  value on a raw scale, whose setup matches a measurement's (same benchmark, metric and stated
  few-shot count as the board's; against a Community Evals task, no few-shot count stated), paired
  with the board's kept evaluation (raw) or the model's verified Community Evals result; one claim
  per model, benchmark and measurement (the card's first).
- setup unstated (`UNSTATED_RULE`, reported apart, never mixed with the comparable pairs): an author's
  claim on a board benchmark of the vocabulary, on a raw scale, that states no few-shot count (most real
  claims), with the board's kept evaluation of that model on the same benchmark (raw ×100 for v2);
  the metric is not required to match and is listed as filed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.types import union_categoricals

from analysis.data.read import KEYS, read_columns
from analysis.data.tidy import one_row_per_model
from analysis.data.vocabulary import (
    NORMALIZED,
    PERCENT,
    RAW_SCALES,
    board_entries,
    card_benchmark,
    entries,
    same_setup,
    task_benchmark,
    task_scale,
)
from llmbench.storage import latest_per_key

COPY_TOLERANCE = 0.005 + 1e-9  # the bot rounds to 2 decimals; the 1e-9 absorbs float error
V2_BENCHMARKS = ("ifeval", "bbh", "math", "gpqa", "musr", "mmlu_pro")
CARD_KINDS = {"board_v1_copy": "card_copy_v1", "board_v2_copy": "card_copy_v2", "claim": "card_claim"}
SOURCE_KINDS = ("board_v1", "board_v2", "community_evals_verified", "community_evals_unverified", "card_copy_v1",
                "card_copy_v2", "card_claim")
MISSING = {
    "leaderboard": "no `leaderboard` dataset: run `scrapy crawl leaderboard`",
    "leaderboard_v1": "no `leaderboard_v1` dataset: run `scrapy crawl leaderboard -a board=v1`",
    "community_evals": "no `eval_results` or `benchmark_leaderboards` dataset: run `scrapy crawl benchmarks`",
    "card_results": "no `card_results` dataset: run `scrapy crawl hub` (it collects the cards' model-index results)",
}
COLUMNS = {
    "model_id": "the model (its canonical id: where the Hub redirects the id the source lists, else that id)",
    "benchmark": "the benchmark, in the vocabulary of docs/benchmarks-vocabulary.md; a Community Evals task the "
                 "vocabulary does not list is `<dataset_id>:<task_id>`; null for a card row it cannot name",
    "setup": "`<n>-shot`, `task <task_id>` (Community Evals: its eval.yaml sets the protocol) or `unstated`",
    "metric": "the metric (the board's for board rows, as filed otherwise)",
    "value": "the value as the source holds it (a v2 board's raw score is a 0-1 fraction)",
    "value_pct": "the value on 0-100, on the scale `scale` names; null where that scale is unknown",
    "scale": "`normalized` (v2 board: random baseline removed, and the bot's v2 copies), `percent`, "
             "`fraction ×100`, `lower is better` or null (unknown)",
    "source_kind": ", ".join(f"`{k}`" for k in SOURCE_KINDS),
    "status": "`measurement`, `unverified`, `copy`, `stale or altered`, `copy, not on the board`, `comparable`, "
              "`no measurement`, `setup differs`, `unmapped benchmark`, `no value`",
    "source_url": "where the value is published (the board's page, a result's or card entry's source link)",
    "date": "YYYY-MM-DD: the board's submission date, the Community Evals result's date, else the crawl's",
    "source_model_id": "the id the source lists (for a bot copy: the model its `?query=` names)",
    "dataset, task, num_few_shot": "the dataset id, Community Evals task id and few-shot count as filed",
}
COPY_COLUMNS = ["board", "model_id", "board_model_id", "benchmark", "card_value", "board_value", "status", "card_url",
                "board_url"]
PAIR_COLUMNS = ["model_id", "benchmark", "setup", "measured_by", "metric", "claim", "measurement", "difference",
                "author_kind", "claim_url", "measurement_url"]
UNSTATED_RULE = (
    "Setup unstated (reported apart from the comparable pairs): an author's claim on a board benchmark of the "
    "vocabulary, on a raw scale, stating no few-shot count, with the board's kept evaluation of that model on "
    "the same benchmark (raw ×100 for v2, never the normalized score); the metric need not match (listed as "
    "filed), so a difference may be the setup's and not the model's.")
RULES = [
    "Copy: a card value whose source is the leaderboard, equal to one of that board's evaluations of the model "
    "its source URL names within rounding (|card − board| ≤ 0.005). Counted, never treated as a claim.",
    "Stale or altered: a leaderboard copy equal to none of the board's evaluations (the board re-scored, or the "
    "card was edited); listed with the board's kept evaluation.",
    "Comparable pair: an author's claim on a vocabulary benchmark, same metric and the same stated few-shot count "
    "as the board (against a Community Evals task: no few-shot count stated), with the board's raw score ×100 "
    "(never its normalized one) or the model's verified Community Evals result; one claim per model, benchmark "
    "and measurement (the card's first).",
    UNSTATED_RULE,
    "Benchmarks are kept apart unless their items and setup match (docs/benchmarks-vocabulary.md): the v1 and v2 "
    "boards share none.",
]


@dataclass
class Scores:
    """The score table and its reconciliation."""

    table: pd.DataFrame
    copies: pd.DataFrame  # the cards' leaderboard copies with the board's value
    pairs: pd.DataFrame  # claims against an independent measurement
    unstated: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PAIR_COLUMNS))  # no shots stated
    read: list[str] = field(default_factory=list)  # the sources read
    missing: dict[str, str] = field(default_factory=dict)  # source -> why absent


def _key(ids: pd.Series) -> pd.Series:
    return ids.astype("string").str.lower()


def _canonical(frame: pd.DataFrame) -> pd.Series:
    ids = frame["model_id"].astype("string")
    return frame["canonical_id"].astype("string").fillna(ids) if "canonical_id" in frame else ids


def _read_board(data: Path, snapshot: str | None, dataset: str, columns: list[str]) -> pd.DataFrame | None:
    table = read_columns(data, dataset, columns, snapshot, required=False, optional=tuple(columns))
    if table is None:
        return None
    table = latest_per_key(table, KEYS[dataset])  # a re-crawled evaluation once, its latest crawl
    frame = table.to_pandas()
    kept = one_row_per_model(table).select(["model_id", "precision", "revision"]).to_pandas()
    frame["kept"] = frame.set_index(["model_id", "precision", "revision"]).index.isin(
        kept.set_index(["model_id", "precision", "revision"]).index)
    frame["model"] = _canonical(frame)
    frame["key"] = _key(frame["model"])
    return frame


def _board_long(frame: pd.DataFrame, version: str) -> pd.DataFrame:
    """Every evaluation's value per benchmark (`kept` marks the one-row rule's row); v2 twice (normalized, raw).

    Built column-wise with categoricals (a board of N rows gives up to 12 N of them, each repeating its
    model, link and date): numbers are concatenated once, text is codes into the board's own values."""
    v2 = version == "board_v2"
    columns = []  # (entry, board column, scale, factor)
    for entry in board_entries(version):
        columns.append((entry, entry.board_column, NORMALIZED if v2 else PERCENT, 1.0))
        if v2:
            columns.append((entry, entry.board_column + "_raw", PERCENT, 100.0))
    n = len(frame)
    values = np.concatenate([pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype=float) for _, c, _, _ in columns])
    which = np.repeat(np.arange(len(columns)), n)
    rows = np.tile(np.arange(n), len(columns))
    keep = ~np.isnan(values)
    values, which, rows = values[keep], which[keep], rows[keep]
    factors = np.array([factor for *_, factor in columns])[which]

    def per_column(get) -> pd.Categorical:  # one value per board column, as a categorical over the rows
        categories = list(dict.fromkeys(v for v in (get(c) for c in columns) if v is not None))
        index = {v: i for i, v in enumerate(categories)}
        codes = np.array([index.get(get(c), -1) for c in columns], dtype=np.int32)[which]  # -1: missing
        return pd.Categorical.from_codes(codes, categories=categories)

    def per_row(series: pd.Series) -> pd.Categorical:  # one value per evaluation, repeated over its benchmarks
        return pd.Categorical(series).take(rows)

    date = frame["submission_date"].astype("string").str.slice(0, 10)
    return pd.DataFrame({
        "model_id": per_row(frame["model"]), "key": per_row(frame["key"]),
        "benchmark": per_column(lambda c: c[0].benchmark), "setup": per_column(lambda c: c[0].setup),
        "metric": per_column(lambda c: c[0].metrics[0]), "value": values, "value_pct": values * factors,
        "scale": per_column(lambda c: c[2]), "source_kind": pd.Categorical.from_codes(np.zeros(len(rows), np.int8),
                                                                                      [version]),
        "status": pd.Categorical.from_codes(np.zeros(len(rows), np.int8), ["measurement"]),
        "source_url": per_row(frame["url"]), "date": per_row(date), "source_model_id": per_row(frame["model_id"]),
        "dataset": per_column(lambda c: c[0].dataset_ids[0]), "task": None,
        "num_few_shot": np.array([np.nan if c[0].num_few_shot is None else c[0].num_few_shot
                                  for c in columns], dtype=float)[which],
        "kept": frame["kept"].to_numpy()[rows]})


def _evals(data: Path, snapshot: str | None) -> pd.DataFrame | None:
    cols = ["task_id", "value", "verified", "pull_request", "source_url"]
    frames = []
    for dataset, extra in (("eval_results", ["date"]), ("benchmark_leaderboards", [])):
        table = read_columns(data, dataset, cols + extra, snapshot, required=False, optional=tuple(cols + extra))
        if table is not None:
            frame = table.to_pandas()
            frames.append(frame[["model_id", "dataset_id", *cols, "crawled_at"]].assign(
                date=frame["date"] if "date" in frame else None))
    if not frames:
        return None
    rows = pd.concat(frames, ignore_index=True).dropna(subset=["task_id", "value"])
    rows = rows[np.isfinite(rows["value"].to_numpy(dtype=float))]
    rows["verified"] = rows["verified"].fillna(False).astype(bool)
    rows = rows.drop_duplicates(["model_id", "dataset_id", "task_id", "value", "verified", "pull_request"])
    parts = []
    for (dataset_id, task_id), task in rows.groupby(["dataset_id", "task_id"], sort=True):
        scale, pct, _ = task_scale(task["value"], f"{dataset_id} {task_id}")
        parts.append(pd.DataFrame({
            "model_id": task["model_id"], "key": _key(task["model_id"]),
            "benchmark": task_benchmark(dataset_id, task_id), "setup": f"task {task_id}", "metric": None,
            "value": task["value"], "value_pct": pct if scale != "lower is better" else np.nan, "scale": scale,
            "source_kind": np.where(task["verified"], "community_evals_verified", "community_evals_unverified"),
            "status": np.where(task["verified"], "measurement", "unverified"), "source_url": task["source_url"],
            "date": task["date"].astype("string").str.slice(0, 10).fillna(
                task["crawled_at"].dt.strftime("%Y-%m-%d").astype("string")),
            "source_model_id": task["model_id"], "dataset": dataset_id, "task": task_id, "num_few_shot": None,
            "community": task["pull_request"].notna().to_numpy()}))
    return pd.concat(parts, ignore_index=True)


def _query_id(url: object) -> str | None:
    """The model a leaderboard link names (`…/open_llm_leaderboard?query=<model>`)."""
    if not isinstance(url, str):
        return None
    found = parse_qs(urlsplit(url.strip()).query).get("query")
    return found[0].strip() if found and found[0].strip() else None


def _cards(data: Path, snapshot: str | None) -> pd.DataFrame | None:
    columns = ["dataset_type", "dataset_name", "dataset_config", "num_few_shot", "metric_type", "value",
               "value_pct", "source_url", "source_kind"]
    table = read_columns(data, "card_results", columns, snapshot, required=False,
                         optional=tuple(c for c in columns if c != "source_kind"))
    if table is None:
        return None
    cards = table.to_pandas()
    kind = cards["source_kind"].map(CARD_KINDS).fillna("card_claim")
    listed = [(_query_id(u) if k != "card_claim" else None) or m
              for u, k, m in zip(cards["source_url"], kind, cards["model_id"], strict=True)]
    benchmark = [card_benchmark(t, c, n) for t, c, n in zip(cards["dataset_type"], cards["dataset_config"],
                                                             cards["dataset_name"], strict=True)]
    few = cards["num_few_shot"]
    scale = np.where(kind == "card_copy_v2", NORMALIZED, np.where(kind == "card_copy_v1", PERCENT, PERCENT))
    return pd.DataFrame({
        "model_id": cards["model_id"], "key": _key(cards["model_id"]), "benchmark": benchmark,
        "setup": [f"{int(f)}-shot" if pd.notna(f) else "unstated" for f in few], "metric": cards["metric_type"],
        "value": cards["value"], "value_pct": cards["value_pct"],
        "scale": np.where(cards["value_pct"].notna(), scale, None), "source_kind": kind, "status": None,
        "source_url": cards["source_url"], "date": cards["crawled_at"].dt.strftime("%Y-%m-%d"),
        "source_model_id": listed, "dataset": cards["dataset_type"], "task": None, "num_few_shot": few})


def _reconcile_copies(cards: pd.DataFrame, boards: dict[str, pd.DataFrame | None]) -> pd.DataFrame:
    """Each leaderboard copy against its board's evaluations of the model its URL names; sets `status`."""
    out = []
    for kind, version, scale in (("card_copy_v1", "board_v1", PERCENT), ("card_copy_v2", "board_v2", NORMALIZED)):
        copies = cards[cards["source_kind"] == kind].copy()
        if copies.empty:
            continue
        copies["query_key"] = _key(copies["source_model_id"])
        board = boards.get(version)
        if board is None:
            cards.loc[copies.index, "status"] = "copy, board not crawled"
            continue
        board = board[board["scale"] == scale]
        both = copies.reset_index().merge(board[["key", "benchmark", "value_pct", "kept", "source_url"]],
                                          left_on=["query_key", "benchmark"], right_on=["key", "benchmark"],
                                          how="left", suffixes=("", "_board"))
        both["equal"] = (both["value_pct"] - both["value_pct_board"]).abs() <= COPY_TOLERANCE
        grouped = both.groupby("index")
        equal, found = grouped["equal"].any(), grouped["value_pct_board"].apply(lambda v: v.notna().any())
        kept = both[both["kept"].fillna(False).astype(bool)].drop_duplicates("index").set_index("index")
        status = pd.Series("copy, not on the board", index=copies.index, dtype=object)
        status[found.reindex(copies.index).to_numpy()] = "stale or altered"
        status[equal.reindex(copies.index).to_numpy()] = "copy"
        status[copies["benchmark"].isna() | copies["value_pct"].isna()] = "copy, not on the board"
        cards.loc[copies.index, "status"] = status
        out.append(pd.DataFrame({
            "board": version, "model_id": copies["model_id"], "board_model_id": copies["source_model_id"],
            "benchmark": copies["benchmark"], "card_value": copies["value_pct"],
            "board_value": kept["value_pct_board"].reindex(copies.index), "status": status,
            "card_url": copies["source_url"], "board_url": kept["source_url_board"].reindex(copies.index)}))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=COPY_COLUMNS)


def _measurements(boards: dict[str, pd.DataFrame | None], evals: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """Per measurer, the independent values on a raw scale, one per model and benchmark (the board's kept
    evaluation; the verified Community Evals result, main branch first, then the highest)."""
    out = {}
    for version in ("board_v1", "board_v2"):
        board = boards.get(version)
        if board is not None:
            out[version] = board[board["kept"] & board["scale"].isin(RAW_SCALES)]
    if evals is not None:
        verified = evals[(evals["source_kind"] == "community_evals_verified") & evals["value_pct"].notna()
                         & evals["scale"].isin(RAW_SCALES)]
        ranked = verified.sort_values(["community", "value_pct"], ascending=[True, False], kind="stable")
        out["community_evals"] = ranked.drop_duplicates(["key", "benchmark", "task"])
    return out


def _pair_claims(cards: pd.DataFrame, measured: dict[str, pd.DataFrame], official: set[str] | None) -> pd.DataFrame:
    """Claims against measurements under the same setup; sets the claims' `status`."""
    claims = cards[cards["source_kind"] == "card_claim"]
    cards.loc[claims.index, "status"] = np.where(claims["benchmark"].isna(), "unmapped benchmark",
                                                 np.where(claims["value_pct"].isna(), "no value", "setup differs"))
    usable = claims[claims["benchmark"].notna() & claims["value_pct"].notna() & claims["scale"].isin(RAW_SCALES)]
    pairs = []
    for entry in entries():
        matching = usable[[same_setup(entry, b, f, m) for b, f, m in
                           zip(usable["benchmark"], usable["num_few_shot"], usable["metric"], strict=True)]]
        if matching.empty:
            continue
        cards.loc[matching.index, "status"] = np.where(cards.loc[matching.index, "status"] == "comparable",
                                                       "comparable", "no measurement")
        values = measured.get(entry.measured_by)
        if values is None:
            continue
        values = values[values["benchmark"] == entry.benchmark]
        if entry.task:
            values = values[values["task"] == entry.task]
        first = matching.reset_index().drop_duplicates(["key"])  # the card's first claim on it
        both = first.merge(values[["key", "value_pct", "source_url", "model_id"]], on="key", suffixes=("", "_m"))
        if both.empty:
            continue
        cards.loc[matching.index[matching["key"].isin(set(both["key"]))], "status"] = "comparable"
        namespace = both["key"].str.split("/").str[0]
        pairs.append(pd.DataFrame({
            "model_id": both["model_id"], "benchmark": entry.benchmark, "setup": entry.setup,
            "measured_by": entry.measured_by, "metric": both["metric"], "claim": both["value_pct"],
            "measurement": both["value_pct_m"], "difference": both["value_pct"] - both["value_pct_m"],
            "author_kind": "unknown" if official is None else np.where(namespace.isin(official), "official",
                                                                       "community"),
            "claim_url": both["source_url"], "measurement_url": both["source_url_m"]}))
    return pd.concat(pairs, ignore_index=True) if pairs else pd.DataFrame(columns=PAIR_COLUMNS)


def _pair_unstated(cards: pd.DataFrame, measured: dict[str, pd.DataFrame], official: set[str] | None) -> pd.DataFrame:
    """Claims stating no few-shot count against the board's kept evaluation of the same model and benchmark
    (the `setup unstated` rule); one claim per model, benchmark and board (the card's first)."""
    claims = cards[(cards["source_kind"] == "card_claim") & cards["benchmark"].notna() & cards["value_pct"].notna()
                   & cards["scale"].isin(RAW_SCALES) & cards["num_few_shot"].isna()]
    pairs = []
    for version in ("board_v1", "board_v2"):
        values = measured.get(version)
        if values is None or claims.empty:
            continue
        names = {e.benchmark: e.setup for e in board_entries(version)}
        mine = claims[claims["benchmark"].isin(names)].drop_duplicates(["key", "benchmark"])
        both = mine.merge(values[["key", "benchmark", "value_pct", "source_url", "metric"]], on=["key", "benchmark"],
                          suffixes=("", "_m"))
        if both.empty:
            continue
        namespace = both["key"].str.split("/").str[0]
        pairs.append(pd.DataFrame({
            "model_id": both["model_id"], "benchmark": both["benchmark"],
            "setup": "unstated vs " + both["benchmark"].map(names), "measured_by": version, "metric": both["metric"],
            "claim": both["value_pct"], "measurement": both["value_pct_m"],
            "difference": both["value_pct"] - both["value_pct_m"],
            "author_kind": "unknown" if official is None else np.where(namespace.isin(official), "official",
                                                                       "community"),
            "claim_url": both["source_url"], "measurement_url": both["source_url_m"]}))
    return pd.concat(pairs, ignore_index=True) if pairs else pd.DataFrame(columns=PAIR_COLUMNS)


def build(data: Path, snapshot: str | None = None) -> Scores:
    """The score table from whatever of the four sources was crawled; never fails for a missing one."""
    v2_columns = ["canonical_id", *V2_BENCHMARKS, *(b + "_raw" for b in V2_BENCHMARKS), "submission_date",
                  "is_official_provider", "url"]
    v1_columns = ["canonical_id", *(e.board_column for e in board_entries("board_v1")), "submission_date", "url"]
    frames = {"board_v2": _read_board(data, snapshot, "leaderboard", v2_columns),
              "board_v1": _read_board(data, snapshot, "leaderboard_v1", v1_columns)}
    boards = {k: _board_long(f, k) if f is not None else None for k, f in frames.items()}
    official = None
    if frames["board_v2"] is not None:
        flagged = frames["board_v2"][frames["board_v2"]["is_official_provider"].fillna(False).astype(bool)]
        official = set(flagged["key"].str.split("/").str[0])
    evals = _evals(data, snapshot)
    cards = _cards(data, snapshot)
    read = [name for name, present in (("leaderboard", boards["board_v2"] is not None),
                                       ("leaderboard_v1", boards["board_v1"] is not None),
                                       ("community_evals", evals is not None), ("card_results", cards is not None))
            if present]
    missing = {name: note for name, note in MISSING.items() if name not in read}
    copies, pairs = pd.DataFrame(columns=COPY_COLUMNS), pd.DataFrame(columns=PAIR_COLUMNS)
    unstated = pd.DataFrame(columns=PAIR_COLUMNS)
    if cards is not None:
        copies = _reconcile_copies(cards, boards)
        measured = _measurements(boards, evals)
        pairs = _pair_claims(cards, measured, official)
        unstated = _pair_unstated(cards, measured, official)
    parts = [b[b["kept"]] for b in boards.values() if b is not None] + [x for x in (evals, cards) if x is not None]
    table = _concat(parts) if parts else pd.DataFrame(columns=_OUTPUT)
    return Scores(table=_typed(table.reindex(columns=_OUTPUT)), copies=copies, pairs=pairs, read=read,
                  missing=missing, unstated=unstated)


TEXT = ("model_id", "benchmark", "setup", "metric", "scale", "source_kind", "status", "source_url", "date",
        "source_model_id", "dataset", "task")


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The parts one under the other; their text columns as one categorical each (the boards' are already),
    so the millions of board rows are never turned into Python strings."""
    out = {}
    for column in _OUTPUT:
        pieces = [p[column] if column in p else pd.Series([None] * len(p)) for p in parts]
        if column in TEXT:
            cats = [x.array if isinstance(x.dtype, pd.CategoricalDtype) else
                    pd.Categorical(x.astype(object).where(x.notna(), None)) for x in pieces]
            # one category dtype (text as Python str) for every piece, else they cannot be united
            cats = [c.rename_categories(pd.Index([str(v) for v in c.categories], dtype=object)) for c in cats]
            out[column] = union_categoricals(cats, ignore_order=True)
        elif column == "value":  # text as filed; a board's floats converted in Arrow, not one by one
            out[column] = pd.concat([_value_text(x) for x in pieces], ignore_index=True)
        else:
            out[column] = pd.concat([x.reset_index(drop=True) for x in pieces], ignore_index=True)
    return pd.DataFrame(out)


def _value_text(values: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(values.dtype):
        text = pa.array(values.to_numpy(), from_pandas=True).cast(pa.string())
        return pd.Series(pd.arrays.ArrowStringArray(text))
    return values.reset_index(drop=True).astype("string[pyarrow]")


COLUMNS_ORDER = _OUTPUT = ["model_id", "benchmark", "setup", "metric", "value", "value_pct", "scale", "source_kind",
                           "status", "source_url", "date", "source_model_id", "dataset", "task", "num_few_shot"]


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    """scores.parquet's column types: text, `value` as text (a card's value as filed), numbers as floats."""
    out = pd.DataFrame({c: table[c] if isinstance(table[c].dtype, pd.CategoricalDtype | pd.StringDtype)
                        else table[c].astype("string") for c in _OUTPUT if c not in ("value_pct", "num_few_shot")})
    out["value_pct"] = pd.to_numeric(table["value_pct"], errors="coerce").astype(float)
    out["num_few_shot"] = pd.to_numeric(table["num_few_shot"], errors="coerce").astype("Int64")
    return out[_OUTPUT].reset_index(drop=True)


def to_arrow(table: pd.DataFrame) -> pa.Table:
    """scores.parquet: text columns as plain strings (the categoricals held in memory are an implementation
    detail, not the file's types)."""
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    fields = [pa.field(f.name, pa.string()) if pa.types.is_dictionary(f.type) or pa.types.is_large_string(f.type)
              else f for f in arrow.schema]
    return arrow.cast(pa.schema(fields))
