"""Politeness towards the Hub: one download slot per rate-limit bucket, paced by the Hub's own headers.

`addon.HubPoliteness` (in ADDONS) turns the HUB_RATE_* settings into DOWNLOAD_SLOTS once per crawl;
`middlewares.hub_slots` tags each Hub request with its bucket's slot. `buckets` holds the vocabulary
both share.
"""
