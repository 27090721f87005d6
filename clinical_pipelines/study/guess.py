"""Role guesses for ``study init``, one column at a time: from the column name first, then from content.

Name word lists: the Safe Harbor identifier kinds of 45 CFR 164.514(b)(2)(i) and common clinical
extract names (MIMIC, UCI, OMOP, FHIR-flattened). Content (:mod:`clinical_pipelines.study.profile`):
identifier patterns, census person names (only with the shape and variety of names), dates with
their format, yes/no flags (:mod:`clinical_pipelines.study.profile_values`), numbers with their
range and sentinel codes, few categories, long text. An unrecognised column that looks like an
identifier becomes ``direct_identifier`` (R), and unrecognised text becomes ``drop``: the draft
errs towards not releasing. ``why`` never holds a value of the data.

Study-level decisions (the patient key of record-level data, the event time, the outcome, the
design) are made by :mod:`clinical_pipelines.study.draft` over all guesses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clinical_pipelines.study.profile import ColumnProfile
from clinical_pipelines.study.profile_values import number_text

# name pattern -> (role, extra keys)
NAME_RULES: list[tuple[str, str, dict]] = [
    (r"^(mrn|pid|ptid|medical_record(_number|_no)?|(patient|pat|subject|person|participant|pt)_?(id|no|num|nbr|"
     r"number|key|code)|patient|subject|participant)$", "patient_id", {}),
    (r"^(encounter|visit|admission|hadm|stay|episode|csn|case)_?(id|number|no|nbr)$", "encounter_id", {}),
    (r"(^|_)(ssn|social_security(_number)?)($|_)", "direct_identifier", {"safe_harbor": "G"}),
    (r"(^|_)(e_?mail)($|_)", "direct_identifier", {"safe_harbor": "F"}),
    (r"(^|_)fax($|_)", "direct_identifier", {"safe_harbor": "E"}),
    (r"(^|_)(phone|tel|telephone|mobile|cell)($|_)", "direct_identifier", {"safe_harbor": "D"}),
    (r"(^|_)(zip|zipcode|zip_code|postal|postcode|postal_code)($|_)", "quasi_identifier",
     {"safe_harbor": "B", "generalization": ["zip3", "suppress"]}),
    (r"(^|_)(ip|ip_address|ipaddr)($|_)", "direct_identifier", {"safe_harbor": "O"}),
    (r"^((study|source|treating|admitting|enrolling|recruiting|data|collection)_)?(site|site_id|site_code|hospital|"
     r"hospital_id|hospital_code|centre|center|centre_id|center_id|institution|institution_id|facility_id|dataset)$",
     "site", {}),
    (r"(^|_)(rater|annotator|reviewer|abstractor|coder)(_?id)?$", "rater", {}),
    (r"(^|_)(address|street|addr|city|town|county|precinct)($|_)", "direct_identifier", {"safe_harbor": "B"}),
    (r"(^|_)(birth_?year|year_of_birth|yob)($|_)", "birth_year", {}),
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
AGE_NAME = re.compile(r"^(age|ages|age_years|age_yrs|age_in_years|ageyears|patient_age|pt_age|age_at_\w+)$")
OTHER_RULES: list[tuple[str, str, dict]] = [
    (r"^(sex|gender)$", "quasi_identifier", {"generalization": []}),
    (r"^(race|ethnicity|ethnic_group|ethnic)$", "quasi_identifier", {"generalization": ["suppress"]}),
    (r"(^|_)consent", "consent", {}),
    (r"(^|_)(note|notes|text|comment|comments|narrative|report|summary)($|_)", "free_text", {}),
    (r"^(state|country|province)$", "keep", {}),
    (r"^(label|outcome|target|class|num|event|died|death|mortality|readmitted|readmission|readmit(ted)?_\w+|"
     r"\w+_outcome|outcome_\w+|death_\w+|mortality_\w+)$", "outcome", {}),
]
GENERIC_ID = re.compile(r"(^|_)(id|identifier|key|uuid|guid|number|no|nbr)$")
CODE_ID = re.compile(r"(^|_)(type|source|code|category|class|status|disposition|group|kind|level|grade|stage)"
                     r"_?(id|no)$")
DATE_NAME = re.compile(r"(^|_)(date|dt|time|timestamp|datetime|day)($|_)|_(at|on)$")
YEAR_NAME = re.compile(r"(^|_)(year|yr)($|_)")
YES = ("y", "yes", "1", "true", "granted", "consented")
NO = ("n", "no", "0", "false", "refused", "withdrawn", "declined")
CONTENT_IDS = (("ssn", "G"), ("email", "F"), ("phone", "D"), ("url", "N"), ("ip", "O"))
AGE_RANGE = [0, 120]  # plausible ages in years; ages over 89 are released as 90+ (Safe Harbor C)


@dataclass
class Guess:
    """The suggested role of one column and why (``why`` never holds a value of the data)."""

    column: str
    role: str
    keys: dict
    why: str
    identifier: bool  # likely identifier: its values are never shown
    definition: str | None = None  # outcome expression suggested for an outcome column
    key_candidate: bool = False  # a generic id column that may be the patient key of record-level data
    profile: ColumnProfile | None = field(default=None, repr=False)


def norm(name: str) -> str:
    """A column name as the name rules see it: snake case, lower case, ``_`` for anything else."""
    return re.sub(r"[^a-z0-9]+", "_", re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()).strip("_")


def pct(x: float) -> str:
    return f"{round(100 * x)}%"


def guess(col: ColumnProfile) -> Guess:
    """Role of one column: identifier names, then date names with dates, generic ids, other names, content."""
    g = _guess(col)
    g.profile = col
    return g


def _guess(col: ColumnProfile) -> Guess:
    name = norm(col.name)
    for pattern, role, keys in NAME_RULES:
        if re.search(pattern, name):
            if role == "birth_year":
                return Guess(col.name, "drop", {}, f'the name ("{name}" sounds like a birth year, which reveals '
                             "ages over 89, Safe Harbor C): give the age in years instead, or keep it dropped", True)
            return _refine(col, role, dict(keys), _why(name, role))
    if DATE_NAME.search(name) and col.date_formats:
        return date_guess(col, "year_only", f'the name ("{name}") and content (date-like values)')
    if YEAR_NAME.search(name) and _years(col):
        return Guess(col.name, "date", {"handling": "year_only", "format": "%Y"},
                     f'the name ("{name}") and content (whole numbers that are years)', True)
    if (CODE_ID.search(name) and 2 <= col.distinct <= 20 and col.unique_share < 0.5) or \
            (GENERIC_ID.search(name) and col.flag is not None):
        g = _from_content(col)
        g.why = f'the name ("{name}": codes or flags, {col.distinct} distinct values, not an identifier) and {g.why}'
        return g
    if GENERIC_ID.search(name):
        if col.unique_share >= 0.99:
            return Guess(col.name, "record_id", {}, f'the name ("{name}") and content (every sampled value distinct)',
                         True, key_candidate=True)
        return Guess(col.name, "direct_identifier", {"safe_harbor": "R"},
                     f'the name ("{name}" sounds like an identifier; not released unless you choose another role)',
                     True, key_candidate=True)
    if AGE_NAME.search(name):
        return _age(col, name)
    for pattern, role, keys in OTHER_RULES:
        if re.search(pattern, name):
            if role == "free_text" and not (col.mean_length >= 20 and col.spaced_share >= 0.1):
                break  # a short code under a text-like name: decide from content
            return _refine(col, role, dict(keys), _why(name, role))
    return _from_content(col)


def _why(name: str, role: str) -> str:
    return f'the name ("{name}" matches {role.replace("_", " ")} names)'


def _years(col: ColumnProfile) -> bool:
    return col.numeric_share >= 0.98 and col.integer and col.low is not None and 1900 <= col.low and col.high <= 2100


def _age(col: ColumnProfile, name: str) -> Guess:
    """An age column: in whole years (numbers) it is the study's age source; text bands stay categories."""
    why = _why(name, "age")
    if col.numeric_share >= 0.95:
        keys = {"age": True, "generalization": ["band5", "band10", "band20"],
                "feature": {"type": "numeric", "unit": "years", "range": AGE_RANGE}}
        why += "; the age in years: released with ages over 89 as 90+ (Safe Harbor C), age_band derived from it"
        if col.top_coded:
            why += f"; {col.top_coded} value(s) already top-coded (90+)"
        elif col.high is not None and col.high > 89:
            why += "; the data hold ages over 89"
        return Guess(col.name, "quasi_identifier", _with_codes(col, keys), why, False)
    keys: dict = {"generalization": []}
    if 2 <= col.distinct <= 20:
        keys["feature"] = {"type": "categorical", "categories": list(col.categories)}
    why += "; not whole years (text bands?): check that no band reveals an age over 89 (Safe Harbor C)"
    return Guess(col.name, "quasi_identifier", _with_codes(col, keys), why, False)


