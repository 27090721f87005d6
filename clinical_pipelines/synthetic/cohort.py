"""Deterministic, seeded multi-site cardiology cohort in the raw extract format (docs/DATA_CONTRACT.md).

One ``RawBatch`` per site (``<site>-<year>-01-extract``) holding ``encounters.csv``, ``notes.jsonl``,
``labels.csv`` and ``extract.json`` as bytes.  Same ``CohortSpec`` -> same bytes.

Generative model (documented so model/validation results can be judged against it):

* patients: age ~ N(66, 13) clipped to 25-89, plus ~3 % aged 90-103; ~3 % live in a restricted
  ZIP3 area (036, 059, 063, 102, 556, 692); 1-3 encounters each, spread over ``n_years`` years.
* features: latent acute coronary syndrome (ACS) and heart-failure states drive troponin, ST
  deviation, BNP, heart rate, SpO2 ...; comorbidities depend on age.  Missingness: BNP ~35 %
  (less often measured in low-risk patients), troponin ~6 %, ECG intervals ~6 % (PR always missing
  in atrial fibrillation), other labs/vitals 1-5 %.
* outcome (30-day MACE, ~15 %): logistic in age, log troponin, log BNP, log creatinine, ST
  deviation, AF, prior MI, diabetes, heart rate, systolic BP, plus a mild site effect and a mild
  upward temporal drift.  Logistic regression on the raw features reaches AUROC ~0.8.
* labels: each encounter is rated by two raters; a third rates every disagreement and ~8 % of the
  rest (~15 % overall).  Raters have their own sensitivity/specificity (Cohen's kappa ~0.7).
* notes: one per encounter from :func:`clinical_pipelines.synthetic.notes.generate_note`, using the
  row's identifiers and values.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from clinical_pipelines.ingest.contract import ENCOUNTER_COLUMNS, LABEL_COLUMNS, NOTE_FIELDS, REQUIRED_FILES
from clinical_pipelines.synthetic import identities as ids
from clinical_pipelines.synthetic.notes import PhiSpan, generate_note

# The extract contract is defined once, by the ingest side that enforces it.
FILE_NAMES = REQUIRED_FILES

# column -> decimals in the CSV (None = integer)
_NUMERIC_FORMAT = {
    "heart_rate": 0, "systolic_bp": 0, "diastolic_bp": 0, "resp_rate": 0, "temperature_c": 1, "spo2": 0,
    "creatinine_mg_dl": 2, "potassium_mmol_l": 1, "sodium_mmol_l": 0, "troponin_ng_l": 0,
    "hemoglobin_g_dl": 1, "wbc_10e9_l": 1, "bnp_pg_ml": 0, "qrs_ms": 0, "qtc_ms": 0, "pr_ms": 0,
    "st_deviation_mm": 1, "atrial_fibrillation": 0, "diabetes": 0, "hypertension": 0, "prior_mi": 0,
    "current_smoker": 0,
}
_RACES = ("White", "Black or African American", "Asian", "American Indian or Alaska Native",
          "Native Hawaiian or Other Pacific Islander", "Other", "Unknown")
_RACE_P = (0.66, 0.14, 0.07, 0.01, 0.005, 0.06, 0.055)
_ETHNICITIES = ("Not Hispanic or Latino", "Hispanic or Latino", "Unknown")
_ETH_P = (0.82, 0.13, 0.05)
_NOTE_TYPES = ("discharge_summary", "progress_note", "ed_note", "ecg_report", "echo_report", "nursing_note",
               "referral_letter", "device_clinic_note", "telephone_note")
_NOTE_TYPE_P = (0.28, 0.15, 0.15, 0.1, 0.1, 0.08, 0.06, 0.04, 0.04)
# per-rater (sensitivity, specificity), cycled when more raters are configured
_RATER_QUALITY = ((0.95, 0.985), (0.90, 0.975), (0.92, 0.98), (0.88, 0.97))
_SITE_EFFECTS = (0.0, 0.25, -0.2, 0.15, -0.1)


@dataclass(frozen=True)
class CohortSpec:
    n_patients: int = 3000
    sites: tuple[str, ...] = ("northgate", "riverside", "lakeshore")
    first_year: int = 2019
    n_years: int = 5
    seed: int = 20261128
    raters: tuple[str, ...] = ("rater_a", "rater_b", "rater_c")


@dataclass(frozen=True)
class RawBatch:
    batch_id: str
    site_id: str
    source_system: str
    files: dict[str, bytes]
    note_spans: dict[str, tuple[PhiSpan, ...]]  # gold PHI spans per note_id: for tests, never landed
    outcomes: dict[str, int] = field(default_factory=dict)  # latent true outcome per encounter_id: tests only


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _check_spec(spec: CohortSpec) -> None:
    if spec.n_patients < 1:
        raise ValueError("CohortSpec.n_patients must be >= 1")
    if not spec.sites or len(set(spec.sites)) != len(spec.sites):
        raise ValueError("CohortSpec.sites must be a non-empty tuple of distinct site ids")
    if spec.n_years < 1:
        raise ValueError("CohortSpec.n_years must be >= 1")
    if len(spec.raters) < 2 or len(set(spec.raters)) != len(spec.raters):
        raise ValueError("CohortSpec.raters needs at least 2 distinct rater ids (every encounter has >= 2 raters)")


def _facility(site: str) -> str:
    return ids.SITE_FACILITIES.get(site, (f"{site.title()} General Hospital",))[0]


def _fmt(value: float, decimals: int) -> str:
    if value != value:  # NaN
        return ""
    return f"{value:.{decimals}f}" if decimals else str(int(round(value)))


# Strength of the clinical signal in the outcome model: strong enough that a correctly built model
# passes the default promotion gates on the default cohort (AUROC ~0.85), weak enough to be noisy.
OUTCOME_SIGNAL = 1.4


def _solve_intercept(lp: np.ndarray, prevalence: float) -> float:
    lo, hi = -15.0, 15.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if _sigmoid(lp + mid).mean() < prevalence:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def generate_cohort(spec: CohortSpec = CohortSpec()) -> list[RawBatch]:
    """The cohort as one raw batch per site (pure function of ``spec``)."""
    _check_spec(spec)
    rs = np.random.default_rng(spec.seed)
    n, sites = spec.n_patients, spec.sites
    start = _dt.date(spec.first_year, 1, 1)
    last_admit = _dt.date(spec.first_year + spec.n_years - 1, 10, 15)
    window = (last_admit - start).days
    extract_date = _dt.date(spec.first_year + spec.n_years, 1, 15)

    # ---------------- patients
    w = np.array([1.0 / (1 + 0.3 * i) for i in range(len(sites))])
    site_idx = rs.choice(len(sites), size=n, p=w / w.sum())
    age0 = np.clip(rs.normal(66, 13, n), 25, 89).astype(int)
    old = rs.random(n) < 0.03
    age0[old] = rs.integers(90, 104, old.sum())
    restricted = rs.random(n) < 0.03
    n_enc = rs.choice([1, 2, 3], size=n, p=[0.5, 0.3, 0.2])
    first_day = rs.integers(0, window + 1, n)
    male = rs.random(n) < 0.56
    diabetes = rs.random(n) < _sigmoid(-1.1 + 0.015 * (age0 - 65))
    htn = rs.random(n) < _sigmoid(0.4 + 0.04 * (age0 - 65))
    prior_mi = rs.random(n) < _sigmoid(-1.6 + 0.02 * (age0 - 65) + 0.3 * male)
    smoker = rs.random(n) < _sigmoid(-1.3 - 0.03 * (age0 - 65))
    afib = rs.random(n) < _sigmoid(-2.0 + 0.06 * (age0 - 65))
    race = rs.choice(len(_RACES), size=n, p=_RACE_P)
    eth = rs.choice(len(_ETHNICITIES), size=n, p=_ETH_P)
    consent = rs.random(n) < 0.86

    # clinician pools per site (deterministic)
    pools: dict[str, tuple[list[str], list[str]]] = {}
    for s in sites:
        prng = random.Random(f"{spec.seed}:staff:{s}")
        docs = sorted({" ".join(ids.clinician_name(prng)) for _ in range(24)})
        nurses = sorted({" ".join(ids.person_name(prng)) for _ in range(30)})
        pools[s] = (docs, nurses)

    patients: list[dict[str, Any]] = []
    used: dict[str, set[str]] = {"mrn": set(), "ssn": set(), "account_number": set()}
    for i in range(n):
        site = sites[site_idx[i]]
        prng = random.Random(f"{spec.seed}:patient:{i}")
        ref = start + _dt.timedelta(days=int(first_day[i]))
        p = ids.make_patient(prng, site, age=int(age0[i]), ref_date=ref, restricted_zip=bool(restricted[i]))
        for key, gen in (("mrn", lambda r, s=site: ids.mrn(r, s)), ("ssn", ids.ssn), ("account_number", ids.account_number)):
            while p[key] in used[key]:
                p[key] = gen(prng)
            used[key].add(p[key])
        sex = "M" if male[i] else "F"
        if sex != p["sex"]:
            first = prng.choice(ids.FIRST_MALE if male[i] else ids.FIRST_FEMALE)
            p.update(sex=sex, first_name=first, patient_name=f"{first} {p['last_name']}")
        p["site_id"] = site
        patients.append(p)

    # ---------------- encounters
    pid = np.repeat(np.arange(n), n_enc)
    k = np.concatenate([np.arange(c) for c in n_enc])
    gaps = rs.integers(30, 540, size=(n, 2))
    cum = np.column_stack([np.zeros(n, dtype=int), gaps[:, 0], gaps[:, 0] + gaps[:, 1]])
    day = first_day[pid] + cum[pid, k]
    keep = (day <= window) | (k == 0)
    pid, k, day = pid[keep], k[keep], day[keep]
    ne = pid.size
    admit = np.array([start + _dt.timedelta(days=int(d)) for d in day])
    year_idx = np.array([a.year - spec.first_year for a in admit])
    age = age0[pid] + (day - first_day[pid]) // 365
    sidx = site_idx[pid]
    dm, ht, pmi, smk, af = diabetes[pid], htn[pid], prior_mi[pid], smoker[pid], afib[pid]
    ml = male[pid]

    acs = rs.random(ne) < _sigmoid(-1.2 + 0.015 * (age - 65) + 0.4 * pmi + 0.3 * dm + 0.3 * smk)
    hf = rs.random(ne) < _sigmoid(-1.7 + 0.03 * (age - 65) + 0.7 * pmi + 0.5 * af)
    trop = np.exp(rs.normal(2.3 + 0.012 * (age - 65), 0.6, ne)) + acs * np.exp(rs.normal(4.0, 1.3, ne))
    trop *= 1.0 + 0.04 * year_idx  # assay recalibration drift
    bnp = np.exp(rs.normal(4.2 + 0.025 * (age - 65) + 1.3 * hf + 0.4 * af, 0.85, ne))
    creat = np.exp(rs.normal(np.log(0.92) + 0.006 * (age - 65) + 0.15 * dm + 0.12 * hf + 0.1 * ml, 0.27, ne))
    st = np.where(acs, np.abs(rs.normal(0.9, 1.2, ne)), np.abs(rs.normal(0, 0.25, ne)))
    hr = rs.normal(78 + 8 * acs + 18 * af + 6 * hf, 14, ne)
    sbp = rs.normal(138 - 8 * hf + 6 * ht, 21, ne)
    dbp = 0.45 * sbp + rs.normal(18, 8, ne)
    rr = rs.normal(17 + 2.5 * hf, 2.8, ne)
    temp = rs.normal(36.9, 0.35, ne)
    spo2 = np.clip(97 - 2.5 * hf + rs.normal(0, 1.8, ne), 78, 100)
    pot = rs.normal(4.2 + 0.15 * (creat - 1), 0.42, ne)
    sod = rs.normal(139 - 2 * hf, 3, ne)
    hgb = rs.normal(13.7 - 1.1 * (~ml) - 0.012 * (age - 65), 1.6, ne)
    wbc = np.exp(rs.normal(np.log(7.8) + 0.15 * acs, 0.28, ne))
    qrs = rs.normal(96, 13, ne) + 34 * (rs.random(ne) < 0.08)
    qtc = rs.normal(442 + 12 * hf, 27, ne)
    pr = rs.normal(162 + 0.4 * (age - 65), 22, ne)

    site_eff = np.array([_SITE_EFFECTS[i % len(_SITE_EFFECTS)] for i in range(len(sites))])[sidx]
    lp = (0.03 * (age - 65) + 0.5 * np.log(trop / 15) + 0.42 * np.log(bnp / 100) + 0.9 * np.log(creat)
          + 0.35 * np.minimum(st, 4) + 0.4 * af + 0.45 * pmi + 0.3 * dm + 0.012 * (hr - 80) - 0.008 * (sbp - 135)
          + site_eff + 0.08 * year_idx)
    lp = OUTCOME_SIGNAL * lp
    lp = lp + _solve_intercept(lp, 0.15)
    outcome = (rs.random(ne) < _sigmoid(lp)).astype(int)

    los = np.minimum(rs.geometric(0.35, ne) - 1 + 2 * (acs | hf), 21)
    disc = np.array([a + _dt.timedelta(days=int(x)) for a, x in zip(admit, los)])

    feats = {
        "heart_rate": np.clip(hr, 35, 190), "systolic_bp": np.clip(sbp, 70, 240),
        "diastolic_bp": np.clip(dbp, 35, 140), "resp_rate": np.clip(rr, 8, 40), "temperature_c": np.clip(temp, 34.5, 40.5),
        "spo2": spo2, "creatinine_mg_dl": np.clip(creat, 0.3, 12), "potassium_mmol_l": np.clip(pot, 2.5, 7),
        "sodium_mmol_l": np.clip(sod, 118, 160), "troponin_ng_l": np.clip(trop, 2, 50000),
        "hemoglobin_g_dl": np.clip(hgb, 5.5, 19.5), "wbc_10e9_l": np.clip(wbc, 1.5, 40), "bnp_pg_ml": np.clip(bnp, 5, 35000),
        "qrs_ms": np.clip(qrs, 60, 220), "qtc_ms": np.clip(qtc, 330, 620), "pr_ms": np.clip(pr, 90, 360),
        "st_deviation_mm": np.clip(st, 0, 8), "atrial_fibrillation": af.astype(float), "diabetes": dm.astype(float),
        "hypertension": ht.astype(float), "prior_mi": pmi.astype(float), "current_smoker": smk.astype(float),
    }
    miss_p = {"heart_rate": 0.01, "systolic_bp": 0.01, "diastolic_bp": 0.01, "resp_rate": 0.04, "temperature_c": 0.05,
              "spo2": 0.02, "creatinine_mg_dl": 0.02, "potassium_mmol_l": 0.03, "sodium_mmol_l": 0.03,
              "troponin_ng_l": 0.06, "hemoglobin_g_dl": 0.04, "wbc_10e9_l": 0.04, "current_smoker": 0.05}
    for col, p_m in miss_p.items():
        feats[col] = np.where(rs.random(ne) < p_m, np.nan, feats[col])
    feats["bnp_pg_ml"] = np.where(rs.random(ne) < 0.45 - 0.25 * (hf | af), np.nan, feats["bnp_pg_ml"])
    ecg_missing = rs.random(ne) < 0.06
    for col in ("qrs_ms", "qtc_ms", "st_deviation_mm"):
        feats[col] = np.where(ecg_missing, np.nan, feats[col])
    feats["pr_ms"] = np.where(ecg_missing | af, np.nan, feats["pr_ms"])

    # ---------------- labels
    nr = len(spec.raters)
    quality = [_RATER_QUALITY[i % len(_RATER_QUALITY)] for i in range(nr)]
    order = np.argsort(rs.random((ne, nr)), axis=1)
    u = rs.random((ne, 3))
    extra = rs.random(ne)

    def rate(r_idx: np.ndarray, col: int) -> np.ndarray:
        se = np.array([quality[r][0] for r in r_idx])
        sp = np.array([quality[r][1] for r in r_idx])
        return np.where(outcome == 1, u[:, col] < se, u[:, col] >= sp).astype(int)

    r1, r2 = order[:, 0], order[:, 1]
    l1, l2 = rate(r1, 0), rate(r2, 1)
    third = (l1 != l2) | (extra < 0.08) if nr >= 3 else np.zeros(ne, dtype=bool)
    r3 = order[:, 2] if nr >= 3 else r1
    l3 = rate(r3, 2)
    lab_delay = rs.integers(31, 80, (ne, 3))
    lab_sec = rs.integers(7 * 3600, 19 * 3600, (ne, 3))

    # ---------------- notes + rows, per site
    enc_ids: list[str] = []
    used_enc: set[str] = set()
    for j in range(ne):
        site = sites[sidx[j]]
        prefix = ids.SITE_MRN_PREFIX.get(site, site[:2].upper())
        eid = f"{prefix}E{int(rs.integers(10**7, 10**8))}"
        while eid in used_enc:
            eid = f"{prefix}E{int(rs.integers(10**7, 10**8))}"
        used_enc.add(eid)
        enc_ids.append(eid)
    note_type_idx = rs.choice(len(_NOTE_TYPES), size=ne, p=_NOTE_TYPE_P)
    doc_pick = rs.integers(0, 10**6, ne)
    nurse_pick = rs.integers(0, 10**6, ne)

    per_site: dict[str, dict[str, Any]] = {s: {"enc": [], "notes": [], "labels": [], "spans": {}, "outcomes": {}}
                                            for s in sites}
    for j in range(ne):
        p = patients[pid[j]]
        site = sites[sidx[j]]
        docs, nurses = pools[site]
        attending = docs[doc_pick[j] % len(docs)]
        a, d = admit[j], disc[j]
        row = {c: p.get(c, "") for c in ENCOUNTER_COLUMNS[:18]}
        row.update({
            "state": p["state"], "sex": p["sex"], "race": _RACES[race[pid[j]]], "ethnicity": _ETHNICITIES[eth[pid[j]]],
            "research_consent": "Y" if consent[pid[j]] else "N", "encounter_id": enc_ids[j], "site_id": site,
            "admit_date": a.isoformat(), "discharge_date": d.isoformat(), "attending_clinician": attending,
            "facility_name": _facility(site),
        })
        for col, dec in _NUMERIC_FORMAT.items():
            row[col] = _fmt(float(feats[col][j]), dec)
        st_ = per_site[site]
        st_["enc"].append([row[c] for c in ENCOUNTER_COLUMNS])
        st_["outcomes"][enc_ids[j]] = int(outcome[j])

        ntype = _NOTE_TYPES[note_type_idx[j]]
        author = nurses[nurse_pick[j] % len(nurses)] if ntype == "nursing_note" else attending
        if ntype == "discharge_summary":
            note_date = d
        elif ntype in ("ed_note", "ecg_report"):
            note_date = a
        elif ntype in ("referral_letter", "telephone_note", "device_clinic_note"):
            note_date = min(d + _dt.timedelta(days=int(7 + doc_pick[j] % 30)), extract_date - _dt.timedelta(days=1))
        else:
            note_date = a + _dt.timedelta(days=int(doc_pick[j] % (int(los[j]) + 1)))
        enc_view = {k_: row[k_] for k_ in ENCOUNTER_COLUMNS[23:]}
        enc_view.update(note_date=note_date.isoformat(), author=author)
        note_id = f"{enc_ids[j]}-N1"
        note = generate_note(p, enc_view, random.Random(f"{spec.seed}:{note_id}"), note_id, ntype)
        st_["notes"].append({"note_id": note_id, "encounter_id": enc_ids[j], "mrn": p["mrn"],
                             "note_date": note_date.isoformat(), "author": author, "note_type": ntype,
                             "text": note.text})
        st_["spans"][note_id] = note.spans

        ratings = [(r1[j], l1[j], 0), (r2[j], l2[j], 1)] + ([(r3[j], l3[j], 2)] if third[j] else [])
        for r_idx, lab, col in ratings:
            days = int(lab_delay[j, col]) + (14 if col == 2 else 0)
            ts = _dt.datetime.combine(d, _dt.time()) + _dt.timedelta(days=days, seconds=int(lab_sec[j, col]))
            ts = min(ts, _dt.datetime.combine(extract_date, _dt.time()) - _dt.timedelta(hours=6 - col))
            tool = "chart-review-ui/2.3.1" if ts.year >= spec.first_year + 2 else "chart-review-ui/2.2.0"
            st_["labels"].append([enc_ids[j], spec.raters[r_idx], str(int(lab)), ts.isoformat(timespec="seconds"), tool])

    batches = []
    year = spec.first_year + spec.n_years
    for site in sites:
        st_ = per_site[site]
        batch_id = f"{site}-{year}-01-extract"
        source = ids.SITE_SOURCE_SYSTEM.get(site, f"{site}-ehr")
        files = {
            "encounters.csv": _csv_bytes(ENCOUNTER_COLUMNS, st_["enc"]),
            "notes.jsonl": "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in st_["notes"]).encode("utf-8"),
            "labels.csv": _csv_bytes(LABEL_COLUMNS, st_["labels"]),
        }
        descriptor = {"batch_id": batch_id, "source_system": source, "site_id": site,
                      "extracted_at": f"{extract_date.isoformat()}T02:00:00Z", "files": list(FILE_NAMES)}
        files["extract.json"] = (json.dumps(descriptor, indent=2) + "\n").encode("utf-8")
        batches.append(RawBatch(batch_id=batch_id, site_id=site, source_system=source, files=files,
                                note_spans=st_["spans"], outcomes=st_["outcomes"]))
    return batches


def _csv_bytes(header: Sequence[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def write_batches(batches: Sequence[RawBatch], s3_client: Any, bucket: str, prefix: str = "main") -> list[str]:
    """Put every batch file at ``{prefix}/{batch_id}/{file}`` (extract.json last); returns the keys."""
    keys = []
    for batch in batches:
        names = [f for f in batch.files if f != "extract.json"] + (["extract.json"] if "extract.json" in batch.files else [])
        for name in names:
            key = f"{prefix}/{batch.batch_id}/{name}" if prefix else f"{batch.batch_id}/{name}"
            s3_client.put_object(Bucket=bucket, Key=key, Body=batch.files[name])
            keys.append(key)
    return keys
