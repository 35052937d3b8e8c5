"""Where the data came from, from the data itself: results.json `provenance` and the report's header.

- Each dataset's endpoint is read from its rows (`hub_models.endpoint`, the origin of `leaderboard.url`),
  never from the settings' defaults; datasets whose rows name no endpoint take the `hub_endpoint` of the
  run records (DATA_DIR/_runs) of the crawls that wrote them on that snapshot date.
- The board's `contents` revision and its date come from the leaderboard crawl's run record
  (`leaderboard/contents_sha`, `leaderboard/contents_last_modified`; the dataset path records them).
- Data served by llmbench's offline replica is known from its run records (`replica/*` stats, from the
  replica's `X-Llmbench-Replica` header: which API fields it synthesised, which "live" scores are the
  board's own) or, for older records, from a loopback endpoint (localhost, 127.0.0.0/8, ::1).
- The llmbench version, the git commit of the checkout it runs from (null otherwise), the command.
"""

from __future__ import annotations

import ipaddress
import json
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

import llmbench
from llmbench.credentials import without_userinfo
from llmbench.items import ITEM_CLASSES
from llmbench.storage import DatasetError, snapshot_files, snapshots

# dataset → the column its rows name their endpoint in (a URL whose origin is the endpoint)
ENDPOINT_COLUMNS = {"hub_models": "endpoint", "leaderboard": "url", "leaderboard_v1": "url"}
DATASETS = tuple(item_class.dataset for item_class in ITEM_CLASSES)  # every dataset a crawl writes
# API field names the replica marks in its model answers (llmbench/replica/provenance.py) → what they are here
MODEL_FIELD_MEANING = {"downloads": "hub_models.downloads (30-day downloads)",
                     "downloadsAllTime": "hub_models.downloads_all_time",
                     "trendingScore": "trending score (model list order)",
                     "cardData.language": "hub_models.languages", "gated": "hub_models.gated",
                     "createdAt": "hub_models.created_at (time of day)",
                     "lastModified": "hub_models.last_modified (time of day)",
                     "cardData.license_name": "hub_models.license_name", "cardData.license_link":
                     "hub_models.license_link", "childrenModelCount": "children counts",
                     "siblings": "repo files", "safetensors": "storage format (~10% .bin-only)",
                     "gguf": "GGUF repos derived from board models",
                     "evalResults": "eval_results (which models file, values on benchmarks other than "
                                    "the board's)",
                     "model-index": "card_results (which repos carry the bot's copies and which are stale; "
                                    "recorded authors' cards placed on other repos, so their claims meet "
                                    "another model's board row; the messy variants)",
                     "spaces": "Spaces using each model"}


def origin(url: str) -> str:
    """scheme://host[:port] of `url` (no user or password), or the text itself when it is not a URL."""
    parts = urlsplit(without_userinfo(url))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else url


def is_loopback(url: str) -> bool:
    """The URL's host is this machine (localhost, 127.0.0.0/8, ::1): a replica or a local mirror."""
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def row_endpoints(data: Path, dataset: str, snapshot: str | None) -> list[str] | None:
    """Distinct endpoint origins the snapshot's rows name (None: the dataset's rows name none)."""
    column = ENDPOINT_COLUMNS.get(dataset)
    if column is None:
        return None
    try:
        files = snapshot_files(data, dataset, snapshot)
    except DatasetError:
        return None
    found: set[str] = set()
    for path in files:
        try:
            if column not in pq.read_schema(path).names:
                continue
            values = pq.read_table(path, columns=[column], read_dictionary=[column]).column(column)
        except (pa.ArrowException, OSError):
            continue  # the reading layer reports a corrupt file; provenance only says what it can
        for value in pc.unique(values.combine_chunks().dictionary_decode()
                               if pa.types.is_dictionary(values.type) else values).to_pylist():
            if isinstance(value, str) and value:  # an endpoint as written (a mirror may have a path); a URL's origin
                found.add(without_userinfo(value).rstrip("/") if column == "endpoint" else origin(value))
    return sorted(found)


