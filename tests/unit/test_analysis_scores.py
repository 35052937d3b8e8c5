"""The score table, its reconciliation and "claims vs measurements" (issue #25 items 3-5), on parquet
built from real rows: the v1 and v2 boards' own rows (the replica's archived tables), the 257 recorded
model-index rows of 35 real cards (the bot's copies exactly as filed; bigscience/bloom's own claims,
which state no few-shot count), and synthetic authors' claims built from real board values with known
offsets (no real author card claims a board benchmark under the board's setup by dataset id)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scipy import stats

from analysis.data import scores as scores_data
from analysis.data import vocabulary
from analysis.data.read import SCHEMAS
from analysis.statistics import claims
from llmbench.items import EvalResultItem, HubModelItem, LeaderboardItem
from llmbench.storage import partition_dir
from tests.analysis_fixtures import NOW, write
from tests.conftest import ROOT

DATA = ROOT / "llmbench" / "replica"
V1_CSV = DATA / "leaderboard" / "data" / "open_llm_leaderboard_v1_archived_2024-07-13.csv.gz"
V2_CSV = DATA / "leaderboard" / "data" / "open_llm_leaderboard_v2_formatted_2025-03-21.csv.gz"
CARDS_CSV = DATA / "repos" / "data" / "model_index_recorded.csv"
V2 = ("ifeval", "bbh", "math", "gpqa", "musr", "mmlu_pro")
V1 = ("arc", "hellaswag", "mmlu", "truthfulqa", "winogrande", "gsm8k")
KINDS = {"bot_v1": "board_v1_copy", "bot_v2": "board_v2_copy", "author": "claim"}
MMLU_OFFSETS = [2.0, 0.5, -1.5, 3.0, 0.0, 4.5, -0.5, 1.5, 2.5, 6.0, 0.25, 1.25]  # claim − board, synthetic
WINOGRANDE_OFFSETS = [1.0, -2.0, 3.5, 0.5, 2.0, -1.0, 4.0, 0.0, 1.5, 2.5, -0.5, 3.0]  # synthetic, no shots stated


def write_contract(data: Path, dataset: str, rows: list[dict], name: str = "part-test.parquet") -> None:
    path = partition_dir(data, dataset, NOW.date()) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMAS[dataset]), path)


def number(text: object) -> float | None:
    try:
        value = float(str(text))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def card_row(model: str, index: int, **fields) -> dict:
    value = fields.pop("value")
    kind = fields.pop("kind")
    parsed = number(value)
    pct = parsed if kind != "claim" or (parsed is not None and 1 < parsed <= 100) else \
        (parsed * 100 if parsed is not None and 0 <= parsed <= 1 else None)
    return {"model_id": model, "entry_name": fields.pop("entry_name", model.split("/")[-1]), "result_index": index,
            "metric_index": 0, "value": str(value), "value_number": parsed, "value_pct": pct,
            "value_pct_reason": "percent as filed" if pct is not None else "unknown scale", "source_kind": kind,
            "crawled_at": NOW, **fields}


def real_cards() -> list[dict]:
    cards = pd.read_csv(CARDS_CSV, dtype=str).dropna(subset=["model_id"])
    rows = []
    for index, (_, r) in enumerate(cards.iterrows()):
        rows.append(card_row(
            r["model_id"], index, value=r["value_as_written"], kind=KINDS[r["kind"]], entry_name=r["card_entry_name"],
            task_type=r["task_type"], task_name=r["task_name"], dataset_type=r["dataset_type"],
            dataset_name=r["dataset_name"], dataset_config=r["dataset_config"], dataset_split=r["dataset_split"],
            num_few_shot=int(float(r["num_few_shot"])) if isinstance(r["num_few_shot"], str) else None,
            metric_type=r["metric_type"], metric_name=r["metric_name"], source_name=r["source_name"],
            source_url=r["source_url"], verified=None if pd.isna(r["verified"]) else r["verified"].lower() == "true"))
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()} for row in rows]


def v1_rows(models: set[str], extra: int) -> pd.DataFrame:
    v1 = pd.read_csv(V1_CSV, keep_default_na=False, na_values=[""])
    rest = v1[~v1["fullname"].isin(models)].drop_duplicates("fullname")
    return pd.concat([v1[v1["fullname"].isin(models)], rest.head(extra)])


def build_data(data: Path) -> dict:
    """The fixture's datasets; returns what the tests check against."""
    cards = real_cards()
    models = {c["model_id"] for c in cards}
    v2 = pd.read_csv(V2_CSV, keep_default_na=False, na_values=[""])
    official = v2[v2["features_is_official_provider"].astype(str).str.lower() == "true"]
    v2_rows = pd.concat([v2[v2["model_name"].isin(models)], official.head(6)])
    v1 = v1_rows(models, 12)
    write(data, [LeaderboardItem(
        model_id=r["model_name"], precision=r["model_precision"], revision=r["model_sha"], type=r["model_type"],
        submission_date=str(r["metadata_submission_date"])[:10], source="dataset", crawled_at=NOW,
        is_official_provider=str(r["features_is_official_provider"]).lower() == "true",
        url="https://huggingface.co/spaces/open-llm-leaderboard/open_llm_leaderboard?query=" + r["model_name"],
        average=float(r["model_average_score"]),
        **{b: float(r[f"evaluations_{b}_normalized_score"]) for b in V2},
        **{f"{b}_raw": float(r[f"evaluations_{b}_value"]) for b in V2}) for _, r in v2_rows.iterrows()])
    write_contract(data, "leaderboard_v1", [{
        "model_id": r["fullname"], "canonical_id": None, "precision": r["precision"], "revision": r["model_sha"],
        "average": float(r["average"]), **{b: float(r[b]) for b in V1}, "submission_date": str(r["date"])[:10],
        "source": "page", "crawled_at": NOW, "url": "https://huggingface.co/spaces/open-llm-leaderboard-old/"
        "open_llm_leaderboard"} for _, r in v1.iterrows()])
    # synthetic claims (real board values + known offsets): MMLU 5-shot against v1, half by official namespaces
    namespaces = set(official["model_name"].head(6).str.split("/").str[0])
    claimed = v1[~v1["fullname"].isin(models)].drop_duplicates("fullname").head(12)
    claimed = claimed.assign(fullname=[f"{next(iter(sorted(namespaces)))}/{m.split('/')[1]}" if i < 6 else m
                                       for i, m in enumerate(claimed["fullname"])])
    write_contract(data, "leaderboard_v1", [{
        "model_id": r["fullname"], "precision": r["precision"], "revision": r["model_sha"], "mmlu": float(r["mmlu"]),
        "submission_date": str(r["date"])[:10], "source": "page", "crawled_at": NOW}
        for _, r in claimed.head(6).iterrows()], "part-claimed.parquet")
    synthetic = [card_row(m, 900 + i, value=round(mmlu + d, 2), kind="claim", dataset_type="cais/mmlu",
                          dataset_name="MMLU", num_few_shot=5, metric_type="acc", source_url=None)
                 for i, (m, mmlu, d) in enumerate(zip(claimed["fullname"], claimed["mmlu"], MMLU_OFFSETS,
                                                      strict=True))]
    synthetic += [card_row(m, 950 + i, value=70.0 + i, kind="claim", dataset_type="google/IFEval",
                           dataset_name="IFEval", num_few_shot=0,
                           metric_type="inst_level_strict_acc and prompt_level_strict_acc")
                  for i, m in enumerate(v2_rows["model_name"].head(3))]
    synthetic += [card_row("org/gpqa-model", 990, value=41.0, kind="claim", dataset_type="Idavidrein/gpqa",
                           dataset_config="gpqa_diamond", dataset_name="GPQA Diamond", metric_type="accuracy"),
                  card_row("org/gpqa-model", 991, value=41.0, kind="claim", dataset_type="allenai/ai2_arc",
                           dataset_config="ARC-Easy", dataset_name="ARC-Easy", num_few_shot=25, metric_type="acc_norm")]
    # synthetic claims stating no few-shot count (real v1 values + known offsets): the "setup unstated" block
    extra = v1[~v1["fullname"].isin(models)].drop_duplicates("fullname").head(12)
    synthetic += [card_row(m, 800 + i, value=round(w + d, 2), kind="claim", dataset_type="winogrande",
                           dataset_name="WinoGrande", metric_type="accuracy", source_url=None)
                  for i, (m, w, d) in enumerate(zip(extra["fullname"], extra["winogrande"], WINOGRANDE_OFFSETS,
                                                    strict=True))]
    write_contract(data, "card_results", cards + synthetic)
    write(data, [EvalResultItem(model_id="org/gpqa-model", dataset_id="Idavidrein/gpqa", task_id="diamond",
                                value=38.5, verified=True, source_url="https://example.org/gpqa-log",
                                filename=".eval_results/gpqa.yaml", crawled_at=NOW)])
    write(data, [HubModelItem(model_id=m, author=m.split("/")[0], params=7_000_000_000, crawled_at=NOW, endpoint="e")
                 for m in sorted(set(v2_rows["model_name"]))])
    return {"cards": cards, "v1": v1, "v2": v2_rows, "claimed": claimed}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    data = tmp_path_factory.mktemp("scores") / "data"
    return data, build_data(data), scores_data.build(data)


