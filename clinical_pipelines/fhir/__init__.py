"""FHIR R4 Bulk Data import: a ``$export`` folder (NDJSON + manifest) -> a study's tables.

Plain modules, no Dagster: :mod:`.export` reads the folder, :mod:`.resources` parses lines with
``fhir.resources`` (R4B models), :mod:`.demographics`, :mod:`.observations`, :mod:`.conditions` and
:mod:`.notes` flatten resources, :mod:`.links` resolves references, :mod:`.importer` writes
``encounters.csv``, ``notes.jsonl`` and the report, :mod:`.columns` declares every output column's
source and study role, :mod:`.mapping` reads the LOINC / ICD-10 / SNOMED CT map,
:mod:`.synthetic` builds a test export. See docs/FHIR_IMPORT.md.
"""
