"""`scrapy verify CRAWLED REFERENCE`: compare two `leaderboard` snapshots field by field.

Each argument is a DATA_DIR (its latest `leaderboard` snapshot) or one snapshot's partition
directory (`DATA_DIR/leaderboard/crawl_date=YYYY-MM-DD`). Typical use: the browser crawl against the
board's own dataset,

    scrapy crawl leaderboard -s DATA_DIR=crawled
    scrapy crawl leaderboard -a source=dataset -s DATA_DIR=reference
    scrapy verify crawled reference --out verify.json

Exit status as diff(1): 0 when the rows agree, 1 when they differ, 2 when a snapshot cannot be read.
(`scrapy crawl leaderboard -a verify=dataset` does the same in one crawl.)
"""

from __future__ import annotations

import argparse
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError


def read_rows(location: str) -> list[dict]:
    from llmbench.storage import read_snapshot

    path = Path(location)
    data_dir, day = path, None
    if path.name.startswith("crawl_date="):
        data_dir, day = path.parent.parent, path.name.split("=", 1)[1]
    return read_snapshot(data_dir, "leaderboard", day).to_pylist()


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "CRAWLED REFERENCE [--out FILE]"

    def short_desc(self) -> str:
        return "Compare two leaderboard snapshots field by field (e.g. the browser crawl with the dataset)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--out", default=None, help="write every difference to this JSON file")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 2:
            raise UsageError("give two snapshots: CRAWLED REFERENCE (DATA_DIRs or crawl_date= directories)")
        # imported here, not at the top: Scrapy imports every command module on each start, `scrapy crawl` too
        from llmbench.leaderboard_compare import compare_rows, summary, write_report
        from llmbench.storage import DatasetError

        try:
            crawled, reference = read_rows(args[0]), read_rows(args[1])
        except (DatasetError, OSError) as exc:
            print(f"llmbench verify: {exc}")
            self.exitcode = 2
            return
        report = compare_rows(crawled, reference)
        if opts.out:
            write_report(report, Path(opts.out))
        print(f"llmbench verify: {args[0]} against {args[1]}: {summary(report)}, "
              f"{report['missing_in_crawled']} reference rows not crawled")
        self.exitcode = 1 if report["differences"] or report["missing_in_reference"] else 0
