"""Contact details (deid.text.contact): phones and faxes in NANP and E.123 forms, plain and spelled-out e-mail
addresses, URLs with and without a scheme, IPv4 (also zero-padded) and IPv6. All values below are invented."""
import pytest

from clinical_pipelines.deid.text.contact import find_contacts
from clinical_pipelines.deid.text.normalize import analysis_view


def found(text):
    view = analysis_view(text).text
    return [(view[c.start:c.end], c.type) for c in find_contacts(view)]


@pytest.mark.parametrize("text,value,typ", [
    ("Cell: (608) 233 - 4190 (son).", "(608) 233 - 4190", "PHONE"),
    ("Home phone 608/233-4190.", "608/233-4190", "PHONE"),
    ("Call back at 608.233.4190", "608.233.4190", "PHONE"),
    ("Daughter 608 233 4190", "608 233 4190", "PHONE"),
    ("(608)233-4190", "(608)233-4190", "PHONE"),
    ("1-608-233-4190", "1-608-233-4190", "PHONE"),
    ("+1 (608) 233-4190 ext. 31", "+1 (608) 233-4190 ext. 31", "PHONE"),
    ("+1-608-233-4190 x204", "+1-608-233-4190 x204", "PHONE"),
    ("Call 608\u2013233\u20134190 today", "608-233-4190", "PHONE"),
    ("Fax: 608-233-4191", "608-233-4191", "FAX"),
    ("fax results to (608) 233-4191", "(608) 233-4191", "FAX"),
    ("Sister +44 20 7946 0311", "+44 20 7946 0311", "PHONE"),
    ("+44 (0)20 7946 0311", "+44 (0)20 7946 0311", "PHONE"),
    ("0044 20 7946 0311", "0044 20 7946 0311", "PHONE"),
    ("+33 1 42 68 53 00", "+33 1 42 68 53 00", "PHONE"),
    ("+442079460311", "+442079460311", "PHONE"),
    ("pager 4417", "4417", "PHONE"),
    ("Pt prefers email: kofi.m88 at example dot com", "kofi.m88 at example dot com", "EMAIL"),
    ("e-mail ines.e [at] example [dot] org", "ines.e [at] example [dot] org", "EMAIL"),
    ("write to jdoe(at)example.com", "jdoe(at)example.com", "EMAIL"),
    ("EMAIL: M.NUNEZ AT MAIL DOT ORG", "M.NUNEZ AT MAIL DOT ORG", "EMAIL"),
    ("reach jdoe @ example.org", "jdoe @ example.org", "EMAIL"),
    ("or jdoe at example.net", "jdoe at example.net", "EMAIL"),
    ("ingrid1976 at proton dot me", "ingrid1976 at proton dot me", "EMAIL"),
    ("mail J.Doe@Example.ORG", "J.Doe@Example.ORG", "EMAIL"),
    ("maria at gmail.com", "maria at gmail.com", "EMAIL"),
    ("email: john at example.com", "john at example.com", "EMAIL"),
    ("john at gmail dot com", "john at gmail dot com", "EMAIL"),
    ("see bit.ly/3xYz12", "bit.ly/3xYz12", "URL"),
    ("Portal: portal.example-health.org/u/123", "portal.example-health.org/u/123", "URL"),
    ("log in at mychart.example.com.", "mychart.example.com", "URL"),
    ("see https://portal.example.org/p/1?x=2", "https://portal.example.org/p/1?x=2", "URL"),
    ("www.caringbridge.org/visit/jdoe123", "www.caringbridge.org/visit/jdoe123", "URL"),
    ("clinic site sickkids.on.ca", "sickkids.on.ca", "URL"),
    ("book at clinic.ca/book", "clinic.ca/book", "URL"),
    ("Remote monitor synced from 010.001.002.033.", "010.001.002.033", "IP"),
    ("IP 192.168.4.20:8080", "192.168.4.20:8080", "IP"),
    ("from 10.2.3.4", "10.2.3.4", "IP"),
    ("device fe80::1c:2b:3a", "fe80::1c:2b:3a", "IP"),
    ("addr 2001:db8::8a2e:370:7334", "2001:db8::8a2e:370:7334", "IP"),
])
def test_contact_found(text, value, typ):
    assert (value, typ) in found(text)


@pytest.mark.parametrize("text", [
    "Ca 9.2 mg/dL, approx.ca",              # country-code TLD without a second label or a path
    "U.S. citizen, e.g. this, i.e. that",
    "file report.doc attached",
    "seen at home. Then left",
    "meet at noon dot then",
    "Meds at 0030 1200 1800",               # 24-hour times, not a "00" international number
    "Time 12:30:45",                        # not IPv6
    "BP 132/84, HR 88, aspirin 81 mg",
    "LVEF 55%, QTc 452 ms",
])
def test_contact_negatives(text):
    assert found(text) == []


def test_common_word_before_at_is_not_an_email_local_part():
    assert found("he works at Amazon.com now") == [("Amazon.com", "URL")]
