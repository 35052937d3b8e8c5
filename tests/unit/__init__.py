"""The unit tier: in-process tests only (no subprocess, no sleep, no wall-clock bound); `-m "not e2e"`."""
