"""The end-to-end tier: `scrapy crawl` subprocesses against the replica, hostile servers, Chromium, the demo."""
