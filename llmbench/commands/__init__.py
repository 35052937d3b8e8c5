"""Custom Scrapy commands (COMMANDS_MODULE)."""

from __future__ import annotations

import gc

from scrapy.exceptions import UsageError

from llmbench.tls_trust import CaBundleError, export_ca_bundle


def keep_startup_objects_out_of_gc() -> None:
    """Exempt what start-up built (every imported module, the settings) from cyclic garbage collection.

    Called once the crawl is set up, before the reactor starts: those objects live until the process
    exits, yet each full collection walks them all. `gc.freeze()` moves them aside; reference counting
    still frees them, and whatever the crawl creates afterwards is collected as before.

    Process-wide, so only a command calls it (it owns the process; no component changes GC state). Kept
    because the figures demand it (benchmarks.startup and benchmarks.hub --models 20000, 2-core machine):
    without it a one-request crawl takes 0.84 s instead of 0.66 s, and the hub spider's CPU falls from
    ~14,000 to ~8,500 models/s, under issue 15's goal of 10,000.
    """
    gc.freeze()


def trust_ca_bundle() -> None:
    """Honour REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE as SSL_CERT_FILE (llmbench/tls_trust.py); a named bundle
    that cannot be read is a usage error (one line, exit 2) before any crawler exists."""
    try:
        export_ca_bundle()
    except CaBundleError as exc:
        raise UsageError(f"{exc}: name a readable PEM file of the CA certificates to trust") from None
