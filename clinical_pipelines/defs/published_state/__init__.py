"""Watch the published state (lakeFS main heads, MLflow champion alias) against the audit log."""
