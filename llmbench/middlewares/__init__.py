"""Downloader middlewares other than politeness (llmbench/politeness/).

Order numbers live in settings.DOWNLOADER_MIDDLEWARES."""
