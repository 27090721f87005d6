"""Reference-standard labels: inter-rater agreement and consensus (no Dagster imports)."""
