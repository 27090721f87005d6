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
