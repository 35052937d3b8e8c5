"""The DOM path: read the rendered, virtualized table when the app's data response is never seen.

Two ways, both through the app's own URL state (docs/leaderboard.md §5-6): one `#/?search=` per requested
model on a few pages of the same browser, or, for the whole board, scroll the table container and
collect the rows each position renders. Only what the table shows is read: normalized scores with two
decimals, no raw scores; the app's default type filter hides the 7 "❓other" rows.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from scrapy.settings import Settings
from scrapy.statscollectors import StatsCollector

from llmbench.items import LeaderboardItem
from llmbench.parsing.leaderboard import BENCHMARKS, LeaderboardShapeError, item_from_cells, key_of

logger = logging.getLogger(__name__)

# The model's Hub link: the one stable selector of a rendered row (docs/leaderboard.md §6).
HUB_LINK = 'tbody tr td a[aria-label$=" on Hugging Face Hub"]'
# Every column the table can show that an item holds, so one rendered row gives a whole item.
DOM_COLUMNS = ",".join([
    "model.precision", "model.sha", "model.architecture", "model.average_score",
    *(f"evaluations.{bench}.normalized_score" for bench in BENCHMARKS),
    "metadata.co2_cost", "metadata.params_billions", "metadata.hub_license", "metadata.hub_hearts",
    "features.is_not_available_on_hub", "features.is_official_provider", "features.is_moe",
    "features.is_flagged", "metadata.upload_date", "metadata.submission_date", "metadata.generation",
    "metadata.base_model", "model.has_chat_template",
])
# Header keys from <th data-column>, the model from its Hub link, the type from its tooltip.
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
# Sets the hash; resolves once the app has re-rendered (false after 3 s if the hash did not change).
SET_HASH_JS = """(hash) => new Promise(resolve => {
  const done = () => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)));
  window.addEventListener('hashchange', done, {once: true});
  setTimeout(() => resolve(false), 3000);
  location.hash = hash;
})"""
# Scrolls one screen down and resolves after three frames (scroll event, the app's redraw, paint):
# [moved, at_end].
SCROLL_JS = """() => new Promise(resolve => {
  const c = document.querySelector('.MuiTableContainer-root');
  const before = c.scrollTop;
  c.scrollTop = before + c.clientHeight;
  const moved = c.scrollTop !== before;
  const atEnd = c.scrollTop + c.clientHeight >= c.scrollHeight - 1;
  requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(() => resolve([moved, atEnd]))));
})"""
MAX_SCROLL_STEPS = 100_000
# Tall: more rows rendered per scroll step and per search (the data path keeps the default size).
VIEWPORT = {"width": 1600, "height": 4000}


class DomReader:
    """Reads rows off a rendered app frame; unreadable rows are counted, not kept."""

    def __init__(self, settings: Settings, stats: StatsCollector) -> None:
        self.timeout_ms = settings.getfloat("LEADERBOARD_TIMEOUT") * 1000
        self.search_max = settings.getint("LEADERBOARD_SEARCH_MAX")
        self.pages = settings.getint("LEADERBOARD_DOM_PAGES")
        self.stats = stats
        self.crawled_at = datetime.now(UTC)

    async def read(self, frame: Any, wanted: list[str] | None) -> list[LeaderboardItem]:
        """Rows for the `wanted` model names (searched one by one), or the whole board (scrolled)."""
        if not await frame.locator(HUB_LINK).count():
            return []
        await frame.page.set_viewport_size(VIEWPORT)
        if wanted is not None and len(wanted) <= self.search_max:
            return await self.by_search(frame, sorted(wanted))
        return await self.by_scrolling(frame)

    async def by_search(self, frame: Any, names: list[str]) -> list[LeaderboardItem]:
        """The app's own `#/?search=` filter, one model at a time, on a few pages of one browser."""
        workers = max(1, min(self.pages, len(names)))
        frames, extra_pages = [frame], []
        collected: dict[tuple, LeaderboardItem] = {}
        try:
            for _ in range(workers - 1):
                page = await frame.page.context.new_page()
                extra_pages.append(page)
                await page.set_viewport_size(VIEWPORT)
                await page.goto(frame.url.split("#", 1)[0])
                await page.wait_for_selector(HUB_LINK, timeout=self.timeout_ms)
                frames.append(page.main_frame)

            async def work(worker_frame: Any, share: list[str]) -> None:
                for name in share:
                    await worker_frame.evaluate(SET_HASH_JS, "#/?" + urlencode({"search": name,
                                                                                  "columns": DOM_COLUMNS}))
                    await self.collect(worker_frame, collected)

            await asyncio.gather(*(work(f, names[i::workers]) for i, f in enumerate(frames)))
            self.stats.set_value("leaderboard/dom_searches", len(names))
            return list(collected.values())
        finally:
            for page in extra_pages:
                await page.close()

    async def by_scrolling(self, frame: Any) -> list[LeaderboardItem]:
        """Every row the default view lists: scroll the container until it cannot move further."""
        await frame.evaluate(SET_HASH_JS, f"#/?columns={DOM_COLUMNS}")
        await frame.wait_for_selector('thead th[data-column="metadata.co2_cost"]', timeout=self.timeout_ms)
        collected: dict[tuple, LeaderboardItem] = {}
        for _ in range(MAX_SCROLL_STEPS):
            await self.collect(frame, collected)
            moved, at_end = await frame.evaluate(SCROLL_JS)
            if at_end or not moved:
                if moved:
                    await self.collect(frame, collected)
                break
        return list(collected.values())

    async def collect(self, frame: Any, collected: dict[tuple, LeaderboardItem]) -> None:
        """Add the rows the table renders right now."""
        for cells in await frame.evaluate(READ_ROWS_JS):
            try:
                item = item_from_cells(cells, url=frame.url, crawled_at=self.crawled_at)
            except LeaderboardShapeError as exc:
                self.stats.inc_value("leaderboard/bad_rows")
                logger.debug("%s", exc)
                continue
            collected.setdefault(key_of(item), item)
