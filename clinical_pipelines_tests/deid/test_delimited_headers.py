"""Delimited rows pasted into notes (deid/text/delimited.py): a row under a header that names an identifier column
(name, first, last, city, town, address, dob, phone ...) is always a record row, whatever its delimiter count, case
or words; tight-comma bedside lists with no such header stay plain text. 45 CFR 164.514(b)(2)(i)(A), (B).
Variants written for these tests."""
import pytest

from clinical_pipelines.deid.text.delimited import find_delimited_identifiers

DELIMS = [",", ";", "\t", "|", ", ", " | "]
CASES = [str.lower, str.upper, str.title]


def found(text: str) -> set[tuple[str, str]]:
    return {(text[c.start:c.end], c.type) for c in find_delimited_identifiers(text)}


TABLES = [
    (["name", "city"], [["Ingrid Solvang", "Kalamazoo"]],
     {("Ingrid Solvang", "NAME"), ("Kalamazoo", "LOCATION")}),
    (["first", "last", "town"], [["Teodor", "Brankovic", "Oconomowoc"]],
     {("Teodor", "NAME"), ("Brankovic", "NAME"), ("Oconomowoc", "LOCATION")}),
    (["patient name", "address"], [["marisol quintero", "14 Larkspur Ln"]],
     {("marisol quintero", "NAME"), ("14 Larkspur Ln", "LOCATION")}),
    (["last name", "first name", "city"], [["Achterberg", "Wim", "Tenafly"], ["Oyelaran", "Bisi", "Secaucus"]],
     {("Achterberg", "NAME"), ("Wim", "NAME"), ("Tenafly", "LOCATION"), ("Oyelaran", "NAME"), ("Bisi", "NAME"),
      ("Secaucus", "LOCATION")}),
    (["name", "dob", "phone", "city"], [["Rosalind Mbeki", "03/14/1941", "555-201-7788", "Wauwatosa"]],
     {("Rosalind Mbeki", "NAME"), ("Wauwatosa", "LOCATION")}),
    (["name", "town"], [["young", "hope"]], {("young", "NAME"), ("hope", "LOCATION")}),      # everyday words
    (["city", "name"], [["Hackensack", "Olu Adebayo"]], {("Hackensack", "LOCATION"), ("Olu Adebayo", "NAME")}),
]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("delim", DELIMS)
@pytest.mark.parametrize("header,rows,cells", TABLES)
def test_rows_under_an_identifier_header_are_records(header, rows, cells, delim, case):
    text = "\n".join([delim.join(case(h) for h in header), *(delim.join(r) for r in rows)])
    assert cells <= found(text)


@pytest.mark.parametrize("delim", DELIMS)
def test_a_pasted_table_inside_a_note(delim):
    text = (f"Family brought a contact sheet:\nname{delim}city\nBjorn Halvard{delim}Ypsilanti\n\n"
            "Pt resting, no distress.")
    assert found(text) == {("Bjorn Halvard", "NAME"), ("Ypsilanti", "LOCATION")}


def test_a_markdown_table_with_a_rule_line():
    text = "| Name | Town |\n|---|---|\n| Elif Karaca | Hamtramck |"
    assert found(text) == {("Elif Karaca", "NAME"), ("Hamtramck", "LOCATION")}


@pytest.mark.parametrize("text", [
    "GI-abd,firm,dist,bs-absent",
    "NEURO-a&ox3,mae,perrla,follows cmds",
    "resp-ls coarse,sx for thick tan,sats-97%",
    "CV-nsr,no ectopy,k repleted",
    "skin-intact,warm,dry",
    "test,result,units\nHgb,12.1,g/dL\nK,4.1,mmol/L",
    "drug;dose;route\nheparin;5000 units;SC",
    "Meds: aspirin, metoprolol, lisinopril, atorvastatin",
    "Lives with wife, son, and dog.",
    "Name, DOB verified before transfusion.",
    "Pt identified by name and DOB.\nGI-abd,soft,nt,+bs",
])
def test_bedside_lists_and_clinical_tables_stay(text):
    assert found(text) == set()


@pytest.mark.parametrize("text", [
    "name,city\nsoft,nontender",
    "NAME;TOWN\nalert;oriented",
])
def test_clinical_words_under_a_header_follow_the_header(text):
    """Under a name or place header every cell is the identifier (a surname can be an everyday word)."""
    assert len(found(text)) == 2


def test_engine_redacts_a_two_column_pasted_row(engine):
    note = "Contact sheet pasted:\nname,city\nBjorn Halvard,Ypsilanti\nGI-abd,soft,nt,+bs"
    out = engine.deidentify([note])[0].text
    assert "Ypsilanti" not in out and "Halvard" not in out and "GI-abd,soft,nt,+bs" in out
