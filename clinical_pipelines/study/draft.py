"""``study init``: a draft study spec from file profiles, with every guess flagged for review.

Roles are suggested from the column name first (word lists below: HIPAA Safe Harbor identifier
kinds, 45 CFR 164.514(b)(2)(i), and common clinical extract names), then confirmed or found from
content (:mod:`clinical_pipelines.study.profile`: identifier patterns, census names, dates with
their format, numbers with their range, few categories, long text). An unrecognised column that
looks like an identifier becomes ``direct_identifier`` (R), and unrecognised text becomes ``drop``:
the draft errs towards not releasing.

Every column line carries ``# REVIEW: guessed from ...`` (the name, or pattern shares and counts;
never a value). The draft always carries ``draft: true``, which ``study check`` refuses: the roles
of identifiers, the outcome and the evaluation design are decisions a person must make, so a
draft never passes until someone has reviewed it and deleted that line (docs/STUDY_SPEC.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import yaml

from clinical_pipelines.study.profile import ColumnProfile, FileProfile

# name words -> (role, extra keys, why)
_NAME_RULES: list[tuple[str, str, dict]] = [
    (r"^(mrn|medical_record(_number|_no)?|patient_?id|pat_?id|subject_?id|person_?id|patient_number)$",
     "patient_id", {}),
    (r"^(encounter|visit|admission|hadm|stay|episode|csn|case)_?(id|number|no)$", "encounter_id", {}),
    (r"(^|_)(ssn|social_security(_number)?)($|_)", "direct_identifier", {"safe_harbor": "G"}),
    (r"(^|_)(e_?mail)($|_)", "direct_identifier", {"safe_harbor": "F"}),
    (r"(^|_)fax($|_)", "direct_identifier", {"safe_harbor": "E"}),
    (r"(^|_)(phone|tel|telephone|mobile|cell)($|_)", "direct_identifier", {"safe_harbor": "D"}),
    (r"(^|_)(zip|zipcode|zip_code|postal|postcode|postal_code)($|_)", "quasi_identifier",
     {"safe_harbor": "B", "generalization": ["zip3", "suppress"]}),
    (r"(^|_)(ip|ip_address|ipaddr)($|_)", "direct_identifier", {"safe_harbor": "O"}),
    (r"(^|_)(site|site_id|hospital|centre|center|institution|facility_id|dataset|source_site)$", "site", {}),
    (r"(^|_)(rater|annotator|reviewer|abstractor|coder)(_?id)?$", "rater", {}),
    (r"(^|_)(address|street|addr|city|town|county|precinct)($|_)", "direct_identifier", {"safe_harbor": "B"}),
    (r"(^|_)(dob|birth|birthdate|birth_date|date_of_birth)($|_)", "date", {"handling": "birth_date"}),
    (r"(^|_)(facility|hospital|institution|clinic)_name$", "direct_identifier", {"safe_harbor": "R"}),
    (r"(^|_)(name|names|surname|first_?name|last_?name|given_?name|family_?name|full_?name|middle_?name|maiden|"
     r"author|physician|doctor|provider|attending|clinician|nurse|guardian|next_of_kin|emergency_contact)($|_)",
     "direct_identifier", {"safe_harbor": "A"}),
    (r"(^|_)(insurance|health_?plan|member_id|beneficiary|medicaid|medicare|policy_number)($|_)",
     "direct_identifier", {"safe_harbor": "I"}),
    (r"(^|_)(account|acct)($|_)", "direct_identifier", {"safe_harbor": "J"}),
    (r"(^|_)(license|licence|dea|npi|certificate)($|_)", "direct_identifier", {"safe_harbor": "K"}),
    (r"(^|_)(plate|vin|vehicle)($|_)", "direct_identifier", {"safe_harbor": "L"}),
    (r"(^|_)(device|serial|udi|imei)($|_)", "direct_identifier", {"safe_harbor": "M"}),
    (r"(^|_)(url|website|portal|link)($|_)", "direct_identifier", {"safe_harbor": "N"}),
    (r"(^|_)(photo|image|fingerprint|voiceprint|biometric)($|_)", "direct_identifier", {"safe_harbor": "P"}),
]
_OTHER_RULES: list[tuple[str, str, dict]] = [
    (r"^(age|age_years|age_at_\w+)$", "quasi_identifier", {"generalization": ["band5", "band10", "band20"]}),
    (r"^(sex|gender)$", "quasi_identifier", {"generalization": []}),
    (r"^(race|ethnicity|ethnic_group|ethnic)$", "quasi_identifier", {"generalization": ["suppress"]}),
    (r"(^|_)consent", "consent", {}),
    (r"(^|_)(note|notes|text|comment|comments|narrative|report|summary)($|_)", "free_text", {}),
    (r"^(state|country|province)$", "keep", {}),
    (r"^(label|outcome|target|class|num|event|died|death|mortality|readmitted|readmission)$", "outcome", {}),
]
_EVENT_WORDS = re.compile(r"(admi|visit|encounter|service|event|index|start|arrival|presentation|procedure)")
_DATE_NAME = re.compile(r"(^|_)(date|dt|time|timestamp|datetime|day)($|_)|_(at|on)$")
_YES = ("y", "yes", "1", "true", "granted", "consented")
_NO = ("n", "no", "0", "false", "refused", "withdrawn", "declined")
_CONTENT_IDS = (("ssn", "G"), ("email", "F"), ("phone", "D"), ("url", "N"), ("ip", "O"))


@dataclass
class Guess:
    """The suggested role of one column and why (``why`` never holds a value)."""

    column: str
    role: str
    keys: dict
    why: str
    identifier: bool  # likely identifier: its values are never shown
    definition: str | None = None  # outcome expression suggested for an outcome column


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()).strip("_")


def _pct(x: float) -> str:
    return f"{round(100 * x)}%"


def guess(col: ColumnProfile) -> Guess:
    """Role of one column: identifier names, then date names with dates, generic ids, other names, content."""
    name = _norm(col.name)
    for pattern, role, keys in _NAME_RULES:
        if re.search(pattern, name):
            return _refine(col, role, dict(keys), _why(name, role))
    if _DATE_NAME.search(name) and col.date_formats:
        return _date(col, "year_only", f'the name ("{name}") and content (date-like values)')
    if re.search(r"(^|_)(id|identifier|key|uuid|guid|number|no)$", name):
        if col.unique_share >= 0.99:
            return Guess(col.name, "record_id", {}, f'the name ("{name}") and content (every sampled value distinct)',
                         True)
        return Guess(col.name, "direct_identifier", {"safe_harbor": "R"},
                     f'the name ("{name}" sounds like an identifier; not released unless you choose another role)', True)
    for pattern, role, keys in _OTHER_RULES:
        if re.search(pattern, name):
            if role == "free_text" and not (col.mean_length >= 20 and col.spaced_share >= 0.1):
                break  # a short code under a text-like name: decide from content
            return _refine(col, role, dict(keys), _why(name, role))
    return _from_content(col)


def _why(name: str, role: str) -> str:
    return f'the name ("{name}" matches {role.replace("_", " ")} names)'


def _refine(col: ColumnProfile, role: str, keys: dict, why: str) -> Guess:
    if role in ("date",) or (role == "keep" and col.date_formats):
        return _date(col, keys.get("handling", "year_only"), why)
    definition = None
    if role == "quasi_identifier" and keys.get("generalization", [])[:1] == ["band5"]:
        if col.numeric_share >= 0.95:
            keys["feature"] = {"type": "numeric", "unit": "years"}
    elif role == "quasi_identifier" and keys.get("generalization") == [] and 2 <= col.distinct <= 10:
        keys["feature"] = {"type": "categorical", "categories": list(col.categories)}
    if role == "consent":
        keys["granted"] = [c for c in col.categories if c.lower() in _YES] or ["REVIEW"]
        keys["refused"] = [c for c in col.categories if c.lower() in _NO]
        why += "; check the values that mean consent granted / refused"
    if role == "outcome":
        why += f"; {col.distinct} distinct value(s)"
        name = col.name if col.name.isidentifier() else "REVIEW_column_name_not_usable_in_an_expression"
        binary = set(col.categories) <= {"0", "1"} and col.distinct == 2
        definition = f"{name} == 1" if binary else (f"{name} > 0" if col.numeric_share >= 0.98 else
                                                   f"{name} == 'REVIEW'")
    identifier = role in ("patient_id", "encounter_id", "record_id", "direct_identifier") or \
        keys.get("safe_harbor") is not None
    return Guess(col.name, role, keys, why, identifier, definition)


def _date(col: ColumnProfile, handling: str, why: str) -> Guess:
    keys: dict = {"handling": handling}
    formats = [f for f in col.date_formats if f != "native"]
    if formats:
        keys["format"] = formats[0]
        why += f"; all sampled values parse as {formats[0]}"
        if len(formats) > 1:
            why += f" (also as {', '.join(formats[1:3])}: ambiguous, check the day/month order)"
    elif "native" not in col.date_formats:
        keys["format"] = "%Y-%m-%d"
        why += "; no date format fits every sampled value: set format"
    if handling == "birth_date":
        keys["generalization"] = ["band5", "band10", "band20"]
    return Guess(col.name, "date", keys, why, identifier=True)


def _from_content(col: ColumnProfile) -> Guess:
    p = col.patterns
    present = col.present
    if present == 0:
        return Guess(col.name, "drop", {}, "content: the column is empty in the sample", False)
    for pattern, letter in _CONTENT_IDS:
        if p.get(pattern, 0) >= 0.8:
            return Guess(col.name, "direct_identifier", {"safe_harbor": letter},
                         f"content ({_pct(p[pattern])} of {present} values are {pattern}-like)", True)
    if p.get("name", 0) >= 0.5:
        return Guess(col.name, "direct_identifier", {"safe_harbor": "A"},
                     f"content ({_pct(p['name'])} of {present} values look like census person names)", True)
    if col.date_formats and (col.numeric_share < 0.5 or _DATE_NAME.search(_norm(col.name))):
        return _date(col, "year_only", "content (date-like values)")
    if col.mean_length >= 40 and col.spaced_share >= 0.3:
        return Guess(col.name, "free_text", {}, f"content (mean length {col.mean_length:.0f} characters, prose)",
                     False)
    if col.numeric_share >= 0.98:
        return _numeric(col)
    if col.unique_share >= 0.95 and present >= 20:
        return Guess(col.name, "direct_identifier", {"safe_harbor": "R"},
                     f"content ({_pct(col.unique_share)} of {present} values are distinct: identifier-like)", True)
    if 2 <= col.distinct <= 20 and col.distinct <= max(2, present // 2) and p.get("name", 0) < 0.2:
        return Guess(col.name, "feature", {"type": "categorical", "categories": list(col.categories)},
                     f"content ({col.distinct} distinct values)", False)
    return Guess(col.name, "drop", {}, f"content (text, {col.distinct} distinct values; not released unless you "
                                       "choose another role)", False)


def _numeric(col: ColumnProfile) -> Guess:
    if set(col.categories) <= {"0", "1"} and col.distinct == 2:
        return Guess(col.name, "feature", {"type": "binary"}, "content (values 0 and 1)", False)
    if col.integer and col.unique_share >= 0.95 and col.present >= 20 and (col.low or 0) >= 0 \
            and col.high is not None and col.high >= 1000:
        return Guess(col.name, "direct_identifier", {"safe_harbor": "R"},
                     f"content (whole numbers, {_pct(col.unique_share)} distinct: identifier-like)", True)
    keys = {"type": "numeric", "range": [_round(col.low), _round(col.high)]}
    return Guess(col.name, "feature", keys, f"content (numbers; range is the observed range of {col.present} "
                                            "values: widen it to the plausible range and add the unit)", False)


def _round(x: float | None) -> float | int | None:
    return None if x is None else (int(x) if float(x).is_integer() else round(x, 6))


# --------------------------------------------------------------------------- writing the draft
def _flow(value) -> str:
    return yaml.safe_dump(value, default_flow_style=True, width=10_000, sort_keys=False).strip().removesuffix(
        "\n...").strip()


def _key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) and name.lower() not in (
        "yes", "no", "on", "off", "true", "false", "null", "y", "n") else _flow(name)


def draft_spec(profiles: list[FileProfile], study_id: str = "my-study") -> tuple[str, list[tuple[str, Guess]]]:
    """(YAML text of the draft, the guesses per table) for profiles of one study's files."""
    guesses = [(p.table, guess(c)) for p in profiles for c in p.columns]
    _event_time(guesses)
    lines = [
        f"# Draft study spec written by `clinical-pipelines study init` on {date.today().isoformat()} from "
        f"{len(profiles)} file(s).",
        "# Every guess is marked '# REVIEW'. Check each one (identifiers above all), set the outcome and the",
        "# evaluation design, write the intended-use file, then delete `draft: true` and run",
        "#   clinical-pipelines study check study.yaml --data DIR",
        "# Format and roles: docs/STUDY_SPEC.md.",
        "spec_version: 1",
        f"study_id: {study_id}                          # REVIEW: lower-case id used in paths and model names",
        'title: "REVIEW: what the study predicts, for whom"',
        "intended_use: intended_use.yaml        # REVIEW: write this file (fields: studies/mace/intended_use.yaml)",
        'owners: ["REVIEW: team or person responsible"]',
        "draft: true                            # delete after review: `study check` refuses a draft",
        "",
        "tables:",
    ]
    for p in profiles:
        lines += [f"  {p.table}:", f"    file: {_flow(p.path.name)}", f"    format: {p.format}"]
        if p.format != "parquet":
            lines.append(f"    encoding: {p.encoding}                 # REVIEW: detected from the first MiB")
        if p.format == "csv":
            lines += [f"    delimiter: {_flow(p.delimiter)}", "    quotechar: '\"'",
                      "    header: true                       # REVIEW: the first row is taken as the header"
                      if p.header else "    header: false                      # REVIEW: the first row looks like "
                      "data (numbers, dates or identifiers): columns are named column_1, column_2, ... in order"]
        lines.append("    columns:")
        for t, g in guesses:
            if t == p.table:
                body = _flow({"role": g.role, **g.keys})
                lines.append(f"      {_key(g.column)}: {body}   # REVIEW: guessed from {g.why}")
    lines += [""] + _outcome_lines(guesses) + [""] + _evaluation_lines(guesses)
    return "\n".join(lines) + "\n", guesses