def test_vocabulary_names_each_bot_row_and_keeps_other_items_and_setups_apart():
    cards = pd.read_csv(CARDS_CSV, dtype=str)
    bots = cards[cards["kind"] != "author"]
    named = {(r["dataset_type"], r["dataset_name"]): vocabulary.card_benchmark(r["dataset_type"], r["dataset_config"],
                                                                              r["dataset_name"])
             for _, r in bots.iterrows()}
    assert len(set(named.values())) == 12 and None not in named.values()
    bot_names = {e.benchmark: e.bot_dataset_name for e in vocabulary.entries() if e.bot_dataset_name}
    assert {bot_names[b] for b in named.values()} == {name for _, name in named}  # the bot's own strings
    assert vocabulary.card_benchmark("allenai/ai2_arc", "ARC-Easy", "ARC-Easy") is None  # other items
    assert vocabulary.card_benchmark("hendrycks/competition_math", None, "MATH") is None  # all levels: not Lvl 5
    assert vocabulary.card_benchmark("Idavidrein/gpqa", "gpqa_diamond", "GPQA") == "gpqa_diamond"
    assert vocabulary.card_benchmark("HUGGINGFACEH4/IFEVAL", None, "IFEval") == "ifeval"
    board_ifeval = next(e for e in vocabulary.entries() if e.benchmark == "ifeval")
    assert vocabulary.same_setup(board_ifeval, "ifeval", 0, "inst_level_strict_acc and prompt_level_strict_acc")
    assert not vocabulary.same_setup(board_ifeval, "ifeval", None, "inst_level_strict_acc and prompt_level_strict_acc")
    assert not vocabulary.same_setup(board_ifeval, "ifeval", 0, "prompt_level_strict_acc")
    live_pro = next(e for e in vocabulary.entries() if e.measured_by == "community_evals" and e.benchmark == "mmlu_pro")
    assert vocabulary.same_setup(live_pro, "mmlu_pro", None, "accuracy")
    assert not vocabulary.same_setup(live_pro, "mmlu_pro", 5, "accuracy")  # the board's setup, not the task's


