"""The ``residual_phi_scan`` gate blocks on the independent detector and on known identifiers anywhere,
with counts, kinds and ids in its metadata and never a value."""
import json

import pandas as pd

from clinical_pipelines.deid.pipeline import RESIDUAL_PHI_SCAN, evaluate_snapshot_checks
from clinical_pipelines.deid.residual import ResidualScanner, scan_frame_known, scan_notes
from clinical_pipelines.deid.scan import residual_phi_scan

KNOWN = {"mrn": ["318406552"], "patient_name": ["Ifeoma Okonkwo"], "phone": ["555-201-7788"],
         "birth_date": ["1931-04-05"], "facility_name": ["Northgate General Hospital"]}
SECRETS = ["318406552", "318 406 552", "Okonkwo", "555", "7788", "1931", "93YOF"]


def _frames(texts, **extra_cols):
    notes = pd.DataFrame({"note_pid": [f"n{i}" for i in range(len(texts))], "text": texts,
                          "lineage_batch_id": "northgate-2024-01-extract"})
    enc = pd.DataFrame({"patient_pid": ["p0"], "age": ["67"], "zip3": ["054"], "state": ["VT"], "sex": ["F"],
                        "site_id": ["northgate"], **{k: [v] for k, v in extra_cols.items()}})
    return enc, notes


CLEAN = ["[NAME] is a 67 y/o woman seen on [DATE] 09:15 for CP. BP 120/80, HR 72, Cr 0.9.",
         "Follow up with [NAME], MD at [ORGANIZATION] in 2 weeks. Prior auth to Quillfeather."]


def test_clean_snapshot_passes_with_review_counts():
    enc, notes = _frames(CLEAN)
    res = residual_phi_scan(enc, notes, known_identifiers=KNOWN)
    assert res.passed
    assert res.metadata["notes_scanned"] == 2 and res.metadata["notes_flagged"] == 0
    assert res.metadata.get("review.capitalised_word", 0) >= 1 and res.metadata.get("review.time_next_to_date") == 1


def test_engine_misses_are_blocked_without_values_in_metadata():
    leaks = ["HPI: 93YOF with CHF.", "MRN 318 406 552 reviewed.", "Born in 1931 on a farm.",
             "[NAME] Okonkwo called back.", "Call 555\u2013201\u20137788."]
    enc, notes = _frames(CLEAN + leaks)
    res = residual_phi_scan(enc, notes, known_identifiers=KNOWN)
    assert not res.passed
    assert res.metadata["notes_flagged"] == len(leaks)
    assert res.metadata["flagged_note_pids"].split(",") == [f"n{i}" for i in range(2, 2 + len(leaks))]
    assert res.metadata["text.age"] >= 2 and res.metadata["text.known.mrn"] == 1
    assert res.metadata["text.known.patient_name"] == 1 and res.metadata["text.known.phone"] == 1
    dumped = json.dumps(res.metadata)
    assert not [s for s in SECRETS if s in dumped]


def test_known_identifiers_in_string_columns_block():
    enc, notes = _frames(CLEAN, comment="mrn 318-406-552")
    res = residual_phi_scan(enc, notes, known_identifiers=KNOWN)
    assert not res.passed and res.metadata["structured.comment:mrn"] == 1
    assert "318" not in json.dumps(res.metadata)


def test_free_text_cells_are_scanned_but_codes_and_pseudonyms_are_not():
    enc, notes = _frames(CLEAN, remark="call daughter at 617 555 0142 tonight", visit_pid="a1b2c3d4e5f60718")
    res = residual_phi_scan(enc, notes, known_identifiers={})
    assert not res.passed and res.metadata["structured.remark:phone"] == 1
    assert not [k for k in res.metadata if "visit_pid" in k]


def test_raw_identifier_column_blocks():
    enc, notes = _frames(CLEAN, mrn="x")
    res = residual_phi_scan(enc, notes, known_identifiers={})
    assert not res.passed and res.metadata["raw_identifier_column_names"] == "mrn"


def test_flagged_ids_are_capped():
    enc, notes = _frames(["HPI: 95 yo M."] * 30)
    res = residual_phi_scan(enc, notes, known_identifiers={})
    assert res.metadata["notes_flagged"] == 30 and len(res.metadata["flagged_note_pids"].split(",")) == 20


def test_evaluate_snapshot_checks_gate_without_an_engine(policy):
    enc, notes = _frames(CLEAN + ["Seen the fifth of April, 2025."])
    out = {o.name: o for o in evaluate_snapshot_checks(enc, notes, policy=policy, known_identifiers=KNOWN)}
    assert not out[RESIDUAL_PHI_SCAN].passed and out[RESIDUAL_PHI_SCAN].metadata["text.date"] == 1


def test_scan_notes_per_note_identifiers_and_frames():
    summary = scan_notes(["Born in 1931.", "Rose came in."], ["a", "b"],
                         per_note_known=[{"birth_date": ["1931-04-05"]}, {"patient_name": ["Rose West"]}],
                         scanner=ResidualScanner())
    assert summary.flagged_ids == ["a", "b"] and summary.blocking["known.patient_name"] == 1
    counts = scan_frame_known(pd.DataFrame({"c": ["Ifeoma OKONKWO", None, "ok", "okonkwo, ifeoma"]}), KNOWN)
    assert counts == {"c:patient_name": 2}  # one hit per cell: the full name, not also each of its parts
