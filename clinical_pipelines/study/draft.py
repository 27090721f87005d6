"""``study init``: a draft study spec from file profiles, with every guess flagged for review.

Per column, :mod:`clinical_pipelines.study.guess` suggests a role. Over all columns the draft then
decides what a person would decide first, each marked ``# REVIEW``:

- **the patient key**: a study needs a ``patient_id``. When no column is named like one, a generic
  id column (``id``, ``record_no``, ...) becomes it: repeated values mean a patient with several
  records; unique values mean a record-level data set where each row is one patient (UCI-style
  public data sets). Other id columns stay ``record_id`` / ``direct_identifier``.
- **the event time**: the first date whose name sounds like an admission / visit (else the first
  date); an admission year (``%Y``) counts.
- **the outcome**: the first column named like one, with ``x == <yes>`` for a yes/no column and
  ``x > 0`` for numbers.
- **the design**: held-out site = the smallest site whose own size meets the validation gate
  minimums (``subgroups.min_n`` / ``min_events`` of ``policies/validation_gates.yaml``, events by the
  drafted outcome) and leaves enough for development; subgroups are the demographic
  quasi-identifiers, ``age_band`` when the study has an age, and the site.
- **missing-value codes** seen in a file (``?``, ``NA``, ...) become the table's ``missing_values``.

Every column line carries ``# REVIEW: guessed from ...`` (the name, or pattern shares and counts;
never a value of a likely identifier). The draft always carries ``draft: true``, which ``study
check`` refuses: the roles of identifiers, the outcome and the evaluation design are decisions a
person must make, so a draft never passes until someone has reviewed it and deleted that line
(docs/STUDY_SPEC.md).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pandas as pd
import yaml

from clinical_pipelines.study.guess import Guess, guess, norm, pct
from clinical_pipelines.study.profile import FileProfile

EVENT_WORDS = re.compile(r"(admi|visit|encounter|service|event|index|start|arrival|presentation|procedure)")


def _flow(value) -> str:
    return yaml.safe_dump(value, default_flow_style=True, width=10_000, sort_keys=False).strip().removesuffix(
        "\n...").strip()


def _key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) and name.lower() not in (
        "yes", "no", "on", "off", "true", "false", "null", "y", "n") else _flow(name)


def draft_spec(profiles: list[FileProfile], study_id: str = "my-study") -> tuple[str, list[tuple[str, Guess]]]:
    """(YAML text of the draft, the guesses per table) for profiles of one study's files."""
    guesses = [(p.table, guess(c)) for p in profiles for c in p.columns]
    _patient_key(guesses)
    _event_time(guesses)
    _one_outcome(guesses)
    _single_per_table(guesses)
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
        "intended_use: intended_use.yaml        # REVIEW: fill in this file (`study init` writes its skeleton)",
        'owners: ["REVIEW: team or person responsible"]',
        "draft: true                            # delete after review: `study check` refuses a draft",
        "",
        "tables:" + ("" if any(g.role == "patient_id" for _, g in guesses) else
                     "                                # REVIEW: no column can be the patient identifier: a study "
                     "needs one; add an id column to the extract (one value per patient, or a row number when "
                     "each row is one patient)"),
    ]
    for p in profiles:
        lines += _table_lines(p, [g for t, g in guesses if t == p.table])
    outcome = _outcome_lines(guesses)
    lines += [""] + outcome + [""] + _evaluation_lines(profiles, guesses)
    return "\n".join(lines) + "\n", guesses


INTENDED_USE_HEADER = (
    "# Intended use of the study's model: statements owned by the clinical lead and the compliance office,\n"
    "# rendered into the model card, clinician summary and change-control plan of every evidence bundle.\n"
    "# Skeleton written by `clinical-pipelines study init`: replace every REVIEW placeholder with the real\n"
    "# statement (an example with every field: studies/mace/intended_use.yaml). `study check` refuses\n"
    "# the spec while a placeholder is left.\n")


