"""The residual scanner on the shared failing cases (engine switched off: raw text) and on correctly
redacted notes (no false alarms)."""
import json
from pathlib import Path

import pytest

from clinical_pipelines.deid.residual import ResidualScanner

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_CASES = REPO_ROOT.parent / "shared" / "cases"


def _cases():
    if not SHARED_CASES.is_dir():
        return []
    out = []
    for path in sorted(SHARED_CASES.glob("deid-*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                case = json.loads(line)
                out.append(pytest.param(case, id=f"{path.stem}:{case.get('id', n)}"))
    return out


CASES = _cases()


@pytest.mark.skipif(not CASES, reason=f"shared cases not present: {SHARED_CASES}")
@pytest.mark.parametrize("case", CASES)
def test_every_shared_case_is_blocked_on_raw_text(case):
    """Each line blocks, and each ``must_not_survive`` string lies inside blocking findings."""
    text = case["text"]
    blocking = [f for f in ResidualScanner().scan_text(text, case.get("known_identifiers")) if f.blocking]
    assert blocking, "no blocking finding"
    uncovered = 0
    for needle in case["expect"]["must_not_survive"]:
        i = text.find(needle)
        assert i >= 0, "case text lacks its own expected string"
        if not all(any(f.start <= k < f.end for f in blocking) for k in range(i, i + len(needle)) if text[k].isalnum()):
            uncovered += 1
    assert uncovered == 0, f"{uncovered} expected strings not inside a blocking finding"


CLINICAL_PROSE = [
    "HPI: [NAME] is a 67 y/o M with h/o CAD s/p CABG x3 (LIMA-LAD, SVG-OM, SVG-PDA), HFrEF (EF 25-30%), AFib on "
    "Eliquis 5 mg BID, CKD stage 3b (baseline Cr 1.8), T2DM (HbA1c 8.1%), presents with 2 days of DOE.",
    "In the ED, VS: T 98.2 HR 112 BP 146/92 RR 24 SpO2 89% RA -> 95% on 4L NC. BNP 2,340, Trop-I 0.08 -> 0.09.",
    "ECG: AFib with RVR at 118, LBBB (old), QRS 156 ms, QTc 492 ms. Lungs: bibasilar crackles 1/3 up.",
    "Echo: LVEF 20-25%, moderate MR, severe TR, RVSP 55 mmHg, LA 4.8 cm. ICD placed 2018 (Medtronic Evera).",
    "Discharge Diagnoses: Acute on chronic systolic heart failure (I50.23); AKI on CKD 3b (N17.9, N18.32).",
    "[NAME], MD  Pager [PHONE]\nElectronically signed [DATE] 14:32",
    "PROCEDURE: Transfemoral TAVR with 26 mm Sapien 3 Ultra valve. Right femoral access with 14 Fr eSheath. "
    "Perclose ProGlide x2. Fluoro time 12.4 min, dose 410 mGy.",
    "I/O: 1450/2100. Lines: PIV x2, R radial A-line. Former smoker, 30 pack-years, quit 1995.",
    "NURSING FLOWSHEET 0700-1900\n0800: A&Ox4, pain 3/10, oxycodone 5 mg PO. VS 98.9-82-18-132/76-97% 2L.",
    "1000: Ambulated 200 ft with RN and PT. Incentive spirometer 1250 mL x10. BG 182, 4 units lispro.",
    "FINDINGS: 8 mm RUL nodule (series 4, image 112), previously 6 mm. Degenerative changes T6-T9. "
    "Recommend PET-CT per Fleischner Society 2017 guidelines.",
    "Spoke with pt's daughter ([NAME]) who reports pt more confused. Pt's PCP Dr. [NAME] notified via staff message.",
    "MSE: Mood \"fine\". MoCA 26/30. PHQ-9 = 14 (moderate). GAD-7 = 9. He HAS capacity (Appelbaum criteria).",
    "Mild MR. Color Doppler shows no AR. Murmur 2/6 SEM. Strength 5/5. GCS 15. NYHA class III.",
]


@pytest.mark.parametrize("text", CLINICAL_PROSE)
def test_clinical_prose_of_other_styles_does_not_block(text):
    assert not [f for f in ResidualScanner().scan_text(text) if f.blocking]


def test_correctly_redacted_notes_raise_no_blocking_finding():
    """Synthetic notes with every annotated identifier replaced by a placeholder: nothing may block."""
    from clinical_pipelines.synthetic.cohort import CohortSpec, generate_cohort

    scanner = ResidualScanner()
    notes = blocked = 0
    for batch in generate_cohort(CohortSpec(n_patients=150, seed=11)):
        for line in batch.files["notes.jsonl"].decode().splitlines():
            note = json.loads(line)
            text, parts, pos = note["text"], [], 0
            for span in sorted(batch.note_spans.get(note["note_id"], ()), key=lambda s: s.start):
                parts += [text[pos:span.start], f"[{span.type}]"]
                pos = span.end
            redacted = "".join(parts) + text[pos:]
            notes += 1
            blocked += any(f.blocking for f in scanner.scan_text(redacted))
    assert notes > 100
    assert blocked == 0, f"{blocked} of {notes} correctly redacted notes blocked"
