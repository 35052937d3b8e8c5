"""Downloader middlewares; order numbers live in settings.DOWNLOADER_MIDDLEWARES."""
