"""Hostile cases: faults, hard kills, leaks and bad inputs, each run against the real CLI."""
