"""Politeness towards the Hub: everything about its quotas, registered by one add-on.

`addon.HubPoliteness` (in ADDONS) adds the middlewares below to DOWNLOADER_MIDDLEWARES and turns the
HUB_RATE_* settings into DOWNLOAD_SLOTS once per crawl. `slots.HubSlotMiddleware` tags each Hub request
with its bucket's slot, `pacing.HubPacingMiddleware` paces each bucket by its window (`budget`),
`ratelimit.RateLimitMiddleware` handles 429s; `headers` reads the RateLimit headers, `waiting` lets a
wait end early when the crawl closes, and `buckets` holds the vocabulary they share.
"""
