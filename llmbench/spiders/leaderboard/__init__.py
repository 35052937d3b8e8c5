"""`scrapy crawl leaderboard`: every Open LLM Leaderboard row, from one page load in Chromium.

    scrapy crawl leaderboard                               # the whole board (4,576 rows)
    scrapy crawl leaderboard -a models=org/a,org/b         # or a .txt/.csv/.parquet file, or `hub`
    scrapy crawl leaderboard -a source=dataset             # the board's own parquet, no browser
    scrapy crawl leaderboard -a board=v1                   # the archived v1 board (7,169 rows), no browser

Where each concern lives: `spider.py` (arguments, which path runs, requested models, the dataset
fallback), `space_runtime.py` (the Space's stage, asked before the browser starts), `browser_path.py`
(the app's own data response, captured in Chromium), `dom_reader.py` (the rendered table, when that
response is never seen), `dataset_path.py` (the `contents` dataset, no browser), `v1_space_path.py`
(the archived v1 board's Space page, its table embedded in `window.gradio_config`, no browser).
The spider holds one object per path, each with its own state (spider.py).
The log says which path ran; if none yields rows the crawl fails loudly (non-zero exit).
"""

from llmbench.spiders.leaderboard.spider import LeaderboardSpider

__all__ = ["LeaderboardSpider"]
