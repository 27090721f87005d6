import hashlib
import io
import json

import pandas as pd
import pytest

from clinical_pipelines.deid.errors import DeidError, KeyMaterialError
from clinical_pipelines.deid.linkage import LinkageVault, create_vault_key
from clinical_pipelines.deid.pipeline import (CHECK_NAMES, K_ANONYMITY, NO_AGE_OVER_89, NO_FULL_DATES,
                                              NO_RESTRICTED_ZIP3, RESIDUAL_PHI_SCAN, RowLineage, deidentify_batch,
                                              evaluate_snapshot_checks, known_identifiers_of)
from clinical_pipelines.deid.report import render_markdown


def test_vault_records_every_access_without_values(tmp_path):
    events = []
    kf = create_vault_key(tmp_path / "secrets" / "linkage.key")
    v = LinkageVault(tmp_path / "vault", key_file=kf, on_access=events.append, accessor="pipeline")
    rows = pd.DataFrame({"namespace": ["patient"], "pseudonym": ["p1"], "source_table": ["encounters"],
                         "source_column": ["mrn"], "identifier": ["MRN-SECRET-1"]})
    assert v.store(rows, batch_id="b1") == 1
    assert b"MRN-SECRET-1" not in (tmp_path / "vault" / "linkage.sqlite").read_bytes()  # encrypted at rest
    got = v.lookup(["p1", "p2"], namespace="patient", purpose="safety recall", accessor="dr.auditor")
    assert got == {"p1": ["MRN-SECRET-1"]}
    assert [e["action"] for e in events] == ["write", "read"]
    read = events[-1]
    assert read["accessor"] == "dr.auditor" and read["purpose"] == "safety recall"
    assert read["pseudonyms_requested"] == 2 and read["pseudonyms_found"] == 1
    assert "MRN-SECRET-1" not in json.dumps(events)
    with pytest.raises(DeidError):
        v.lookup(["p1"], namespace="patient", purpose="", accessor="x")


def test_vault_needs_its_own_credential(tmp_path, monkeypatch):
    monkeypatch.delenv("CLINICAL_PIPELINES_LINKAGE_KEY_FILE", raising=False)
    with pytest.raises(KeyMaterialError):
        LinkageVault(tmp_path / "v")
    LinkageVault(tmp_path / "v", key_file=create_vault_key(tmp_path / "k1"))
    with pytest.raises(KeyMaterialError, match="wrong credential"):
        LinkageVault(tmp_path / "v", key_file=create_vault_key(tmp_path / "k2"))


@pytest.fixture(scope="module")
def batch():
    from clinical_pipelines.synthetic.cohort import CohortSpec, generate_cohort

    b = generate_cohort(CohortSpec(n_patients=40, sites=("northgate",), n_years=1))[0]
    enc = pd.read_csv(io.BytesIO(b.files["encounters.csv"]), dtype=str, keep_default_na=False, na_values=[""])
    notes = pd.read_json(io.BytesIO(b.files["notes.jsonl"]), lines=True, dtype=str)
    labels = pd.read_csv(io.BytesIO(b.files["labels.csv"]), dtype=str)
    lin = RowLineage(b.source_system, b.batch_id, {f: hashlib.sha256(v).hexdigest() for f, v in b.files.items()},
                     "code-hash")
    return enc, notes, labels, lin


@pytest.fixture(scope="module")
def deid(batch, policy, engine):
    import dataclasses

    enc, notes, labels, lin = batch
    pol = dataclasses.replace(policy, risk=dataclasses.replace(policy.risk, target_k=2))
    return pol, deidentify_batch(enc, notes, labels, policy=pol, key=bytes(range(32)), text_engine=engine, lineage=lin)


def test_batch_output_contract(batch, deid):
    enc, notes, labels, lin = batch
    pol, r = deid
    for df in (r.encounters, r.notes, r.labels):
        for c in ("lineage_source_system", "lineage_batch_id", "lineage_source_file_sha256", "lineage_transform_hash",
                  "lineage_consent"):
            assert c in df.columns
    assert {"patient_pid", "encounter_pid"} <= set(r.encounters.columns)
    assert {"note_pid", "encounter_pid", "patient_pid", "text"} <= set(r.notes.columns)
    assert {"rater_id", "labeled_at", "labeling_tool", "encounter_pid"} <= set(r.labels.columns)
    assert "identifier" not in r.encounters.columns and len(r.linkage_rows) > 0
    assert r.report["policy"]["sha256"] == pol.sha256 and len(r.report["safe_harbor_checklist"]) == 18
    md = render_markdown(r.report)
    assert "(R)" in md and pol.sha256 in md
    mrns = set(enc["mrn"])
    assert not any(m in md or m in json.dumps(r.report) for m in mrns)


def test_checks_pass_then_block_injected_phi(batch, deid, engine):
    enc, notes, _, _ = batch
    pol, r = deid
    known = known_identifiers_of(enc, notes)
    out = {o.name: o for o in evaluate_snapshot_checks(r.encounters, r.notes, policy=pol, known_identifiers=known,
                                                       text_engine=engine)}
    assert set(out) == set(CHECK_NAMES)
    assert all(o.passed for o in out.values()), {n: o.metadata for n, o in out.items() if not o.passed}
    # inject residual PHI into one note and break the structured rules
    bad_notes = r.notes.copy()
    bad_notes.loc[0, "text"] = bad_notes.loc[0, "text"] + f" call {enc['phone'][0]} re {enc['patient_name'][0]}"
    bad_enc = r.encounters.copy()
    bad_enc.loc[0, "zip3"] = "036"
    bad_enc.loc[1, "age"] = "95"
    bad_enc["admit_year"] = bad_enc["admit_year"].astype("string")
    bad_enc.loc[2, "admit_year"] = "2024-03-02"
    out = {o.name: o for o in evaluate_snapshot_checks(bad_enc, bad_notes, policy=pol, known_identifiers=known,
                                                       text_engine=engine)}
    assert not out[RESIDUAL_PHI_SCAN].passed and out[RESIDUAL_PHI_SCAN].metadata["notes_flagged"] == 1
    assert not out[NO_RESTRICTED_ZIP3].passed and not out[NO_AGE_OVER_89].passed and not out[NO_FULL_DATES].passed
    meta = json.dumps({n: o.metadata for n, o in out.items()})
    assert enc["patient_name"][0] not in meta and enc["phone"][0] not in meta


def test_k_check_blocks_low_k(deid, engine):
    import dataclasses

    pol, r = deid
    strict = dataclasses.replace(pol, risk=dataclasses.replace(pol.risk, target_k=10_000))
    out = {o.name: o for o in evaluate_snapshot_checks(r.encounters, r.notes, policy=strict, known_identifiers={},
                                                       text_engine=engine)}
    assert not out[K_ANONYMITY].passed and out[K_ANONYMITY].metadata["target_k"] == 10_000


def test_unknown_raw_column_fails_closed(batch, policy, engine):
    enc, notes, labels, lin = batch
    with pytest.raises(DeidError, match="the study spec does not declare"):
        deidentify_batch(enc.assign(extra_secret="x"), notes, labels, policy=policy, key=bytes(range(32)),
                         text_engine=engine, lineage=lin)
