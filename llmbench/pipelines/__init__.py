"""Item pipelines, one per module; order numbers live in settings.ITEM_PIPELINES."""