def _event_time(guesses: list[tuple[str, Guess]]) -> None:
    """Mark one date as the event time: the first whose name sounds like an admission/visit, else the first."""
    dates = [g for _, g in guesses if g.role == "date" and g.keys.get("handling") != "birth_date"]
    if not dates:
        return
    pick = next((g for g in dates if _EVENT_WORDS.search(_norm(g.column))), dates[0])
    pick.role = "event_time"
    pick.why += "; taken as the event time of the temporal split"


def _outcome_lines(guesses) -> list[str]:
    outcomes = [(t, g) for t, g in guesses if g.role == "outcome"]
    for _, g in outcomes[1:]:
        g.role, g.why = "keep", g.why + "; another column was taken as the outcome"
    if not outcomes:
        return ["outcome:                               # REVIEW: no outcome column recognised: set it",
                "  name: outcome", "  source: column", "  table: REVIEW", "  column: REVIEW",
                '  definition: "REVIEW"', "labels: {not_applicable: \"outcome recorded in the extract, single source\"}"]
    t, g = outcomes[0]
    return ["outcome:                               # REVIEW: which column, and what counts as an event",
            f"  name: {_norm(g.column)}", "  source: column", f"  table: {t}", f"  column: {_key(g.column)}",
            f"  definition: {_flow(g.definition or 'REVIEW')}     # REVIEW: e.g. 'x == 1', \"x in ['died']\"",
            'labels: {not_applicable: "outcome recorded in the extract, single source"}   # REVIEW: or a rater table']


