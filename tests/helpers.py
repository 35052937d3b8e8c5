"""Small helpers the crawl tests share (not a test module: test modules import from here, never from
one another)."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
from pathlib import Path


def text_generation(catalog) -> list:
    """The catalog's records a `hub` crawl lists (pipeline_tag=text-generation)."""
    return [r for r in catalog if r.api.get("pipeline_tag") == "text-generation"]


def stat(output: str, name: str) -> int:
    """One integer stat from the stats dump Scrapy logs at the end of a crawl (0 when absent)."""
    match = re.search(rf"'{re.escape(name)}': (\d+)", output)
    return int(match.group(1)) if match else 0


def list_requests(replica) -> list[str]:
    """The `/api/models?…` list requests the replica has logged."""
    return [r.path_qs for r in replica.log.records if r.path_qs.startswith("/api/models?")]


def run_stats(data_dir, spider: str) -> dict:
    """The final stats of the latest `spider` crawl into `data_dir`, from its run record
    (DATA_DIR/_runs/<spider>-<start>.json, written by the RunRecord extension)."""
    from llmbench.extensions.run_record import RUNS_DIR

    records = sorted(Path(data_dir, RUNS_DIR).glob(f"{spider}-*.json"))
    assert records, f"no run record of {spider} in {data_dir}"
    record = json.loads(records[-1].read_text())
    assert record["status"] != "running", f"{records[-1]} was never finished"
    return record["stats"]


def kill_9_after_parts(command: list[str], env: dict, cwd: Path, dataset_dir: Path, parts: int) -> None:
    """Start a crawl and `kill -9` it once `dataset_dir` holds `parts` finished parquet files (or after 60 s)."""
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(dataset_dir.rglob("part-*.parquet"))) < parts:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def expected_results(catalog) -> dict[tuple, dict]:
    """(model, dataset, task, file, PR, notes) → data, for every usable result of text-generation models."""
    out = {}
    for record in text_generation(catalog):
        for element in record.api.get("evalResults", []):
            if "data" in element:
                data = element["data"]
                key = (record.repo_id, data["dataset"]["id"], data["dataset"]["task_id"], element["filename"],
                       element.get("pullRequest"), data.get("notes"))
                out[key] = element
    return out
