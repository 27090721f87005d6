"""Model validation: metrics, promotion gates, plots (no Dagster imports)."""
