"""The deny matcher's probe index (a probe shared by many entries is looked up once per note) finds exactly the
spans that each entry finds on its own, for names, places and numbers of a batch's known identifiers."""
from clinical_pipelines.deid.text.deny import deny_entries
from clinical_pipelines.deid.text.deny_match import DenyMatcher

KNOWN = {"clinician": ["Quentin Abernathy", "Quinn Abernathy-Ross", "Dr. Ingrid Valderrama"],
         "facility": ["Prairie Wind Pulmonology"], "city": ["Harlow Falls"], "phone": ["(555) 014-2231"]}
TEXT = ("Seen by Quentin Abernathy and Q. Abernathy-Ross; d/w Dr Valderrama. Referred to Prairie Wind "
        "Pulmonology in Harlow Falls, call 555-014-2231. Abernathy aware.")


def test_index_finds_what_every_entry_finds_alone():
    entries = deny_entries(KNOWN)
    alone = sorted({sp for e in entries for sp in DenyMatcher([e]).find(TEXT)})
    assert alone and sorted(set(DenyMatcher(entries).find(TEXT))) == alone


def test_index_skips_entries_whose_probe_is_absent():
    entries = deny_entries(KNOWN)
    assert DenyMatcher(entries).find("BP 120/80, HR 72, afebrile, no complaints.") == []