def intended_use_skeleton(example: dict) -> str:
    """YAML text of an intended-use file with the keys of ``example`` (the built-in study's file, parsed)
    and ``REVIEW: <key>`` placeholders as values: one item per list, every scalar a placeholder."""
    return INTENDED_USE_HEADER + yaml.safe_dump(_skeleton(example, ""), sort_keys=False, width=110,
                                                allow_unicode=True)


def _skeleton(value, key: str):
    if isinstance(value, dict):
        return {k: _skeleton(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_skeleton(value[0], key)] if value else []
    return f"REVIEW: {key.replace('_', ' ')}" if key else "REVIEW"


def _table_lines(p: FileProfile, guesses: list[Guess]) -> list[str]:
    lines = [f"  {p.table}:", f"    file: {_flow(p.path.name)}", f"    format: {p.format}"]
    if p.format != "parquet":
        lines.append(f"    encoding: {p.encoding}                 # REVIEW: detected from the first MiB")
    if p.format == "csv":
        lines += [f"    delimiter: {_flow(p.delimiter)}", "    quotechar: '\"'",
                  "    header: true                       # REVIEW: the first row is taken as the header"
                  if p.header else "    header: false                      # REVIEW: the first row looks like "
                  "data (numbers, dates or identifiers): columns are named column_1, column_2, ... in order"]
    codes: Counter = Counter()
    columns: Counter = Counter()
    for c in p.columns:
        codes.update(c.codes)
        columns.update(c.codes.keys())
    if codes:
        seen = ", ".join(f"{_flow(k)} ({n} values in {columns[k]} column(s))" for k, n in codes.most_common())
        lines.append(f"    missing_values: {_flow([''] + [k for k, _ in codes.most_common()])}   # REVIEW: "
                     f"missing-value codes seen: {seen}")
    lines.append("    columns:")
    for g in guesses:
        body = _flow({"role": g.role, **g.keys})
        lines.append(f"      {_key(g.column)}: {body}   # REVIEW: guessed from {g.why}")
    return lines


def _patient_key(guesses: list[tuple[str, Guess]]) -> None:
    """Without a column named like a patient id, make a generic id column of each table the patient key.

    A repeated id is a patient with several records (preferred); a unique one, in a table without an
    encounter id, is a record-level data set where each row is one patient.
    """
    if any(g.role == "patient_id" for _, g in guesses):
        return
    for table in dict.fromkeys(t for t, _ in guesses):
        mine = [g for t, g in guesses if t == table]
        candidates = [g for g in mine if g.key_candidate and g.profile is not None]
        repeated = [g for g in candidates if g.profile.unique_share < 0.99]
        if any(g.role == "encounter_id" for g in mine):
            candidates = repeated  # one row per encounter: only a repeated id can be the patient
        if not candidates:
            continue
        pick = repeated[0] if repeated else min(candidates, key=lambda g: norm(g.column) != "id")
        name = norm(pick.column)
        if repeated:
            pick.why = (f'the name ("{name}") and content (values repeat: {pct(1 - pick.profile.unique_share)} of '
                        "the sampled values are repeats); no other column is a patient key: taken as the patient id, "
                        "a patient with several records")
        else:
            pick.why = (f'the name ("{name}") and content (every sampled value distinct); no other column is a '
                        "patient key: a record-level data set, each row one patient, so this is the patient id")
        pick.role, pick.keys, pick.key_candidate = "patient_id", {}, False


# A table has at most one column of these roles (spec rule); later ones become:
_SECOND = {"patient_id": ("direct_identifier", {"safe_harbor": "H"}), "encounter_id": ("direct_identifier",
           {"safe_harbor": "R"}), "site": ("keep", {}), "consent": ("keep", {})}


def _single_per_table(guesses: list[tuple[str, Guess]]) -> None:
    seen: set[tuple[str, str]] = set()
    for table, g in guesses:
        if g.role in _SECOND:
            if (table, g.role) in seen:
                role = g.role
                g.role, g.keys = _SECOND[role][0], dict(_SECOND[role][1])
                g.why += f"; another column of this table was taken as the {role.replace('_', ' ')}"
            seen.add((table, g.role))


def _event_time(guesses: list[tuple[str, Guess]]) -> None:
    """Mark one date as the event time: the first whose name sounds like an admission/visit, else the first."""
    dates = [g for _, g in guesses if g.role == "date" and g.keys.get("handling") != "birth_date"]
    if not dates:
        return
    pick = next((g for g in dates if EVENT_WORDS.search(norm(g.column))), dates[0])
    pick.role = "event_time"
    pick.why += "; taken as the event time of the temporal split"


def _one_outcome(guesses) -> None:
    """The first outcome-named column is the outcome; others named like one are kept, not model inputs."""
    for _, g in [(t, g) for t, g in guesses if g.role == "outcome"][1:]:
        g.role, g.keys, g.why = "keep", {}, g.why + "; another column was taken as the outcome"


def _outcome_lines(guesses) -> list[str]:
    outcomes = [(t, g) for t, g in guesses if g.role == "outcome"]
    if not outcomes:
        return ["outcome:                               # REVIEW: no outcome column recognised: set it",
                "  name: outcome", "  source: column", "  table: REVIEW", "  column: REVIEW",
                '  definition: "REVIEW"', "labels: {not_applicable: \"outcome recorded in the extract, single source\"}"]
    t, g = outcomes[0]
    return ["outcome:                               # REVIEW: which column, and what counts as an event",
            f"  name: {norm(g.column)}", "  source: column", f"  table: {t}", f"  column: {_key(g.column)}",
            f"  definition: {_flow(g.definition or 'REVIEW')}     # REVIEW: e.g. 'x == 1', \"x in ['died']\"",
            'labels: {not_applicable: "outcome recorded in the extract, single source"}   # REVIEW: or a rater table']


def _evaluation_lines(profiles: list[FileProfile], guesses) -> list[str]:
    event = next((g for _, g in guesses if g.role == "event_time"), None)
    ages = any(g.keys.get("age") is True or (g.role == "date" and g.keys.get("handling") == "birth_date")
               for _, g in guesses)
    subgroups = [g.column for _, g in guesses if g.role == "quasi_identifier" and g.keys.get("safe_harbor") is None
                 and not g.keys.get("age")]
    subgroups += ["age_band"] if ages else []
    site = next(((t, g) for t, g in guesses if g.role == "site"), None)
    subgroups += [site[1].column] if site else []
    temporal = (f"{{column: {_key(event.column)}, holdout: last_year}}" if event
                else '{not_applicable: "no dates in the extract"}')
    sites = _external_sites(profiles, guesses, site)
    subgroups, left_out = _assessable(profiles, guesses, subgroups)
    groups = _flow(subgroups) if subgroups else '{not_applicable: "REVIEW: no subgroup attribute recognised"}'
    note = (f"   # REVIEW: left out, fewer than 2 groups reach the gate minimums: {', '.join(left_out)}"
            if left_out else "")
    return ["evaluation:                             # REVIEW: the validation design",
            f"  temporal: {temporal}", f"  external_sites: {sites}", f"  subgroups: {groups}{note}"]


def _assessable(profiles: list[FileProfile], guesses, attributes: list[str]) -> tuple[list[str], list[str]]:
    """(kept, left out): every subgroup attribute is gated (``subgroup_performance`` needs two groups meeting the
    gate minimums by the drafted outcome); a column of the outcome's table that cannot reach that is left out."""
    outcome = next(((t, g) for t, g in guesses if g.role == "outcome"), None)
    sample = next((p.sample for p in profiles if outcome and p.table == outcome[0]), None)
    events = _events(sample, guesses, outcome[0]) if sample is not None else None
    if events is None:
        return attributes, []
    min_n, min_events = _minimums()
    kept, left = [], []
    for attr in attributes:
        if attr not in sample:
            kept.append(attr)
            continue
        frame = pd.DataFrame({"g": sample[attr].astype("string").str.strip().to_numpy(), "y": events})
        frame = frame[frame["y"].notna() & frame["g"].notna() & (frame["g"] != "")]
        sizes = frame.groupby("g")["y"].agg(["size", "sum"])
        ok = ((sizes["size"] >= min_n) & (sizes["sum"] >= min_events) & (sizes["size"] - sizes["sum"] >= min_events))
        (kept if int(ok.sum()) >= 2 else left).append(attr)
    return kept, left


def _external_sites(profiles: list[FileProfile], guesses, site) -> str:
    """The held-out site: the smallest one meeting the gate minimums by itself and leaving enough to develop on."""
    if site is None:
        return '{not_applicable: "one site only"}   # REVIEW: no site column recognised'
    table, g = site
    sample = next((p.sample for p in profiles if p.table == table), None)
    if sample is None or g.column not in sample:
        return '{not_applicable: "REVIEW: list the held-out sites, or say why there are none"}'
    sites = sample[g.column].dropna().astype(str).str.strip()
    counts = sites[sites != ""].value_counts()
    if len(counts) < 2:
        return '{not_applicable: "one site only"}   # REVIEW: the site column holds one value'
    events = _events(sample, guesses, table)
    min_n, min_events = _minimums()
    sizes = []
    for s, n in sorted(counts.items(), key=lambda kv: (kv[1], kv[0])):
        ev = int(events[sites.index[sites == s]].sum()) if events is not None else None
        decided = int(events[sites.index[sites == s]].notna().sum()) if events is not None else int(n)
        sizes.append((s, int(n), decided, ev))
    total_n = sum(d for _, _, d, _ in sizes)
    total_ev = sum(e or 0 for _, _, _, e in sizes)

    def enough(n, ev):
        return n >= min_n and (ev is None or (ev >= min_events and n - ev >= min_events))

    pick = next((s for s, _, d, ev in sizes
                 if enough(d, ev) and enough(total_n - d, None if ev is None else total_ev - ev)), None)
    listed = ", ".join(f"{s} {n}" + (f" ({ev} events)" if ev is not None else "") for s, n, _, ev in sizes)
    rule = (f"the smallest site with >= {min_n} units and >= {min_events} events and non-events by the drafted "
            "outcome (policies/validation_gates.yaml subgroups)")
    if pick is None:
        return (f'{{not_applicable: "REVIEW: no site meets the gate minimums on its own"}}   # REVIEW: {rule}; '
                f"sites: {listed}")
    return f"{_flow([pick])}   # REVIEW: held out as the external site: {rule}; sites: {listed}"


def _events(sample: pd.DataFrame, guesses, table: str) -> pd.Series | None:
    """Drafted outcome per sampled row (1.0 / 0.0 / NaN), or ``None`` when it cannot be evaluated here."""
    from clinical_pipelines.study import expression

    outcome = next((g for t, g in guesses if g.role == "outcome" and t == table), None)
    if outcome is None or not outcome.definition or "REVIEW" in outcome.definition:
        return None
    try:
        result = expression.parse(outcome.definition).evaluate(sample)
    except Exception:  # noqa: BLE001 - a definition the sample cannot evaluate leaves the counts out
        return None
    return result.values.astype("Float64").astype(float)


def _minimums() -> tuple[int, int]:
    try:
        from clinical_pipelines.validation.gates import load_gate_policy

        policy = load_gate_policy()
        return policy.min_subgroup_n, policy.min_subgroup_events
    except Exception:  # noqa: BLE001 - without the policy, any site with rows qualifies (still marked REVIEW)
        return 1, 0
