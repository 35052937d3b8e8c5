"""Which fields the Hub's model endpoints return (docs/hub-api.md §4–5): the accepted `expand` values in the
order of the Hub's own 400 message, the default fields of model info and of list items, the extras of
`full=true`, and the sort keys."""

from __future__ import annotations

EXPAND_PROPERTIES = (
    "author", "baseModels", "cardData", "config", "createdAt", "disabled", "downloads", "downloadsAllTime",
    "evalResults", "gated", "inference", "inferenceProviderMapping", "lastModified", "library_name", "likes",
    "mask_token", "model-index", "pipeline_tag", "private", "safetensors", "sha", "siblings", "spaces", "tags",
    "transformersInfo", "trendingScore", "widgetData", "gguf", "resourceGroup", "xetEnabled",
    "childrenModelCount", "usedStorage",
)
# `/api/models/{id}` without `expand`: no downloadsAllTime, trendingScore, childrenModelCount, baseModels,
# evalResults (recorded: model_info_*.json). Fields a repo lacks (gguf, safetensors, …) stay absent.
MODEL_INFO_FIELDS = (
    "_id", "id", "modelId", "author", "sha", "lastModified", "private", "disabled", "gated", "pipeline_tag",
    "tags", "downloads", "library_name", "widgetData", "likes", "model-index", "config", "cardData",
    "transformersInfo", "spaces", "siblings", "createdAt", "safetensors", "gguf", "usedStorage",
)
DEFAULT_LIST_FIELDS = (
    "_id", "id", "likes", "trendingScore", "private", "downloads", "tags", "pipeline_tag",
    "library_name", "createdAt", "modelId",
)
FULL_EXTRA_FIELDS = ("author", "sha", "lastModified", "gated", "disabled", "siblings", "safetensors",
                     "gguf", "baseModels", "transformersInfo", "spaces", "widgetData", "model-index",
                     "inference", "usedStorage")
SORT_FIELDS = ("downloads", "likes", "createdAt", "lastModified", "trendingScore")
