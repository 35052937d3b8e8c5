"""Start-up stays lean: a crawl imports no disabled component, Scrapy's command discovery imports nothing
heavy, and start-up objects are kept out of the crawl's garbage collections (issue 15.5).

pandas is not on the list: pyarrow imports it the first time it converts Python objects (to recognise
pandas objects), and only its private state could say otherwise."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT, crawl_env

# runs `scrapy crawl ...` in this interpreter, then reports which heavy modules it ended up importing, how
# many objects were frozen out of the cyclic GC, and whether the spider (built by the crawl) was among them
PROBE = """
import atexit, gc, json, sys
HEAVY = ("playwright",)  # aiohttp/tldextract/requests: Scrapy imports components even mapped to None
def report():
    spider = sys.modules["llmbench.spiders.hub"].HubSpider
    print(json.dumps({"imported": [m for m in HEAVY if m in sys.modules], "frozen": gc.get_freeze_count(),
                      "spider_collectable": any(isinstance(o, spider) for o in gc.get_objects())}))
atexit.register(report)
sys.argv = ["scrapy", *sys.argv[1:]]
from scrapy.cmdline import execute
execute()
"""


def test_a_hub_crawl_imports_nothing_disabled_and_freezes_only_startup_objects(replica, tmp_path):
    proc = subprocess.run([sys.executable, "-c", PROBE, "crawl", "hub", "-a", "limit=3"], cwd=ROOT,
                          env=crawl_env(replica, tmp_path / "data"), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert list((tmp_path / "data").rglob("part-*.parquet")), "the crawl wrote nothing"
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["imported"] == []
    # start-up objects (modules, settings) were frozen before the reactor started; the crawl's own were not
    assert report["frozen"] > 10_000
    assert report["spider_collectable"]


# Scrapy imports every command module of COMMANDS_MODULE on each start, whatever the command run
COMMANDS = """
import sys
import scrapy.commands
before = set(sys.modules)
import llmbench.commands.crawl, llmbench.commands.crawlall, llmbench.commands.pipeline, llmbench.commands.verify
print(" ".join(sorted(set(sys.modules) - before)))
"""


def test_llmbench_commands_import_nothing_heavy():
    proc = subprocess.run([sys.executable, "-c", COMMANDS], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-3000:]
    imported = proc.stdout.split()
    assert "llmbench.commands.verify" in imported
    heavy = {"pyarrow", "numpy", "huggingface_hub", "llmbench.leaderboard_compare", "llmbench.storage"}
    assert [m for m in imported if m.split(".")[0] in heavy or m in heavy] == []

