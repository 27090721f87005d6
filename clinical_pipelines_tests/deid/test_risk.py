import json
import math

import numpy as np
import pandas as pd
import pytest
from pycanon import anonymity

from clinical_pipelines.deid.cli import deid_risk_main
from clinical_pipelines.deid.risk import enforce_k, risk_metrics

QIS = ["age", "sex", "zip3"]


def frame(n=600, seed=3):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"age": rng.integers(40, 50, n).astype(str), "sex": rng.choice(["F", "M"], n),
                       "zip3": rng.choice(["021", "022", "100"], n), "dx": rng.choice(["a", "b", "c"], n),
                       "mi": rng.choice(["0", "1"], n, p=[.9, .1])})
    df.index = rng.permutation(np.arange(1000, 1000 + n))  # non-default index: pycanon's bug trigger
    return df


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cross_check_with_pycanon(seed):
    df = frame(seed=seed)
    ref = df.reset_index(drop=True)  # pycanon returns wrong l-diversity on a non 0..N-1 index
    m = risk_metrics(df, QIS, ["dx", "mi"])
    assert m["k"] == anonymity.k_anonymity(ref, QIS)
    for s in ("dx", "mi"):
        assert m["l_diversity"][s]["distinct_l"] == anonymity.l_diversity(ref, QIS, [s])
        assert math.floor(m["l_diversity"][s]["entropy_l"] + 1e-9) == anonymity.entropy_l_diversity(ref, QIS, [s])


def test_prosecutor_risk():
    df = pd.DataFrame({"a": ["x", "x", "y", "z", "z", "z"]})
    m = risk_metrics(df, ["a"], threshold=0.4)
    assert m["k"] == 1 and m["equivalence_classes"] == 3
    assert m["prosecutor_risk_max"] == 1.0
    assert m["prosecutor_risk_mean"] == pytest.approx((0.5 * 2 + 1 + 1 / 3 * 3) / 6)
    assert m["records_above_threshold"] == 3  # 0.5, 0.5, 1.0


def test_enforce_k_reaches_target():
    df = frame(n=300)
    out, log = enforce_k(df, QIS, 10, {"age": ["band5", "band10"], "zip3": ["suppress"]})
    assert risk_metrics(out, QIS)["k"] >= 10
    assert log["target_k"] == 10


def test_one_million_rows_fast():
    import time

    rng = np.random.default_rng(0)
    n = 200_000  # unit-test size; the 1M benchmark lives in tools/bench/deid_risk.py
    df = pd.DataFrame({q: rng.integers(0, 50, n) for q in "abcdef"})
    t0 = time.perf_counter()
    risk_metrics(df, list("abcdef"))
    assert time.perf_counter() - t0 < 5


# --- enforce_k: the all-suppressed class must not stay below k ------------------------------------------------

POLICY_QIS = ["age", "sex", "zip3", "race", "ethnicity"]
LADDERS = {"age": ["band5", "band10", "band20"], "zip3": ["suppress"], "race": ["suppress"],
           "ethnicity": ["suppress"]}


def pycanon_k(df, qis):
    return anonymity.k_anonymity(df.reset_index(drop=True).astype(str), qis)


def all_suppressed(df, qis):
    return df[qis].astype("string").eq("*").all(axis=1)


def cohort(class_sizes, outliers, seed=0):
    """Classes of the given sizes (distinct age/sex/zip3/race/ethnicity) plus `outliers` unique records."""
    rng = np.random.default_rng(seed)
    rows = []
    for i, size in enumerate(class_sizes):
        rows += [{"age": str(30 + i % 40), "sex": "FM"[i % 2], "zip3": f"{100 + i // 40:03d}", "race": "White",
                  "ethnicity": "Not Hispanic"}] * size
    for j in range(outliers):
        rows.append({"age": str(int(rng.integers(18, 89))), "sex": "FM"[j % 2], "zip3": f"{700 + j:03d}",
                     "race": ["Asian", "Other", "Black"][j % 3], "ethnicity": "Hispanic"})
    df = pd.DataFrame(rows)
    df["prior_mi"] = rng.choice(["0", "1"], len(df))
    return df.sample(frac=1, random_state=seed).set_index(rng.permutation(len(df)) + 500)


def check_enforced(df, qis, k, ladders=None):
    out, log = enforce_k(df, qis, k, ladders)
    m = risk_metrics(out, qis)
    assert len(out) == len(df) and list(out.index) == list(df.index)
    assert log.target_reached and log.reason == "" and log["k_after"] == m["k"] >= k
    assert pycanon_k(out, qis) == m["k"]
    assert int(all_suppressed(out, qis).sum()) == log.records_suppressed
    assert log.records_suppressed == log.records_suppressed_below_k + log.records_suppressed_to_complete_class
    return out, log