def run_records(data: Path) -> list[dict[str, Any]]:
    """Every readable DATA_DIR/_runs/*.json (unreadable ones: skipped, the quality section lists them)."""
    records = []
    for path in sorted((Path(data) / "_runs").glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(record, dict):
            records.append(record | {"file": path.name,
                                     "stats": record["stats"] if isinstance(record.get("stats"), dict) else {}})
    return records


def _wrote(record: dict[str, Any], dataset: str, snapshot: str | None) -> bool:
    return (record.get("crawl_date") == snapshot or snapshot is None) and \
        bool(record["stats"].get(f"parquet/{dataset}/items"))


def git_commit() -> str | None:
    """The commit of the llmbench checkout this runs from; None when installed without one (or no git)."""
    package = Path(llmbench.__file__).resolve().parent
    try:
        answer = subprocess.run(["git", "-C", str(package.parent), "rev-parse", "--show-toplevel", "HEAD"],
                                capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    lines = answer.stdout.split()
    if answer.returncode != 0 or len(lines) != 2 or Path(lines[0]).resolve() != package.parent:
        return None  # not a checkout of llmbench itself (e.g. a site-packages inside another repo)
    return lines[1]


def collect(data: Path, snapshot: str | None, command: list[str]) -> dict[str, Any]:
    """results.json `provenance` (docs/analysis.md)."""
    records = run_records(data)
    datasets: dict[str, Any] = {}
    used: list[dict[str, Any]] = []  # the run records of the snapshots in use
    for dataset in DATASETS:
        dates = snapshots(data, dataset)
        if not dates:
            continue
        date = snapshot if snapshot in dates else dates[-1]
        writers = [r for r in records if _wrote(r, dataset, date)]
        from_rows = row_endpoints(data, dataset, date)
        from_runs = sorted({origin(r["hub_endpoint"]) for r in writers if r.get("hub_endpoint")})
        entry: dict[str, Any] = {"snapshot": date, "endpoints": from_rows if from_rows else from_runs,
                                 "endpoints_from": "rows" if from_rows else "run records" if from_runs else None,
                                 "hub_endpoints_asked": from_runs, "run_records": [r["file"] for r in writers]}
        if dataset == "leaderboard":
            stats = [r["stats"] for r in writers]
            entry["path"] = next((s["leaderboard/path"] for s in stats if s.get("leaderboard/path")), None)
            entry["contents_sha"] = next((s["leaderboard/contents_sha"] for s in stats
                                          if s.get("leaderboard/contents_sha")), None)
            entry["contents_last_modified"] = next((s["leaderboard/contents_last_modified"] for s in stats
                                                    if s.get("leaderboard/contents_last_modified")), None)
        entry["replica"] = bool(any(r["stats"].get("replica/answers") for r in writers))
        entry["loopback"] = any(is_loopback(e) for e in entry["endpoints"] + from_runs)
        datasets[dataset] = entry
        used.extend(writers)
    return {"llmbench_version": llmbench.__version__, "git_commit": git_commit(), "command": command,
            "datasets": datasets, "replica": replica_summary(used, datasets)}


def _names(value: Any) -> set[str]:
    return {f for f in str(value or "").split(",") if f}


def replica_summary(records: list[dict[str, Any]], datasets: dict[str, Any]) -> dict[str, Any]:
    """Whether any dataset in use came from the replica (its run records' `replica/*` stats) or from
    loopback; the synthetic API fields per kind of answer; the datasets whose live scores are the board's."""
    synthetic: dict[str, set[str]] = {}
    board: set[str] = set()
    for record in {r["file"]: r for r in records}.values():
        for key, value in record["stats"].items():
            if str(key).startswith("replica/synthetic/"):
                synthetic.setdefault(str(key).split("/", 2)[2], set()).update(_names(value))
            elif key == "replica/board_scores":
                board |= _names(value)
    return {"used": any(d["replica"] for d in datasets.values()),
            "loopback": any(d["loopback"] for d in datasets.values()),
            "synthetic_fields": {answer: sorted(fields) for answer, fields in sorted(synthetic.items())},
            "board_scores": sorted(board),
            "model_fields_meaning": {f: MODEL_FIELD_MEANING.get(f, f) for f in sorted(synthetic.get("models", ()))}}


def link_base(provenance: dict[str, Any]) -> str | None:
    """Where model links should point: the one endpoint the hub crawl's rows came from (None: not one)."""
    endpoints = (provenance["datasets"].get("hub_models") or {}).get("endpoints") or []
    return endpoints[0] if len(endpoints) == 1 else None