def _with_codes(col: ColumnProfile, keys: dict) -> dict:
    """``keys`` plus the column's own missing codes (unknown codes of a flag, numeric sentinels)."""
    codes = list(col.flag.unknown) if col.flag else []
    codes += [number_text(x) for x in col.sentinels]
    if codes:
        keys["missing_values"] = [int(c) if re.fullmatch(r"-?\d+", c) else c for c in codes]
    return keys


def _refine(col: ColumnProfile, role: str, keys: dict, why: str) -> Guess:
    if role in ("date",) or (role == "keep" and col.date_formats):
        return date_guess(col, keys.get("handling", "year_only"), why)
    definition = None
    if role == "quasi_identifier" and keys.get("generalization") == [] and 2 <= col.distinct <= 10:
        keys["feature"] = {"type": "categorical", "categories": list(col.categories)}
    if role == "consent":
        keys["granted"] = [c for c in col.categories if c.lower() in YES] or ["REVIEW"]
        keys["refused"] = [c for c in col.categories if c.lower() in NO]
        why += "; check the values that mean consent granted / refused"
    if role == "outcome":
        why += f"; {col.distinct} distinct value(s)"
        definition = outcome_definition(col)
        keys = _with_codes(col, keys)
    identifier = role in ("patient_id", "encounter_id", "record_id", "direct_identifier") or \
        keys.get("safe_harbor") is not None
    return Guess(col.name, role, keys, why, identifier, definition)


