"""Scrapy settings for llmbench.

Defaults are for the real huggingface.co: polite, identified, inside the Hub's published anonymous
rate limits. Every external URL is a setting (and an environment variable), so the same code runs
against the offline replica (`python -m llmbench.replica` prints the `export` lines). Override any
of these in this file, with `-s NAME=value`, or in a spider's `custom_settings`.

The HF token is deliberately *not* a setting: Scrapy logs overridden settings, and a token must never
reach a log. It is HF_TOKEN, else HF_TOKEN in ./.env, else huggingface_hub's token file (hub_endpoint.hub_token);
see middlewares/hub_auth.py. URLs below must carry no credentials (`user:pass@`): refused before a crawl
starts (llmbench/startup.py), as is a CRAWL_DATE that is not YYYY-MM-DD.
"""

from __future__ import annotations

import os

from llmbench import __version__

BOT_NAME = "llmbench"
SPIDER_MODULES = ["llmbench.spiders"]
NEWSPIDER_MODULE = "llmbench.spiders"
COMMANDS_MODULE = "llmbench.commands"

# --- Where things are -----------------------------------------------------------------------------
# The Hub: API, model pages and file resolvers. `HF_ENDPOINT` is huggingface_hub's own variable.
HUB_ENDPOINT = os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")
# The Open LLM Leaderboard Space page; the spider follows its iframe to the app.
LEADERBOARD_URL = os.environ.get(
    "LLMBENCH_LEADERBOARD_URL", "https://huggingface.co/spaces/open-llm-leaderboard/open_llm_leaderboard"
)
# The archived v1 board (2023-04 → 2024-06), `-a board=v1`: its Gradio app, whose page embeds the whole
# table in `window.gradio_config` (read with one plain request, no browser; docs/leaderboard.md "The v1 board").
LEADERBOARD_V1_URL = os.environ.get(
    "LLMBENCH_LEADERBOARD_V1_URL", "https://open-llm-leaderboard-old-open-llm-leaderboard.hf.space/"
)
# Crawled datasets land in DATA_DIR/<dataset>/crawl_date=YYYY-MM-DD/*.parquet (see DATA.md).
DATA_DIR = os.environ.get("LLMBENCH_DATA_DIR", "data")
# The snapshot (partition) a crawl writes to, YYYY-MM-DD. Empty = the crawl's start date in UTC.
CRAWL_DATE = os.environ.get("LLMBENCH_CRAWL_DATE", "")
# Chromium for the leaderboard spider. Empty = auto-detect: Playwright's own download
# (`playwright install chromium`), else /usr/bin/chromium (Debian's `chromium` package).
CHROMIUM_EXECUTABLE = os.environ.get("LLMBENCH_CHROMIUM", "")

# --- Identity and politeness ------------------------------------------------------------------------
USER_AGENT = f"llmbench/{__version__} (+https://github.com/llmbench/llmbench; open-LLM research crawler)"
# robots.txt: obeyed for every HTML page we fetch (model pages, the Space page). The hub spider opts
# out for /api/ only: the REST API is a documented interface for programs, governed by its own
# RateLimit headers, which the rate-limit middleware honours.
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_TIMEOUT = 60
# AutoThrottle adapts to latency for every host. Requests to the Hub are paced by their rate-limit
# bucket instead (HUB_RATE_* below), which AutoThrottle does not adjust.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# The Hub's fixed-window quotas per 5 minutes (docs/hub-api.md §6): anonymous, and with an HF token. The
# HubPoliteness add-on (ADDONS below) turns them into one download slot per bucket (DOWNLOAD_SLOTS).
HUB_RATE_PACING = True
HUB_RATE_WINDOW = 300
HUB_RATE_BUDGETS = {"api": 500, "resolvers": 3000, "pages": 100}
HUB_RATE_BUDGETS_AUTHENTICATED = {"api": 1000, "resolvers": 5000, "pages": 200}
# Use at most this share of a quota, leaving room for the user's other tools. Within a window requests go
# out freely while more than twice the reserve (1 - share) is left, then spread over the rest of the
# window, and stop once only the reserve is left, as the `RateLimit` headers tell (politeness/budget.py).
HUB_RATE_SHARE = 0.9
HUB_RATE_CONCURRENCY = {"api": 2, "resolvers": 2, "pages": 1}
# Requests a resolver redirects off the Hub (LFS files on its storage/CDN origin: ranged reads of safetensors
# headers) share one slot of this concurrency and no fixed delay. The storage origin has no quota; AutoThrottle
# is kept off it because it never lowers its delay on 206 answers, which would hold every ranged read at its
# 1 s start delay. The Hub's resolver request before each redirect is paced as usual.
HUB_STORAGE_CONCURRENCY = 2

