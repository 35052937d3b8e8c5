"""Which fields the Hub's model endpoints return: the accepted `expand` values, the default list
fields, the extras of `full=true`, and the sort keys (hub.md §2–4)."""

from __future__ import annotations

EXPAND_PROPERTIES = (
    "author", "baseModels", "cardData", "childrenModelCount", "config", "createdAt", "disabled",
    "downloads", "downloadsAllTime", "evalResults", "gated", "gguf", "inference",
    "inferenceProviderMapping", "lastModified", "library_name", "likes", "mask_token", "model-index",
    "pipeline_tag", "private", "resourceGroup", "safetensors", "sha", "siblings", "spaces", "tags",
    "transformersInfo", "trendingScore", "usedStorage", "widgetData",
)
DEFAULT_LIST_FIELDS = (
    "_id", "id", "likes", "trendingScore", "private", "downloads", "tags", "pipeline_tag",
    "library_name", "createdAt", "modelId",
)
FULL_EXTRA_FIELDS = ("author", "sha", "lastModified", "gated", "disabled", "siblings", "safetensors",
                     "gguf", "baseModels", "transformersInfo", "spaces", "widgetData", "model-index",
                     "inference", "usedStorage")
SORT_FIELDS = ("downloads", "likes", "createdAt", "lastModified", "trendingScore")
