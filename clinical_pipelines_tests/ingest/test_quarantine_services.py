"""Bad batches through the real ``raw_extract`` asset: quarantined with the reason committed, raw input kept,
an audit event recorded, and the Dagster failure naming file, row and column, never a value.

Real lakeFS (session fixture ``stack``) and a real, temporary Dagster instance; nothing mocked.
"""

from __future__ import annotations

import json
import uuid

import dagster as dg
import pytest

from clinical_pipelines.audit import events as audit_events
from clinical_pipelines.audit.store import AuditLog
from clinical_pipelines.settings import LANDING_REPOSITORY, Settings
from clinical_pipelines.defs.partitions import batch_key, register_batches
from clinical_pipelines.study.layout import landing_batch_prefix, landing_manifest_path, landing_quarantine_path
from clinical_pipelines_tests.ingest import batchkit as kit
from clinical_pipelines_tests.ingest.kinds import KINDS

pytestmark = pytest.mark.services

STUDY = "mace"  # the kit's extracts are batches of the built-in study

# one kind per file and failure family; every kind goes through the same quarantine path
QUARANTINED_KINDS = ("non-object-json-line", "non-iso-dates", "label-missing", "not-what-extension-says",
                     "truncated-in-quotes", "note-empty-text")


@pytest.fixture(scope="module")
def env(stack, tmp_path_factory):
    from clinical_pipelines.defs.resources import resources_for

    resources = resources_for(Settings.from_env())
    resources["lakefs"].repository(LANDING_REPOSITORY)
    instance = dg.DagsterInstance.local_temp(str(tmp_path_factory.mktemp("dagster_home")))
    return resources, instance, Settings.from_env()


def _retarget(files: dict[str, bytes], batch_id: str) -> dict[str, bytes]:
    """The same delivery under another batch id (extract.json names its folder)."""
    bom = b"\xef\xbb\xbf" if files["extract.json"].startswith(b"\xef\xbb\xbf") else b""
    desc = json.loads(files["extract.json"])
    return {**files, "extract.json": bom + json.dumps(dict(desc, batch_id=batch_id), indent=2).encode()}


def _land(resources, batch_id: str, files: dict[str, bytes]) -> None:
    s3 = resources["lakefs"].s3()
    for name, data in files.items():
        s3.put_object(Bucket=LANDING_REPOSITORY, Key=f"main/{landing_batch_prefix(STUDY, batch_id)}{name}", Body=data)


def _materialize(env, batch_id: str):
    from clinical_pipelines.defs.ingest.assets import raw_extract

    resources, instance, _ = env
    register_batches(instance, STUDY, [batch_id])
    return dg.materialize([raw_extract], partition_key=batch_key(STUDY, batch_id), instance=instance,
                          resources={"lakefs": resources["lakefs"], "studies": resources["studies"]},
                          raise_on_error=False)


def _failure_text(result) -> str:
    return "\n".join(e.step_failure_data.error.to_string() if e.step_failure_data.error else ""
                     for e in result.all_events if e.is_step_failure)


def _quarantine_events(settings, batch_id: str) -> list:
    with AuditLog(settings.audit_db_url) as log:
        return [e for e in log.query(event_type=audit_events.LAKEFS_COMMIT)
                if e.payload.get("batch_id") == batch_id and e.payload.get("status") == "quarantined"]


def _assert_quarantined(env, batch_id: str, files: dict[str, bytes], expect, planted=()) -> dict:
    resources, _, settings = env
    lakefs = resources["lakefs"]
    result = _materialize(env, batch_id)
    assert not result.success
    text = _failure_text(result)
    assert "quarantined" in text and sum(v in text for v in kit.SECRETS + tuple(planted)) == 0
    head = lakefs.head_commit(LANDING_REPOSITORY, "main")
    record = json.loads(lakefs.read_bytes(LANDING_REPOSITORY, head, landing_quarantine_path(STUDY, batch_id)))
    assert record["status"] == "quarantined" and record["batch_id"] == batch_id
    for file, row, column, words in expect:
        assert any(p["file"] == file and p["row"] == row and p["column"] == column and words in p["message"]
                   for p in record["problems"]), (file, row, column, words)
        assert file in text
    for name, data in files.items():  # the raw input is kept, byte for byte, in the committed head
        assert lakefs.read_bytes(LANDING_REPOSITORY, head, f"{landing_batch_prefix(STUDY, batch_id)}{name}") == data
    events = _quarantine_events(settings, batch_id)
    assert events and events[-1].subject == audit_events.lakefs_subject(LANDING_REPOSITORY, head)
    assert audit_events.batch_subject(batch_id) in events[-1].inputs
    assert sum(v in json.dumps(events[-1].payload) for v in kit.SECRETS + tuple(planted)) == 0
    return record


@pytest.mark.parametrize("kind_id", QUARANTINED_KINDS)
def test_bad_batch_is_quarantined_with_reason_raw_input_and_audit_event(env, kind_id):
    kind = KINDS[kind_id]
    batch_id = f"qa-{kind_id}-{uuid.uuid4().hex[:6]}"
    files = _retarget(kind.make(), batch_id)
    _land(env[0], batch_id, files)
    _assert_quarantined(env, batch_id, files, kind.expect, kind.planted)


def test_valid_batch_with_unicode_separators_in_notes_is_ingested(env):
    resources, _, _ = env
    batch_id = f"qa-unicode-{uuid.uuid4().hex[:6]}"
    files = _retarget(KINDS["unicode-line-separators"].make(), batch_id)
    _land(resources, batch_id, files)
    result = _materialize(env, batch_id)
    assert result.success, _failure_text(result)
    value = result.output_for_node("raw_extract")
    assert value["row_counts"] == {"encounters.csv": 3, "labels.csv": 6, "notes.jsonl": 3}


def test_a_batch_id_reused_with_different_content_is_quarantined(env):
    resources, _, _ = env
    batch_id = f"qa-reuse-{uuid.uuid4().hex[:6]}"
    first = _retarget(kit.build(), batch_id)
    _land(resources, batch_id, first)
    assert _materialize(env, batch_id).success
    assert _materialize(env, batch_id).success  # the same content again is not a reuse
    second = _retarget(kit.with_encounter_value(0, "heart_rate", "91"), batch_id)
    _land(resources, batch_id, second)
    record = _assert_quarantined(env, batch_id, second,
                                 (("encounters.csv", None, None, "batch id reused with different content"),))
    assert [p["file"] for p in record["problems"]] == ["encounters.csv"]
    assert record["files"]["encounters.csv"] != json.loads(resources["lakefs"].read_bytes(
        LANDING_REPOSITORY, "main", landing_manifest_path(STUDY, batch_id)))["files"]["encounters.csv"]
