"""Deterministic synthetic data: annotated clinical notes and a seeded multi-site cohort (no Dagster)."""