def _evaluation_lines(guesses) -> list[str]:
    event = next((g for _, g in guesses if g.role == "event_time"), None)
    site = next((g for _, g in guesses if g.role == "site"), None)
    births = any(g.role == "date" and g.keys.get("handling") == "birth_date" for _, g in guesses)
    subgroups = [g.column for _, g in guesses if g.role == "quasi_identifier" and g.keys.get("safe_harbor") is None
                 and g.keys.get("generalization", [])[:1] != ["band5"]]
    subgroups += ["age_band"] if births else [g.column for _, g in guesses if g.role == "quasi_identifier"
                                               and g.keys.get("generalization", [])[:1] == ["band5"]]
    subgroups += [site.column] if site else []
    temporal = (f"{{column: {_key(event.column)}, holdout: last_year}}" if event
                else '{not_applicable: "no dates in the extract"}')
    sites = ('{not_applicable: "REVIEW: list the held-out sites, or say why there are none"}' if site
             else '{not_applicable: "one site only"}')
    groups = _flow(subgroups) if subgroups else '{not_applicable: "REVIEW: no subgroup attribute recognised"}'
    return ["evaluation:                             # REVIEW: the validation design",
            f"  temporal: {temporal}", f"  external_sites: {sites}", f"  subgroups: {groups}"]