def test_the_vocabulary_doc_is_rendered_from_the_table():
    doc = (ROOT / "docs" / "benchmarks-vocabulary.md").read_text(encoding="utf-8")
    assert vocabulary.markdown() in doc


def test_copies_equal_within_rounding_and_the_rest_are_listed(crawled):
    _, built, scores = crawled
    v1 = built["v1"].set_index("fullname")
    v2 = built["v2"].groupby("model_name")
    column = {e.benchmark: e.board_column for e in vocabulary.entries() if e.board_column}
    expected = {}
    for card in built["cards"]:
        if card["source_kind"] == "claim":
            continue
        model = card["source_url"].split("query=")[1]
        benchmark = vocabulary.card_benchmark(card["dataset_type"], card["dataset_config"], card["dataset_name"])
        if card["source_kind"] == "board_v1_copy":
            board = [v1.loc[model, column[benchmark]]] if model in v1.index else []
        else:
            board = list(v2.get_group(model)[f"evaluations_{column[benchmark]}_normalized_score"]) \
                if model in v2.groups else []
        equal = any(abs(float(card["value"]) - b) <= 0.005 + 1e-9 for b in board)
        expected[(card["model_id"], benchmark, card["source_kind"][:8])] = \
            "copy" if equal else "stale or altered" if board else "copy, not on the board"
    found = {(r.model_id, r.benchmark, r.board): r.status for r in scores.copies.itertuples()}
    assert found == expected
    stale = scores.copies[scores.copies["status"] == "stale or altered"].set_index(["model_id", "benchmark"])
    orion = stale.loc[("Orion-zhen/Qwen2.5-7B-Instruct-Uncensored", "math_lvl5")]
    assert orion["card_value"] == 1.36 and orion["board_value"] == pytest.approx(47.734139, abs=1e-6)
    assert ("mlabonne/NeuralBeagle14-7B", "arc_challenge", "board_v1") in found
    assert found[("mlabonne/NeuralBeagle14-7B", "arc_challenge", "board_v1")] == "copy"
    kinds = set(scores.table["source_kind"])
    assert kinds == set(scores_data.SOURCE_KINDS) - {"community_evals_unverified"}
    copies = scores.table[scores.table["source_kind"].str.startswith("card_copy")]
    assert not (copies["status"] == "comparable").any()  # a copy is never a claim


