import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from clinical_pipelines.training.split import (
    SPLITS,
    SplitError,
    split_dataset,
    split_manifest,
    verify_split,
)

CUTOFF = date(2023, 1, 1)


def _encounters(n_patients=400, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for p in range(n_patients):
        site = rng.choice(["A", "B", "C"], p=[0.45, 0.4, 0.15])
        for k in range(rng.integers(1, 4)):
            rows.append({
                "encounter_pid": f"e{p}_{k}",
                "patient_pid": f"p{p}",
                "site_id": site if k == 0 or rng.random() < 0.9 else rng.choice(["A", "B", "C"]),
                "admit_date": (pd.Timestamp("2020-01-01") + pd.Timedelta(days=int(rng.integers(0, 1460)))).date().isoformat(),
                "label": int(rng.random() < 0.2),
            })
    return pd.DataFrame(rows)


def _split(df, **kw):
    args = dict(patient_col="patient_pid", date_col="admit_date", site_col="site_id",
                temporal_cutoff=CUTOFF, external_sites=["C"], seed=11)
    args.update(kw)
    return split_dataset(df, **args)


def test_split_rules_patient_disjoint_and_verified():
    df = _encounters()
    out = _split(df)
    assert set(out["split"]) == set(SPLITS)
    assert out.groupby("patient_pid")["split"].nunique().max() == 1
    # any C encounter -> external; else any encounter on/after cutoff -> temporal
    ext_patients = set(df.loc[df.site_id == "C", "patient_pid"])
    assert set(out.loc[out.split == "external_test", "patient_pid"]) == ext_patients
    late = set(df.loc[pd.to_datetime(df.admit_date) >= pd.Timestamp(CUTOFF), "patient_pid"]) - ext_patients
    assert set(out.loc[out.split == "temporal_test", "patient_pid"]) == late
    rest = out[out.split.isin(["train", "internal_test"])]
    frac = rest.groupby("patient_pid")["split"].first().eq("internal_test").mean()
    assert 0.1 < frac < 0.3
    assert verify_split(out, date_col="admit_date", temporal_cutoff=CUTOFF, site_col="site_id", external_sites=["C"]) == []


def test_split_is_deterministic_and_row_order_independent():
    df = _encounters()
    a = _split(df).set_index("encounter_pid")["split"]
    b = _split(df.sample(frac=1.0, random_state=3)).set_index("encounter_pid")["split"]
    assert a.sort_index().equals(b.sort_index())
    c = _split(df, seed=12).set_index("encounter_pid")["split"]
    assert not a.sort_index().equals(c.sort_index())


def test_verify_detects_leakage_and_empty_split():
    out = _split(_encounters())
    pid = out.loc[out.split == "train", "patient_pid"].iloc[0]
    leaked = out.copy()
    idx = leaked.index[leaked.patient_pid == pid]
    leaked.loc[idx[:1], "split"] = "internal_test"
    leaked = pd.concat([leaked, leaked.loc[idx[:1]].assign(split="train", encounter_pid="extra")])
    problems = verify_split(leaked)
    assert any("patient leakage: 1 patient" in p for p in problems)

    no_external = out[out.split != "external_test"]
    assert any("'external_test' is empty" in p for p in verify_split(no_external))


def test_verify_detects_rule_violations():
    out = _split(_encounters())
    bad = out.copy()
    i = bad.index[(bad.split == "temporal_test") & (pd.to_datetime(bad.admit_date) >= pd.Timestamp(CUTOFF))][0]
    bad.loc[i, "split"] = "train"
    j = bad.index[bad.site_id == "C"][0]
    bad.loc[j, "split"] = "internal_test"
    problems = verify_split(bad, date_col="admit_date", temporal_cutoff=CUTOFF, site_col="site_id", external_sites=["C"])
    assert any("on or after the temporal cutoff" in p for p in problems)
    assert any("external sites are outside external_test" in p for p in problems)


def test_year_column_and_fail_closed_inputs():
    df = _encounters().assign(admit_year=lambda d: pd.to_datetime(d.admit_date).dt.year.astype("int64"))
    out = _split(df, date_col="admit_year")
    assert verify_split(out) == []
    with pytest.raises(SplitError, match="1 January"):
        _split(df, date_col="admit_year", temporal_cutoff=date(2023, 6, 1))
    with pytest.raises(SplitError, match="missing column"):
        _split(df.drop(columns=["site_id"]))
    broken = df.copy()
    broken.loc[0, "admit_date"] = None
    with pytest.raises(SplitError, match="1 empty or unparseable"):
        _split(broken)


def test_manifest_counts_prevalence_and_fingerprint():
    out = _split(_encounters())
    m = split_manifest(out, site_col="site_id", date_col="admit_date", parameters={"temporal_cutoff": CUTOFF, "external_sites": ["C"]})
    json.dumps(m)  # serialisable
    assert sum(s["n_rows"] for s in m["splits"].values()) == len(out)
    assert m["splits"]["external_test"]["by_site"].keys() >= {"C"}
    t = m["splits"]["train"]
    assert t["prevalence"] == pytest.approx(out.loc[out.split == "train", "label"].mean())
    assert set(m["splits"]["temporal_test"]["by_year"]) >= {"2023"}
    assert m["pairs_sha256"] == split_manifest(out.sample(frac=1, random_state=1), date_col="admit_date")["pairs_sha256"]
    moved = out.copy()
    moved.loc[moved.index[0], "split"] = "internal_test" if moved.loc[moved.index[0], "split"] != "internal_test" else "train"
    assert split_manifest(moved)["pairs_sha256"] != m["pairs_sha256"]


def test_split_follows_the_study_design_and_its_not_applicable_parts():
    from clinical_pipelines.study.builtin import load_builtin_study
    from clinical_pipelines.training.design import evaluation_design
    from clinical_pipelines.training.split import required_splits, split_study

    mace = evaluation_design()
    assert (mace.site_column, mace.external_sites, mace.event_column, mace.holdout) == \
        ("site_id", ("lakeshore",), "admit_year", "last_year")
    assert mace.subgroup_columns() == {"sex": "sex", "site": "site_id"} and mace.age_band
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"patient_pid": [f"p{i % 80}" for i in range(200)], "encounter_pid": [f"e{i}" for i in range(200)],
                       "site_id": rng.choice(["a", "b", "lakeshore"], 200), "admit_year": rng.choice([2022, 2023, 2024], 200)})
    df["site_id"] = df.groupby("patient_pid")["site_id"].transform("first")
    out, cutoff = split_study(df, design=mace, seed=3)
    assert cutoff == pd.Timestamp("2024-01-01")
    assert set(out.loc[out["site_id"] == "lakeshore", "split"]) == {"external_test"}
    assert verify_split(out, required_splits=required_splits(mace)) == []

    hd = evaluation_design(load_builtin_study("heart-disease"))
    assert hd.event_column is None and hd.external_sites == ("VA Long Beach",) and "evaluation.temporal" in hd.not_applicable
    assert hd.encounter_column == hd.patient_column == "patient_pid"  # one row per patient
    assert required_splits(hd) == ("train", "internal_test", "external_test")
    pts = pd.DataFrame({"patient_pid": [f"p{i}" for i in range(60)], "encounter_pid": [f"e{i}" for i in range(60)],
                        "dataset": ["Cleveland"] * 40 + ["VA Long Beach"] * 20})
    split, cutoff = split_study(pts, design=hd, seed=1)
    assert "temporal_test" not in set(split["split"]) and cutoff is None
    assert set(split.loc[split["dataset"] == "VA Long Beach", "split"]) == {"external_test"}
