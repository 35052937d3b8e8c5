"""Custom Scrapy commands (COMMANDS_MODULE)."""

from __future__ import annotations

import gc


def keep_startup_objects_out_of_gc() -> None:
    """Exempt what start-up built (every imported module, the settings) from cyclic garbage collection.

    Called once the crawl is set up, before the reactor starts: those objects live until the process
    exits, yet each full collection walks them all, and the interpreter runs two full collections on its
    way out (about 0.2 s of a one-request crawl here). `gc.freeze()` moves them aside; reference counting
    still frees them, and whatever the crawl creates afterwards is collected as before.
    """
    gc.freeze()