# --- TLS -------------------------------------------------------------------------------------------
# Server certificates are verified (chain against the system's trust store, or the bundle named by
# SSL_CERT_FILE / REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE; host name against the certificate) before any
# request, and so before the HF token, is sent: Scrapy's own default is not to verify. Turning it off
# (-s DOWNLOAD_VERIFY_CERTIFICATES=False, for debugging) also stops the token being sent at all.
DOWNLOAD_VERIFY_CERTIFICATES = True

# 429s are handled by RateLimitMiddleware (RateLimit / Retry-After; politeness/ratelimit.py), not retried blindly.
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408]
# Running out of retries is a WARNING: the request's errback decides whether its loss fails the crawl (a
# fallback may cover it), and one nobody handles fails it anyway (llmbench/logformatter.py). Any ERROR fails it.
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"
RATELIMIT_MAX_RETRIES = 10  # 429s per request before giving up on it
RATELIMIT_MARGIN = 1.0  # seconds added to the advertised reset
RATELIMIT_BACKOFF = 5.0  # first wait when a 429 carries no header; doubles per attempt
RATELIMIT_MAX_WAIT = 360.0  # longest wait for a window; a request that would wait longer is given up

ADDONS = {
    # Runs before any component is built (after the spider's custom_settings and -s options): adds the
    # politeness middlewares (slot tags 540, 429 hold 560, bucket pacing 650; their order is explained in
    # llmbench/politeness/addon.py) and computes DOWNLOAD_SLOTS once from the HUB_RATE_* settings.
    # The only add-on, so its order is moot.
    "llmbench.politeness.addon.HubPoliteness": 0,
}

DOWNLOADER_MIDDLEWARES = {
    # Requests pass in ascending order, responses in descending order (Scrapy's built-ins: robots.txt
    # 100, UserAgent 500, Retry 550, HttpCompression 590, Redirect 600, DownloaderStats 850, HttpCache 900).
    # The politeness middlewares (540, 560, 650) are added by the HubPoliteness add-on (ADDONS above).
    # 555: a refused TLS handshake is seen before Retry (550) could retry it, after pacing (650) and the
    # token's removal (950) saw the failure: one line naming the host, the crawl failed and closed.
    "llmbench.middlewares.tls_failures.TlsVerificationFailures": 555,
    # 950: last before the download handler, after HttpCache (900) and DownloaderStats (850): the token
    # is added at the last moment, so no other component stores, logs or re-schedules it.
    "llmbench.middlewares.hub_auth.HubAuthMiddleware": 950,
}
# --- Bounds: how large an answer may be, where a Hub request may go, which URL schemes exist at all ---------
# Scrapy's 1 GiB default would let one hostile answer (or a gzip bomb, limited decompressed as well) take
# gigabytes. 16 MiB covers model info, config.json, README, model pages; list pages and the leaderboard's data
# ask for more, eval.yaml for less, with the request's download_maxsize meta (llmbench/download_bounds.py).
# Over the limit: one line naming the URL and the limit, stat download/too_large, exit 1.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
# Only http(s) and data: (an internal restart request, spiders/model_pages.py): a Link header or a redirect to
# file://, s3:// or ftp:// has no handler to reach it.
DOWNLOAD_HANDLERS = {"file": None, "s3": None, "ftp": None}
DOWNLOADER_MIDDLEWARES.update({
    # 40: the lowest order, so its process_exception runs last: a download cancelled over DOWNLOAD_MAXSIZE
    # becomes one line (middlewares/size_limits.py) after every other middleware saw the original exception.
    "llmbench.middlewares.size_limits.SizeLimitMiddleware": 40,
    # 50: a redirect of a Hub request is followed within the Hub only (files: also their storage origin),
    # checked before robots.txt (100) would ask a foreign origin for its robots.txt (middlewares/stay_on_hub.py).
    "llmbench.middlewares.stay_on_hub.StayOnHubMiddleware": 50,
    # 590: Scrapy's HttpCompressionMiddleware, whose decompression over the limit is reported the same way.
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "llmbench.middlewares.size_limits.BoundedHttpCompression": 590,
})

# Components llmbench never uses are switched off the documented way, mapped to None: never built. (Scrapy
# 2.19 still imports each key of a component dict to normalize it, so the remote-control extension still
# imports aiohttp's web server and the cookies middleware tldextract and requests: start-up time, nothing
# more.) Cookies: the Hub API, resolvers and model pages need none (the browser keeps its own).
DOWNLOADER_MIDDLEWARES["scrapy.downloadermiddlewares.cookies.CookiesMiddleware"] = None
COOKIES_ENABLED = False

