"""Community Evals: benchmark datasets, per-model results on the catalog's records, and their endpoints."""
