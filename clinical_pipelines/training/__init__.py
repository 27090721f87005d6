"""Data splitting and model definition (no Dagster imports)."""