def outcome_definition(col: ColumnProfile) -> str:
    """``x == <yes>`` for a yes/no outcome, ``x > 0`` for numbers, else a REVIEW placeholder."""
    name = col.name if col.name.isidentifier() else "REVIEW_column_name_not_usable_in_an_expression"
    if col.flag is not None:
        yes = col.flag.categories[1]
        return f"{name} == {yes}" if re.fullmatch(r"\d+", yes) else f"{name} == '{yes}'"
    return f"{name} > 0" if col.numeric_share >= 0.98 else f"{name} == 'REVIEW'"


def date_guess(col: ColumnProfile, handling: str, why: str) -> Guess:
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
        keys["feature"] = {"type": "numeric", "unit": "years"}
        why += ("; the age derived from it (whole years at the event time) is a model feature, released with ages "
                "over 89 as 90+ (Safe Harbor C): keep or remove the feature")
    return Guess(col.name, "date", keys, why, identifier=True)


def _from_content(col: ColumnProfile) -> Guess:
    p = col.patterns
    present = col.present
    if present == 0:
        return Guess(col.name, "drop", {}, "content: the column is empty in the sample", False)
    for pattern, letter in CONTENT_IDS:
        if p.get(pattern, 0) >= 0.8:
            return Guess(col.name, "direct_identifier", {"safe_harbor": letter},
                         f"content ({pct(p[pattern])} of {present} values are {pattern}-like)", True)
    if col.flag is not None:
        return _flag(col)
    if p.get("name", 0) >= 0.5:
        return Guess(col.name, "direct_identifier", {"safe_harbor": "A"},
                     f"content ({pct(p['name'])} of {present} values look like census person names)", True)
    if col.date_formats and (col.numeric_share < 0.5 or DATE_NAME.search(norm(col.name))):
        return date_guess(col, "year_only", "content (date-like values)")
    if col.mean_length >= 40 and col.spaced_share >= 0.3:
        return Guess(col.name, "free_text", {}, f"content (mean length {col.mean_length:.0f} characters, prose)",
                     False)
    if col.numeric_share >= 0.98:
        return _numeric(col)
    if col.unique_share >= 0.95 and present >= 20:
        return Guess(col.name, "direct_identifier", {"safe_harbor": "R"},
                     f"content ({pct(col.unique_share)} of {present} values are distinct: identifier-like)", True)
    if 2 <= col.distinct <= 20 and col.distinct <= max(2, present // 2) and p.get("name", 0) < 0.2:
        return Guess(col.name, "feature", {"type": "categorical", "categories": list(col.categories)},
                     f"content ({col.distinct} distinct values)", False)
    return Guess(col.name, "drop", {}, f"content (text, {col.distinct} distinct values; not released unless you "
                                       "choose another role)", False)


def _flag(col: ColumnProfile) -> Guess:
    flag = col.flag
    categories = [int(c) if re.fullmatch(r"\d+", c) else c for c in flag.categories]
    keys = _with_codes(col, {"type": "binary"} if categories == [0, 1] else
                       {"type": "binary", "categories": categories})
    why = "content (yes/no values; categories are [no, yes]: the second is coded 1"
    if flag.categories[0] == "2" or flag.categories[1] == "2":
        why += "; 1/2 coding read as 1 = yes, 2 = no (NHANES/BRFSS convention): check the codebook"
    if flag.written == 1:
        why += "; only one of the two values occurs"
    if flag.unknown:
        why += f"; {len(flag.unknown)} unknown code(s) read as missing"
    return Guess(col.name, "feature", keys, why + ")", False)


def _numeric(col: ColumnProfile) -> Guess:
    if col.integer and col.unique_share >= 0.95 and col.present >= 20 and (col.low or 0) >= 0 \
            and col.high is not None and col.high >= 1000:
        return Guess(col.name, "direct_identifier", {"safe_harbor": "R"},
                     f"content (whole numbers, {pct(col.unique_share)} distinct: identifier-like)", True)
    keys: dict = {"type": "numeric"}
    where = "the whole file" if col.whole_file else f"a sample of {col.present} values"
    low, high = _round(col.low), _round(col.high)
    if low is None or high is None or not low < high:
        why = (f"content (numbers; every value in {where} is the same: no range drafted, a constant column carries no "
               "information: consider role drop")
    else:
        keys["range"] = [low, high]
        why = f"content (numbers; range is the observed range over {where}: widen it to the plausible range and add " \
              "the unit"
    if col.sentinels:
        why += f"; {col.sentinel_why}: drafted as missing_values, check the codebook"
    return Guess(col.name, "feature", _with_codes(col, keys), why + ")", False)


def _round(x: float | None) -> float | int | None:
    return None if x is None else (int(x) if float(x).is_integer() else round(x, 6))
