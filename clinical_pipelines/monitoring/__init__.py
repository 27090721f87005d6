"""Post-deployment monitoring: input drift and retraining triggers (no Dagster imports)."""
