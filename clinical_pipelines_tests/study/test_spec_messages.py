"""Study-spec messages say how to fix the problem: a missing section lists its keys and its docs section, a YAML
syntax error says what to look at on which line, role names take the right article."""

from __future__ import annotations

from .helpers import base, write_spec
from .test_spec import cols, one, problems_of


def test_a_missing_section_lists_its_required_keys_and_its_docs_section(tmp_path):
    spec = base()
    del spec["outcome"], spec["evaluation"]
    texts = problems_of(tmp_path, spec)
    one(texts, "outcome", "required key is missing: add it with the keys name, source, definition",
        'see docs/STUDY_SPEC.md, section "Outcome, labels, evaluation"')
    one(texts, "evaluation", "the keys temporal, external_sites, subgroups")


def test_every_docs_section_named_exists():
    from clinical_pipelines.study.spec_errors import DOC, DOC_SECTIONS
    from clinical_pipelines.study.builtin import SOURCE_DIR

    headings = (SOURCE_DIR.parent / DOC).read_text(encoding="utf-8").splitlines()
    for section in {*DOC_SECTIONS.values(), "A full example (every role)"}:
        assert f"## {section}" in headings, section


def test_yaml_indentation_error_names_the_line_to_check(tmp_path):
    texts = problems_of(tmp_path, "spec_version: 1\ntables:\n  visits:\n    file: a.csv\n   format: csv\n")
    assert len(texts) == 1 and texts[0].split(": ")[0].endswith(":5"), texts
    assert "check the indentation at line 5" in texts[0]


def test_yaml_tab_and_bracket_errors_get_their_own_hint(tmp_path):
    texts = problems_of(tmp_path, "spec_version: 1\ntables:\n\tvisits: {}\n")
    assert "YAML indents with spaces, not tabs: replace the tab at line 3" in texts[0], texts
    texts = problems_of(tmp_path, "spec_version: 1\nowners: [a, b\n")
    assert "check that every bracket and quote opened before line" in texts[0], texts


def test_a_date_column_without_format_uses_the_right_article(tmp_path):
    spec = base()
    del cols(spec)["visit_date"]["format"]
    del cols(spec)["dob"]["format"]
    texts = problems_of(tmp_path, spec)
    one(texts, "tables.visits.columns.visit_date.format", "an event_time column of a csv file needs its date format")
    one(texts, "tables.visits.columns.dob.format", "a date column of a csv file")
