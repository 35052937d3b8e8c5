"""Hostile cases that need no crawl: bad inputs and leaks checked in process (the crawls: tests/e2e/hostile/)."""