# --- Items and output -------------------------------------------------------------------------------
# Each pipeline handles single items and the hub spider's page items (a page's rows: one bad row costs
# that row alone; llmbench/pipelines/rows.py).
ITEM_PIPELINES = {
    # 100: first, drop items whose name is not a valid repo id before anything counts or stores them.
    "llmbench.pipelines.validate_name.ValidateNamePipeline": 100,
    # 200: then drop repeats (including rows already on disk on a resume), so later stages see each key once.
    "llmbench.pipelines.dedup.DedupPipeline": 200,
    # 750: count missing/invalid fields of the items that will be written, dropping nothing.
    "llmbench.pipelines.quality.QualityPipeline": 750,
    # 900: last, write what survived every stage above.
    "llmbench.pipelines.parquet_writer.ParquetWriterPipeline": 900,
}
PARQUET_BATCH_ITEMS = 1000  # a parquet file is finalized every N rows ...
PARQUET_BATCH_SECONDS = 30.0  # ... or every N seconds, so a crash loses at most one batch
# Row exporters: the hub spider yields a page per item, and these write its rows (one per model), as the
# formats' own exporters would write one item per model (llmbench/exporters.py).
FEED_EXPORTERS = {
    "parquet": "llmbench.exporters.ParquetItemExporter",
    "jsonlines": "llmbench.exporters.JsonLinesRowsExporter",
    "jsonl": "llmbench.exporters.JsonLinesRowsExporter",
    "json": "llmbench.exporters.JsonRowsExporter",
    "csv": "llmbench.exporters.CsvRowsExporter",
    "xml": "llmbench.exporters.XmlRowsExporter",
}

EXTENSIONS = {
    # Scrapy's extensions llmbench does not use (see the cookies middleware above).
    "scrapy.extensions.telnet.TelnetConsole": None,
    "scrapy.extensions.remote_control.RemoteControl": None,
    # -1: before all, so a second crawl on a DATA_DIR in use (DATA_DIR/.llmbench.lock) stops before anything starts.
    "llmbench.extensions.data_dir_lock.DataDirLock": -1,
    # 0: first, so a dead run's JOBDIR state is set aside before the scheduler and spiders open it.
    "llmbench.extensions.jobdir_guard.JobdirGuard": 0,
    # 1: decide the crawl date (pinned in JOBDIR) before any pipeline or spider reads CRAWL_DATE.
    "llmbench.extensions.crawl_date.CrawlDatePin": 1,
    # 10: early, so its error-log watch is in place before other components start.
    "llmbench.extensions.loud_failures.LoudFailures": 10,
    # 500: Scrapy's default slot for extensions; it only reads stats when the crawl closes.
    "llmbench.extensions.summary.CrawlSummary": 500,
    # 510: after the summary; independent of it, numbered apart only to keep the order stable.
    "llmbench.extensions.progress.Progress": 510,
    # 520: counts answers marked by llmbench's offline replica (`replica/*` stats, into the run record).
    "llmbench.extensions.replica_marker.ReplicaMarker": 520,
    # 900: last; its final record is written at engine_stopped with every other component's stats in.
    "llmbench.extensions.run_record.RunRecord": 900,
}
# 55: above HttpErrorMiddleware (50), whose exception handler would swallow an unhandled error status first.
SPIDER_MIDDLEWARES = {"llmbench.spidermiddlewares.unhandled_http_errors.UnhandledHttpErrors": 55}
PROGRESS_INTERVAL = 10.0  # seconds between progress lines (only on a terminal)

HTTPCACHE_IGNORE_HTTP_CODES = [429, 500, 502, 503, 504]
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
LOG_FORMATTER = "llmbench.logformatter.LlmbenchLogFormatter"  # no per-item record unless LOG_LEVEL=DEBUG

# --- Browser (leaderboard spider only: it applies these, and registers scrapy-playwright's download
# handler for the scheme of LEADERBOARD_URL alone, so one Playwright driver runs; none for -a source=dataset)
PLAYWRIGHT_SETTINGS = {
    "PLAYWRIGHT_BROWSER_TYPE": "chromium",
    "PLAYWRIGHT_ABORT_REQUEST": "llmbench.browser.abort_heavy_resources",
    # Scrapy's headers minus Authorization: the browser never carries the HF token (iframes, redirects).
    "PLAYWRIGHT_PROCESS_REQUEST_HEADERS": "llmbench.middlewares.hub_auth.browser_headers",
    "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": 60_000,
    "PLAYWRIGHT_MAX_CONTEXTS": 1,
    "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 4,
}
LEADERBOARD_TIMEOUT = 120.0  # seconds to wait for the board's data or rows
LEADERBOARD_SEARCH_MAX = 200  # DOM fallback: up to this many requested models, search each; else scroll all
LEADERBOARD_DOM_PAGES = 3  # DOM fallback: browser pages searching in parallel
# The Space whose runtime stage is asked before the browser starts (when LEADERBOARD_URL is not its page).
LEADERBOARD_SPACE = "open-llm-leaderboard/open_llm_leaderboard"
LEADERBOARD_SPACE_WAIT = 180.0  # seconds to wait for a BUILDING / APP_STARTING Space to run
LEADERBOARD_SPACE_POLL = 10.0  # seconds between runtime questions while waiting
# A Space that is not running (sleeping, paused, failed) or never shows its app: read the board from
# the open-llm-leaderboard/contents dataset instead (False: fail the crawl).
LEADERBOARD_DATASET_FALLBACK = True