def test_claims_pair_under_the_same_setup_and_the_ci_is_the_t_interval(crawled):
    _, built, scores = crawled
    pairs = scores.pairs
    mmlu = pairs[pairs["benchmark"] == "mmlu"].sort_values("model_id")
    assert len(mmlu) == 12 and set(mmlu["measured_by"]) == {"board_v1"}
    assert sorted(mmlu["difference"].round(6)) == sorted(round(d, 6) for d in MMLU_OFFSETS)
    assert (mmlu["author_kind"] == "official").sum() == 6
    ifeval = pairs[pairs["benchmark"] == "ifeval"]
    raw = built["v2"].set_index("model_name")["evaluations_ifeval_value"]
    assert len(ifeval) == 3 and all(abs(r.measurement - 100 * raw[r.model_id]) < 1e-9 for r in ifeval.itertuples())
    assert pairs[pairs["benchmark"] == "gpqa_diamond"]["difference"].tolist() == [pytest.approx(2.5)]
    claimed = scores.table[scores.table["source_kind"] == "card_claim"].set_index("model_id")
    assert claimed.loc["org/gpqa-model", "status"].tolist() == ["comparable", "unmapped benchmark"]  # ARC-Easy
    assert (scores.table["benchmark"].isna() & (scores.table["source_kind"] == "card_claim")).sum() == \
        (scores.table["status"] == "unmapped benchmark").sum()
    result = claims.claims_vs_measurements(scores)
    entry = result["benchmarks"]["mmlu:board_v1"]
    d = np.array(MMLU_OFFSETS)
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    assert entry["mean_difference"]["statistic"] == pytest.approx(d.mean(), abs=1e-6)
    assert entry["mean_difference"]["ci95"] == pytest.approx([d.mean() - half, d.mean() + half], abs=1e-6)
    assert entry["share_above_tolerance"] == pytest.approx((d > 1.0).mean())
    # 6 official pairs: fewer than 10, so no statement; the numbers are null and the reason is given
    official = entry["by_author_kind"]["official"]
    assert official["mean_difference"]["ci95"] is None and official["share_above_tolerance"] is None
    assert official["note"] == "not enough data (n = 6 pairs; needs at least 10)"
    assert result["benchmarks"]["ifeval:board_v2"]["mean_difference"]["statistic"] is None
    assert result["largest_discrepancies"][0]["benchmark"] == "ifeval"
    health = result["copies"]
    assert health["board_v2"]["n_stale_or_altered"] == 9 and health["board_v2"]["share_equal"] == pytest.approx(39 / 48)