def test_suppressed_records_of_the_shared_case_reach_k(tmp_path):
    # 6 (age, sex) classes of 10 records and 2 unique records: suppressing only those 2 leaves a class of 2
    df = cohort([10] * 6, outliers=2, seed=1)
    out, log = check_enforced(df, POLICY_QIS, 5, LADDERS)
    assert log.records_suppressed_below_k == 2 and log.records_suppressed_to_complete_class == 3
    assert log.generalization_steps == () and not log.suppression_limit_exceeded
    path = tmp_path / "out.csv"
    out.to_csv(path, index=False)
    assert deid_risk_main([str(path), "-q", *POLICY_QIS, "--k", "5"]) == 0


@pytest.mark.parametrize("qis", [["age", "sex"], ["age", "sex", "zip3"], POLICY_QIS])
@pytest.mark.parametrize("k", [2, 3, 5, 11])
@pytest.mark.parametrize("seed", [0, 7])
def test_enforce_k_reaches_target_for_mixed_class_sizes(qis, k, seed):
    rng = np.random.default_rng(seed)
    sizes = list(rng.integers(1, 3 * k, 25)) + [k] * 3 + [1] * 4
    df = cohort(sizes, outliers=int(rng.integers(1, k + 2)), seed=seed)
    out, log = check_enforced(df, qis, k)
    kept = ~all_suppressed(out, qis)
    pd.testing.assert_frame_equal(out.loc[kept, qis].astype(str), df.loc[kept, qis].astype(str))


@pytest.mark.parametrize("k", [3, 5, 8])
def test_completion_takes_only_the_surplus_of_large_classes(k):
    df = cohort([k, k, 3 * k, k + 1], outliers=1, seed=k)
    out, log = check_enforced(df, POLICY_QIS, k)
    assert log.records_suppressed_below_k == 1 and log.records_suppressed_to_complete_class == k - 1
    sizes = out[~all_suppressed(out, POLICY_QIS)].groupby(POLICY_QIS).size()
    assert sorted(sizes) == sorted([k, k, 3 * k - (k - 1), k + 1]) and sizes.min() >= k


@pytest.mark.parametrize("k, sizes", [(5, [5, 5, 6]), (4, [4, 4, 4, 4]), (10, [10, 12])])
def test_completion_absorbs_a_whole_class_when_surplus_is_short(k, sizes):
    df = cohort(sizes, outliers=2, seed=3)
    out, log = check_enforced(df, POLICY_QIS, k)
    assert log.records_suppressed_to_complete_class == min(sizes)
    assert int(all_suppressed(out, POLICY_QIS).sum()) == 2 + min(sizes)


def test_generalisation_then_completion_with_ladders():
    rng = np.random.default_rng(5)
    n = 400
    df = pd.DataFrame({"age": rng.integers(20, 90, n).astype(str), "sex": rng.choice(["F", "M"], n),
                       "zip3": rng.choice(["021", "100", "606", "902"], n),
                       "race": rng.choice(["White", "Black", "Asian"], n), "ethnicity": rng.choice(["H", "N"], n)})
    out, log = check_enforced(df, POLICY_QIS, 5, LADDERS)
    assert log.generalization_steps and log.generalization_steps[0].startswith("age:band")


@pytest.mark.parametrize("n, k", [(3, 5), (1, 2), (9, 10)])
def test_unreachable_target_is_reported_and_the_gate_measure_fails(n, k):
    df = cohort([], outliers=n, seed=n)
    out, log = enforce_k(df, POLICY_QIS, k, LADDERS)
    assert not log.target_reached and "fewer than the target" in log.reason
    assert risk_metrics(out, POLICY_QIS)["k"] < k  # what the k_anonymity gate measures: it blocks


def test_enforcement_log_goes_into_the_report(policy):
    from clinical_pipelines.deid.report import build_report, render_markdown

    _, log = enforce_k(cohort([], outliers=3), POLICY_QIS, 5, LADDERS)
    rep = build_report(policy=policy, code_hash="c", model_identity={}, batch_id="b", source_system="s",
                       structured_counts={}, text_counts={}, risk_before={}, risk_after={}, enforcement=log)
    json.dumps(rep)
    assert rep["risk"]["enforcement"]["target_reached"] is False
    assert "TARGET k NOT REACHED" in render_markdown(rep)


def test_enforce_k_rejects_bad_input():
    with pytest.raises(ValueError):
        enforce_k(cohort([3], outliers=0), POLICY_QIS, 0)
    with pytest.raises(KeyError):
        enforce_k(cohort([3], outliers=0), ["age", "postcode"], 2)
