"""llmbench's own Scrapy signals, where both the senders (pipelines) and the listeners (spiders) import them."""

from __future__ import annotations

# Sent by the parquet writer after each batch is on disk, with `items=` the written items:
# lets spiders checkpoint their progress.
batch_written = object()