def test_claims_without_a_stated_setup_are_compared_apart_with_the_same_threshold(crawled):
    _, built, scores = crawled
    unstated = scores.unstated
    keys = {(m, b) for m, b in unstated[["model_id", "benchmark"]].itertuples(index=False)}
    assert not keys & {(m, b) for m, b in scores.pairs[["model_id", "benchmark"]].itertuples(index=False)}
    # real: bigscience/bloom's 0-shot lm-eval fractions against its own archived v1 row (acc vs the board's acc_norm)
    bloom = unstated[unstated["model_id"] == "bigscience/bloom"].set_index("benchmark")
    row = built["v1"].set_index("fullname").loc["bigscience/bloom"]
    assert sorted(bloom.index) == ["arc_challenge", "hellaswag", "winogrande"]
    assert bloom.loc["hellaswag", "claim"] == pytest.approx(53.53515236008763)
    assert bloom.loc["hellaswag", "measurement"] == pytest.approx(float(row["hellaswag"]))
    assert bloom.loc["arc_challenge", "metric"] == "acc"
    assert bloom.loc["arc_challenge", "setup"] == "unstated vs 25-shot"
    result = claims.claims_vs_measurements(scores)
    block = result["setup_unstated"]
    assert block["rule"] == scores_data.UNSTATED_RULE and block["min_pairs"] == 10
    assert block["n_pairs"] == len(unstated) == 12 + 3
    assert result["n_pairs"] == len(scores.pairs)  # the strict count leaves these out
    wino = block["benchmarks"]["winogrande:board_v1"]
    d = np.array(WINOGRANDE_OFFSETS + [bloom.loc["winogrande", "difference"]])
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    assert wino["n_pairs"] == 13 and wino["mean_difference"]["ci95"] == pytest.approx(
        [d.mean() - half, d.mean() + half], abs=1e-6)
    hella = block["benchmarks"]["hellaswag:board_v1"]  # bloom's alone: below the threshold, null with the reason
    assert hella["n_pairs"] == 1 and hella["mean_difference"]["ci95"] is None
    assert hella["note"] == "not enough data (n = 1 pairs; needs at least 10)"
    assert block["largest_discrepancies"][0]["model_id"] == "bigscience/bloom"  # 53.5 vs 76.4 on HellaSwag


def test_the_report_shows_the_section_and_writes_scores_parquet(crawled, tmp_path):
    from analysis.__main__ import main
    data, _, _ = crawled
    out = tmp_path / "report"
    assert main(["--data", str(data), "--out", str(out), "--population", "leaderboard"]) == 0
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert set(results["scores"]["by_source_kind"]) == set(scores_data.SOURCE_KINDS)
    section = results["claims_vs_measurements"]
    assert section["available"] and section["rules"] == scores_data.RULES and section["min_pairs"] == 10
    assert {"benchmarks", "largest_discrepancies", "copies", "tolerance_points", "method"} <= set(section)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="claims"' in html and "Claims vs measurements" in html and "Stale or altered copies" in html
    assert "Setup unstated (not comparable pairs)" in html and results["claims_vs_measurements"]["setup_unstated"][
        "n_pairs"] == 15
    assert "not enough data (n = 6 pairs; needs at least 10)" in html
    table = pq.read_table(out / "scores.parquet")
    assert table.column_names == list(scores_data.COLUMNS_ORDER)
    assert table.num_rows == results["scores"]["n_rows"]


def test_without_cards_or_the_v1_board_the_section_says_so(tmp_path):
    from analysis.__main__ import main
    data = tmp_path / "data"
    write(data, [LeaderboardItem(model_id=f"org/m{i}", precision="bfloat16", revision="a", average=20.0 + i,
                                 ifeval=30.0 + i, ifeval_raw=0.3, source="json", crawled_at=NOW) for i in range(5)])
    assert main(["--data", str(data), "--out", str(tmp_path / "report"), "--population", "leaderboard"]) == 0
    results = json.loads((tmp_path / "report" / "results.json").read_text(encoding="utf-8"))
    section = results["claims_vs_measurements"]
    assert not section["available"] and "scrapy crawl hub" in section["note"]
    assert set(section["missing"]) == {"leaderboard_v1", "community_evals", "card_results"}
    assert results["scores"]["by_source_kind"]["board_v2"] == 10  # 5 models, normalized and raw
    html = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    assert "scrapy crawl leaderboard -a board=v1" in html
