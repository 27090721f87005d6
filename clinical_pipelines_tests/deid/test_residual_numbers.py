"""Deny-by-default number policy: identifiers in any grouping block; clinical measurements and codes do not."""
import pytest

from clinical_pipelines_tests.deid._residual_helpers import covered, kinds

IDENTIFIERS = [
    ("Chart 420 118 937 reviewed.", "420 118 937"), ("Ref 204-55-817 on file.", "204-55-817"),
    ("Ref (731-20-448) noted.", "731-20-448"), ("SSN 123.45.6789 verified.", "123.45.6789"),
    ("SSN 123 45 6789 verified.", "123 45 6789"), ("SSN 123\u201345\u20136789.", "123\u201345\u20136789"),
    ("Call 617/555-0142 today.", "617/555-0142"), ("Cell (617) 555 - 0142.", "(617) 555 - 0142"),
    ("Cell (617)555-0142.", "(617)555-0142"), ("Tel 617.555.0142", "617.555.0142"),
    ("Tel 617 555 0142", "617 555 0142"), ("Tel +1 617 555 0142", "+1 617 555 0142"),
    ("Tel +44 20 7946 0958", "+44 20 7946 0958"), ("Tel +33 1 42 68 53 00", "+33 1 42 68 53 00"),
    ("Fax 6175550142", "6175550142"), ("Tel 617\u2011555\u20110142", "617\u2011555\u20110142"),
    ("Pager 555-0142", "555-0142"), ("ext. 4412", "4412"), ("Account 88412093", "88412093"),
    ("ID 0048812", "0048812"), ("Order 7731903 placed", "7731903"), ("Lives near 02139 area", "02139"),
    ("Boston, MA 02139-4307", "02139-4307"), ("Harrisburg PA 17101", "17101"), ("PO Box 77", "77"),
    ("SSN last 4 4821 verified", "4821"), ("plate 7ABC123 towed", "7ABC123"), ("plate 521 WTO moved", "521 WTO"),
    ("MRN: LS1130393", "LS1130393"), ("DL D1234-5678-90", "D1234-5678-90"), ("serial PJN123456H", "PJN123456H"),
    ("VIN 1HGCM82633A004352", "1HGCM82633A004352"), ("VIN JWYCBVWWGTUC7ZDYG", "JWYCBVWWGTUC7ZDYG"),
    ("licence VT 822669397", "822669397"), ("Confirmed by LUND, ERIK (968) on arrival", "968"),
    ("synced from 010.001.002.033.", "010.001.002.033"), ("host 192.168.1.20 down", "192.168.1.20"),
    ("from 2001:db8::ff00:42:8329 today", "2001:db8::ff00:42:8329"), ("fe80::1 link", "fe80::1"),
]


@pytest.mark.parametrize("text,needle", IDENTIFIERS)
def test_identifier_numbers_block(text, needle):
    assert covered(text, needle)


NOT_IDENTIFIERS = [
    "BP 138/75 mmHg  P 81  R 27  T 97.5F  SpO2 94%", "P-R-T axes 57 11 42", "QT/QTc 355/395 ms",
    "hs-TnT 17 ng/L | Cr 0.96 | K 4.4 | Na 135", "CPT 93000", "ICD-10 I21.4", "Dx E11.9, I10",
    "plt 250000", "Vitals 98.6 120 80 18", "CABG 2015-2019", "1000-1500 mL/day", "BNP 12000 pg/mL",
    "Weight 81.5 kg", "40 pack-years", "x 3 days", "4 mg IV q6h", "AF 90-110s on tele", "ST elevation V1-V4",
    "T2DM, CHA2DS2-VASc 4, HAS-BLED 2", "HbA1c 7.2%", "LOINC 2160-0", "Walked 1200 feet", "Steps 10000 per day",
    "EF 35-40%", "Ablation 2x, PCI x3", "Takes 12.5 mg daily", "Hgb 12.8 g/dL", "Lead aVF, V5-V6",
    "NYHA III, GCS 15", "Temp 37.6C", "Sodium 135-145 mmol/L", "RR 14 unlabored",
]


@pytest.mark.parametrize("text", NOT_IDENTIFIERS)
def test_measurements_and_codes_do_not_block(text):
    assert not kinds(text)


def test_kinds_of_numbers():
    assert "phone" in kinds("Call 617-555-0142.")
    assert "ssn" in kinds("SSN 123-45-6789.")
    assert "zip" in kinds("Salem, OR 97301")
    assert "ip" in kinds("from 10.0.0.7")
