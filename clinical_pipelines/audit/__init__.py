"""Tamper-evident audit trail: hash-chained event log, Merkle anchors, verification, lineage trace.

No Dagster import here; ``clinical_pipelines.defs.audit`` wires it to Dagster.
"""
