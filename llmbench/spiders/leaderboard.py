"""`scrapy crawl leaderboard`: every Open LLM Leaderboard row from one page load in Chromium.

    scrapy crawl leaderboard                               # the whole board (4,576 rows)
    scrapy crawl leaderboard -a models=org/a,org/b         # or a .txt/.csv/.parquet file, or `hub`
    scrapy crawl leaderboard -a source=dataset             # the board's own parquet, no browser

Path 1 (json): capture the app's own `/api/leaderboard/formatted` response. Path 2 (dom), when that
response is never seen: scroll the virtualized table and read the rendered rows. The log says which
path ran; if neither yields rows the crawl fails loudly (non-zero exit), never "finished, 0 items".
"""

from __future__ import annotations

import asyncio
import io
import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pyarrow.parquet as pq
import scrapy
from scrapy.http import Response

from llmbench.browser import CHROMIUM_ARGS, find_chromium
from llmbench.failures import fail_crawl
from llmbench.model_lists import load_models
from llmbench.names import normalize_repo_id
from llmbench.parsing.leaderboard import (
    LeaderboardShapeError,
    item_from_cells,
    item_from_formatted,
    item_from_raw,
)
from llmbench.settings import PLAYWRIGHT_SETTINGS
from llmbench.storage import DatasetError

DATA_SUFFIX = "/api/leaderboard/formatted"
HUB_LINK = 'tbody tr td a[aria-label$=" on Hugging Face Hub"]'
DOM_COLUMNS = ("model.precision,model.sha,model.architecture,model.average_score,"
               + ",".join(f"evaluations.{b}.normalized_score" for b in ("ifeval", "bbh", "math", "gpqa", "musr",
                                                                      "mmlu_pro"))
               + ",metadata.co2_cost,metadata.params_billions,metadata.hub_license,metadata.hub_hearts,"
               "features.is_not_available_on_hub,features.is_official_provider,features.is_moe,features.is_flagged,"
               "metadata.upload_date,metadata.submission_date,metadata.generation,metadata.base_model,"
               "model.has_chat_template")
# Reads the rendered rows: header keys from <th data-column>, the model from its Hub link.
READ_ROWS_JS = """() => {
  const keys = [...document.querySelectorAll('thead th')].map(th => th.dataset.column);
  return [...document.querySelectorAll('tbody tr.MuiTableRow-root')].map(tr => {
    const out = {};
    [...tr.children].forEach((td, i) => { out[keys[i]] = td.textContent.trim(); });
    const link = tr.querySelector('a[aria-label$=" on Hugging Face Hub"]');
    out.model_link = link ? link.textContent.trim() : null;
    out.model_href = link ? link.getAttribute('href') : null;
    const type = tr.querySelector('[title]:not(a)');
    out['model.type_title'] = type ? type.getAttribute('title') : null;
    return out;
  });
}"""
# Sets the hash and resolves once the app has re-rendered (or after 3 s if the hash did not change).
SET_HASH_JS = """(hash) => new Promise(resolve => {
  const done = () => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)));
  window.addEventListener('hashchange', done, {once: true});
  setTimeout(() => resolve(false), 3000);
  location.hash = hash;
})"""
SCROLL_JS = """() => { const c = document.querySelector('.MuiTableContainer-root');
  const before = c.scrollTop; c.scrollTop = before + c.clientHeight;
  return [c.scrollTop, c.scrollHeight, c.clientHeight, before]; }"""


def compare_rows(found: dict[tuple, Any], reference: dict[tuple, Any]) -> dict[str, Any]:
    """Field-by-field differences between crawled rows and the dataset's rows with the same key.
    Fields the crawled row lacks (null: raw scores on the DOM path) are not compared; DOM rows show
    two decimals, so their floats are compared after rounding the reference."""
    differences, fields_count, missing = [], {}, []
    for key, row in found.items():
        other = reference.get(key)
        if other is None:
            missing.append(list(key))
            continue
        for name, value in row.__dict__.items():
            if name in ("source", "url", "crawled_at") or value is None:
                continue
            expected = getattr(other, name)
            if isinstance(value, float) and isinstance(expected, float):
                if row.source == "dom":
                    expected = round(expected, 2)
                same = math.isclose(value, expected, rel_tol=1e-9, abs_tol=1e-12)
            else:
                same = value == expected
            if not same:
                fields_count[name] = fields_count.get(name, 0) + 1
                differences.append({"key": list(key), "field": name, "crawled": value, "dataset": expected})
    return {"rows_compared": len(found) - len(missing), "fields": fields_count, "differences": differences,
            "missing_in_dataset": missing}


