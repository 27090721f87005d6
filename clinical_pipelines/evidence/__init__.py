"""Evidence documents and the verifiable evidence bundle (no Dagster imports)."""
