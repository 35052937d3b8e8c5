"""Scrapy extensions: closing summary and terminal progress."""