class LeaderboardSpider(scrapy.Spider):
    name = "leaderboard"
    custom_settings = PLAYWRIGHT_SETTINGS | {"CONCURRENT_REQUESTS": 1}

    def __init__(self, models: str | None = None, source: str = "browser", verify: str | None = None,
                 *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if source not in ("browser", "dataset"):
            raise ValueError("source must be 'browser' or 'dataset'")
        if verify not in (None, "", "dataset"):
            raise ValueError("verify takes only 'dataset'")
        self.models_spec = models
        self.source = source
        self.verify = bool(verify) and source == "browser"
        self.browser_rows: dict[tuple, Any] = {}
        self.wanted: dict[str, str] | None = None
        self.payloads: list[Any] = []
        self.data_seen = False

    @classmethod
    def update_settings(cls, settings) -> None:
        super().update_settings(settings)
        options = dict(settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"))
        if "executable_path" not in options:
            try:
                options["executable_path"] = find_chromium(settings.get("CHROMIUM_EXECUTABLE") or None)
            except RuntimeError:
                options.pop("executable_path", None)  # the dataset source needs no browser; browser runs fail later
        options.setdefault("headless", True)
        options.setdefault("args", CHROMIUM_ARGS)
        options.setdefault("timeout", 30_000)
        settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", options, priority="spider")

    async def start(self):
        try:
            models = load_models(self.models_spec, self.settings.get("DATA_DIR"))
        except DatasetError as exc:
            fail_crawl(self.crawler, "leaderboard/bad_models_argument", str(exc))
            return
        if models is not None:
            self.wanted = {normalize_repo_id(m): m for m in models}
        if self.source == "dataset":
            yield self.dataset_info_request(verify=False)
            return
        if not self.settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS").get("executable_path"):
            find_chromium(self.settings.get("CHROMIUM_EXECUTABLE") or None)  # raises with the install hint
        yield scrapy.Request(self.settings.get("LEADERBOARD_URL"), callback=self.parse_board, errback=self.board_failed,
                             dont_filter=True,
                             meta={"playwright": True, "playwright_include_page": True,
                                   "playwright_context_kwargs": {"viewport": {"width": 1600, "height": 4000}},
                                   "playwright_page_event_handlers": {"response": "capture_response"}})

    async def capture_response(self, response: Any) -> None:
        if response.url.split("?", 1)[0].endswith(DATA_SUFFIX):
            self.data_seen = True
            try:
                self.payloads.append(await response.json())
            except Exception as exc:  # noqa: BLE001 - Playwright raises several kinds; count and fall back
                self.crawler.stats.inc_value("leaderboard/bad_data_response")
                self.logger.error("data response %s was not JSON: %r", response.url, exc)

    # -- browser path -------------------------------------------------------------------------
    async def parse_board(self, response: Response):
        page = response.meta["playwright_page"]
        timeout = self.settings.getfloat("LEADERBOARD_TIMEOUT") * 1000
        try:
            frame = page.main_frame
            if await page.locator("iframe").count():
                handle = await page.locator("iframe").first.element_handle()
                frame = await handle.content_frame()
            try:
                await frame.wait_for_selector(HUB_LINK, timeout=timeout)
            except Exception:  # noqa: BLE001 - a Playwright TimeoutError: no rows rendered
                self.logger.error("no leaderboard rows rendered at %s within %.0f s", frame.url, timeout / 1000)
            for _ in range(50):
                if not self.data_seen or self.payloads:
                    break
                await asyncio.sleep(0.1)
            items = list(self.rows_from_payloads(frame.url))
            if items:
                self.crawler.stats.set_value("leaderboard/path", "json")
                self.logger.info("leaderboard path: json (captured %s)", DATA_SUFFIX)
            else:
                self.logger.warning("leaderboard data response not seen at %s; falling back to the rendered table",
                                    frame.url)
                items = await self.rows_from_dom(frame)
                if items:
                    self.crawler.stats.set_value("leaderboard/path", "dom")
                    self.logger.info("leaderboard path: dom (%d rows read by scrolling)", len(items))
        finally:
            await page.close()
        if not items:
            fail_crawl(self.crawler, "leaderboard/no_rows",
                       f"neither the data response nor the table yielded rows at {response.url}: layout changed?")
            return
        for item in self.select(items):
            if self.verify:
                self.browser_rows[(item.model_id, item.precision, item.revision)] = item
            yield item
        if self.verify:
            yield self.dataset_info_request(verify=True)

    async def board_failed(self, failure):
        page = failure.request.meta.get("playwright_page")
        if page is not None:
            await page.close()
        fail_crawl(self.crawler, "leaderboard/page_failed", f"could not load {failure.request.url}: {failure.value!r}")
        self.logger.debug("page failure", exc_info=failure.value)

    def rows_from_payloads(self, url: str):
        crawled_at = datetime.now(UTC)
        for payload in self.payloads:
            if not isinstance(payload, list):
                fail_crawl(self.crawler, "leaderboard/unexpected_shape", f"data response at {url} is not a list")
                continue
            for row in payload:
                try:
                    yield item_from_formatted(row, source="json", url=url, crawled_at=crawled_at)
                except LeaderboardShapeError as exc:
                    self.crawler.stats.inc_value("leaderboard/bad_rows")
                    self.logger.debug("%s", exc)

    async def rows_from_dom(self, frame: Any) -> list[Any]:
        if not await frame.locator(HUB_LINK).count():
            return []
        if self.wanted is not None and len(self.wanted) <= self.settings.getint("LEADERBOARD_SEARCH_MAX"):
            return await self.rows_by_search(frame)
        return await self.rows_by_scrolling(frame)

    async def rows_by_search(self, frame: Any) -> list[Any]:
        """The app's own `#/?search=` filter, one model at a time, on a few pages of one browser."""
        names = sorted(self.wanted.values())
        workers = max(1, min(self.settings.getint("LEADERBOARD_DOM_PAGES"), len(names)))
        frames = [frame]
        extra_pages = []
        try:
            for _ in range(workers - 1):
                page = await frame.page.context.new_page()
                extra_pages.append(page)
                await page.goto(frame.url.split("#", 1)[0])
                await page.wait_for_selector(HUB_LINK, timeout=self.settings.getfloat("LEADERBOARD_TIMEOUT") * 1000)
                frames.append(page.main_frame)
            crawled_at = datetime.now(UTC)
            collected: dict[tuple, Any] = {}

            async def work(worker_frame: Any, share: list[str]) -> None:
                for name in share:
                    hash_ = "#/?" + urlencode({"search": name, "columns": DOM_COLUMNS})
                    await worker_frame.evaluate(SET_HASH_JS, hash_)
                    await self.collect_rendered(worker_frame, collected, crawled_at)

            await asyncio.gather(*(work(f, names[i::workers]) for i, f in enumerate(frames)))
            self.crawler.stats.set_value("leaderboard/dom_searches", len(names))
            return list(collected.values())
        finally:
            for page in extra_pages:
                await page.close()

    async def rows_by_scrolling(self, frame: Any) -> list[Any]:
        await frame.evaluate(f"() => {{ location.hash = '#/?columns={DOM_COLUMNS}'; }}")
        await frame.wait_for_selector('thead th[data-column="metadata.co2_cost"]')
        collected: dict[tuple, Any] = {}
        crawled_at = datetime.now(UTC)
        for _ in range(100_000):
            await self.collect_rendered(frame, collected, crawled_at)
            top, height, client, before = await frame.evaluate(SCROLL_JS)
            if top == before or top + client >= height + client:
                break
            await frame.wait_for_timeout(30)
        await self.collect_rendered(frame, collected, crawled_at)
        return list(collected.values())

    async def collect_rendered(self, frame: Any, collected: dict[tuple, Any], crawled_at: datetime) -> None:
        """Add the rows the table renders right now; a row that cannot be read is counted, not kept."""
        for cells in await frame.evaluate(READ_ROWS_JS):
            try:
                item = item_from_cells(cells, url=frame.url, crawled_at=crawled_at)
            except LeaderboardShapeError as exc:
                self.crawler.stats.inc_value("leaderboard/bad_rows")
                self.logger.debug("%s", exc)
                continue
            collected.setdefault((item.model_id, item.precision, item.revision), item)

    # -- dataset path -------------------------------------------------------------------------
    def dataset_info_request(self, *, verify: bool) -> scrapy.Request:
        endpoint = self.settings.get("HUB_ENDPOINT").rstrip("/")
        return scrapy.Request(f"{endpoint}/api/datasets/open-llm-leaderboard/contents",
                              callback=self.parse_dataset_info, cb_kwargs={"verify": verify}, dont_filter=True)

    def parse_dataset_info(self, response: Response, verify: bool = False):
        siblings = json.loads(response.text).get("siblings", [])
        files = [s["rfilename"] for s in siblings if s.get("rfilename", "").endswith(".parquet")]
        if not files:
            fail_crawl(self.crawler, "leaderboard/unexpected_shape", f"no parquet file listed at {response.url}")
            return
        endpoint = self.settings.get("HUB_ENDPOINT").rstrip("/")
        for name in files:
            yield scrapy.Request(f"{endpoint}/datasets/open-llm-leaderboard/contents/resolve/main/{name}",
                                 callback=self.parse_dataset_file, cb_kwargs={"verify": verify})

    def parse_dataset_file(self, response: Response, verify: bool = False):
        try:
            table = pq.read_table(io.BytesIO(response.body))
        except Exception as exc:  # noqa: BLE001 - pyarrow raises several kinds
            fail_crawl(self.crawler, "leaderboard/corrupt_parquet", f"unreadable parquet at {response.url}: {exc}")
            return
        crawled_at = datetime.now(UTC)
        items = []
        for row in table.to_pylist():
            try:
                items.append(item_from_raw(row, url=response.url, crawled_at=crawled_at))
            except LeaderboardShapeError as exc:
                self.crawler.stats.inc_value("leaderboard/bad_rows")
                self.logger.debug("%s", exc)
        if verify:
            self.report_differences(items, response.url)
            return
        self.crawler.stats.set_value("leaderboard/path", "dataset")
        if not items:
            fail_crawl(self.crawler, "leaderboard/no_rows", f"no usable row in {response.url}")
        yield from self.select(items)

    def report_differences(self, dataset_items: list[Any], url: str) -> None:
        """`-a verify=dataset`: every field where a browser row and its dataset row disagree."""
        reference = {(i.model_id, i.precision, i.revision): i for i in dataset_items}
        report = compare_rows(self.browser_rows, reference)
        stats = self.crawler.stats
        stats.set_value("leaderboard/verify/rows_compared", report["rows_compared"])
        stats.set_value("leaderboard/verify/missing_in_dataset", len(report["missing_in_dataset"]))
        stats.set_value("leaderboard/verify/differences", len(report["differences"]))
        for field_name, count in report["fields"].items():
            stats.set_value(f"leaderboard/verify/fields/{field_name}", count)
        path = Path(self.settings.get("DATA_DIR")) / "leaderboard_verify.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=1, default=str))
        self.logger.info("verify=dataset against %s: %d rows compared, %d differing fields %s, %d not in the "
                         "dataset; details in %s", url, report["rows_compared"], len(report["differences"]),
                         report["fields"] or "", len(report["missing_in_dataset"]), path)

    # -- restriction to requested models ------------------------------------------------------
    def select(self, items: list[Any]):
        self.crawler.stats.set_value("leaderboard/rows_on_board", len(items))
        if self.wanted is None:
            yield from items
            return
        found: set[str] = set()
        for item in items:
            key = normalize_repo_id(item.model_id)
            if key in self.wanted:
                found.add(key)
                yield item
        missing = sorted(self.wanted[k] for k in set(self.wanted) - found)
        self.crawler.stats.set_value("leaderboard/requested", len(self.wanted))
        self.crawler.stats.set_value("leaderboard/requested_not_on_board", len(missing))
        if missing:
            self.logger.warning("%d requested models are not on the leaderboard: %s", len(missing),
                                ", ".join(missing[:20]) + (" ..." if len(missing) > 20 else ""))
            path = Path(self.settings.get("DATA_DIR")) / "leaderboard_missing.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\n".join(missing) + "\n")
