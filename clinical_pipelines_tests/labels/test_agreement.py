import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from clinical_pipelines.labels.agreement import (
    LabelDataError,
    agreement_report,
    cohen_kappa_pairs,
    consensus_labels,
    fleiss_kappa,
    fleiss_kappa_from_counts,
    krippendorff_alpha,
    krippendorff_alpha_nominal_from_counts,
    percent_agreement,
)

# Fleiss' kappa worked example (10 subjects, 14 raters, 5 categories; Wikipedia "Fleiss' kappa"): 0.210
FLEISS_EXAMPLE = np.array([
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
])

# Krippendorff (2011) "Computing Krippendorff's alpha-reliability", example C: 4 coders, 12 units,
# nominal values 1..5 with missing ratings; nominal alpha = 0.743.
NA = None
KRIPP_EXAMPLE = [  # rows = coders A..D, columns = units 1..12
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NA, NA, NA],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NA, 3],
    [NA, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NA],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NA],
]


def _long(rows: dict[str, list]) -> pd.DataFrame:
    """rater -> labels per item (None = not rated) to a long table."""
    recs = [
        {"item_id": f"i{j}", "rater": rater, "label": v}
        for rater, labels in rows.items() for j, v in enumerate(labels) if v is not None
    ]
    return pd.DataFrame(recs)


def test_fleiss_textbook_value():
    assert fleiss_kappa_from_counts(FLEISS_EXAMPLE) == pytest.approx(0.2099, abs=5e-4)


def test_fleiss_matches_statsmodels_on_binary_long_table():
    sm = pytest.importorskip("statsmodels.stats.inter_rater")
    rng = np.random.default_rng(1)
    truth = rng.integers(0, 2, 200)
    rows = {f"r{k}": list(np.where(rng.random(200) < 0.8, truth, 1 - truth)) for k in range(4)}
    df = _long(rows)
    table, _ = sm.aggregate_raters(np.array(list(rows.values())).T)
    got = fleiss_kappa(df, n_boot=200, seed=3)
    assert got["estimate"] == pytest.approx(sm.fleiss_kappa(table), abs=1e-12)
    assert got["ci_lower"] < got["estimate"] < got["ci_upper"]
    assert got["n_items"] == 200


def test_krippendorff_textbook_value_with_missing():
    data = np.array(KRIPP_EXAMPLE, dtype=object)
    counts = np.zeros((12, 5))
    for coder in data:
        for u, v in enumerate(coder):
            if v is not None:
                counts[u, v - 1] += 1
    assert krippendorff_alpha_nominal_from_counts(counts) == pytest.approx(0.743, abs=5e-4)


def test_krippendorff_binary_two_observers_textbook():
    # Krippendorff (2011) example A: binary data, two observers, no missing: alpha = 0.095
    df = _long({"A": [0, 1, 0, 0, 0, 0, 0, 0, 1, 0], "B": [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]})
    assert krippendorff_alpha(df, n_boot=0)["estimate"] == pytest.approx(0.095, abs=5e-4)


def test_krippendorff_long_table_handles_missing_ratings():
    df = _long({"A": [1, 0, 1, None, 0, 1], "B": [1, 0, None, 1, 0, 1], "C": [None, 0, 1, 1, 1, 1]})
    res = krippendorff_alpha(df, n_boot=100, seed=1)
    assert res["n_items"] == 6
    assert -1.0 <= res["estimate"] <= 1.0


def test_cohen_kappa_matches_sklearn_per_pair():
    rng = np.random.default_rng(7)
    truth = rng.integers(0, 2, 150)
    rows = {r: list(np.where(rng.random(150) < q, truth, 1 - truth)) for r, q in (("a", 0.9), ("b", 0.75), ("c", 0.6))}
    rows["c"][:10] = [None] * 10  # rater c did not rate 10 items
    df = _long(rows)
    pairs = cohen_kappa_pairs(df, n_boot=100, seed=2)
    assert set(pairs) == {"a|b", "a|c", "b|c"}
    for key, res in pairs.items():
        r1, r2 = key.split("|")
        mask = [x is not None and y is not None for x, y in zip(rows[r1], rows[r2])]
        x = [v for v, m in zip(rows[r1], mask) if m]
        y = [v for v, m in zip(rows[r2], mask) if m]
        assert res["n_items"] == len(x)
        assert res["kappa"] == pytest.approx(cohen_kappa_score(x, y), abs=1e-12)
        assert res["ci_lower"] <= res["kappa"] <= res["ci_upper"]


def test_percent_agreement_pooled_pairs():
    # item0: 3 agree (3 agreeing pairs of 3); item1: 2 vs 1 (1 of 3)
    df = _long({"a": [1, 1], "b": [1, 1], "c": [1, 0]})
    assert percent_agreement(df, n_boot=0)["estimate"] == pytest.approx(4 / 6)


def test_bootstrap_is_seeded():
    df = _long({"a": [1, 0, 1, 1, 0, 0, 1, 0], "b": [1, 0, 0, 1, 0, 1, 1, 0]})
    assert fleiss_kappa(df, n_boot=200, seed=5) == fleiss_kappa(df, n_boot=200, seed=5)


def test_undefined_kappa_is_none_not_crash():
    df = _long({"a": [1, 1, 1], "b": [1, 1, 1]})
    assert fleiss_kappa(df, n_boot=50)["estimate"] is None
    assert cohen_kappa_pairs(df, n_boot=0)["a|b"]["kappa"] is None


def test_consensus_majority_ties_and_adjudication():
    df = _long({"a": [1, 1, 0, 1], "b": [1, 0, 0, 0], "c": [1, 1, None, None]})
    out = consensus_labels(df).set_index("item_id")
    assert out.loc["i0"].to_dict() == {"label": 1, "n_raters": 3, "unanimous": True, "method": "unanimous"}
    assert out.loc["i1", "label"] == 1 and out.loc["i1", "method"] == "majority"
    assert out.loc["i2", "method"] == "unanimous" and out.loc["i2", "label"] == 0
    assert "i3" not in out.index  # 1 vs 1 tie, no adjudicator: excluded and counted
    assert out.attrs["n_unresolved"] == 1 and out.attrs["unresolved_item_ids"] == ["i3"]

    adj = pd.concat([df, pd.DataFrame([{"item_id": "i3", "rater": "adj", "label": 0}])])
    out2 = consensus_labels(adj, adjudicator="adj").set_index("item_id")
    assert out2.loc["i3", "label"] == 0 and out2.loc["i3", "method"] == "adjudicated"
    assert out2.loc["i3", "n_raters"] == 2  # adjudicator is not a vote
    assert out2.attrs["n_unresolved"] == 0


def test_agreement_report_numbers_only_and_excludes_adjudicator():
    df = _long({"a": [1, 1, 0, 1, 0], "b": [1, 0, 0, 0, 0]})
    df = pd.concat([df, pd.DataFrame([{"item_id": "i1", "rater": "adj", "label": 1}])])
    rep = agreement_report(df, adjudicator="adj", n_boot=50)
    assert rep["n_raters"] == 2 and set(rep["cohen_kappa_pairs"]) == {"a|b"}
    assert rep["consensus"]["n_adjudicated"] == 1 and rep["consensus"]["n_unresolved_excluded"] == 1

    def walk(x):
        if isinstance(x, dict):
            for k, v in x.items():
                assert isinstance(k, str)
                walk(v)
        else:
            assert x is None or isinstance(x, (bool, int, float, str)), type(x)
    walk(rep)


def test_contract_violations_fail_closed_without_values():
    with pytest.raises(LabelDataError, match="missing column"):
        consensus_labels(pd.DataFrame({"item_id": [1], "label": [1]}))
    with pytest.raises(LabelDataError, match="outside") as exc:
        fleiss_kappa(pd.DataFrame({"item_id": [1, 1], "rater": ["a", "b"], "label": [1, 7]}))
    assert "7" not in str(exc.value).replace("[0, 1]", "")
    with pytest.raises(LabelDataError, match="duplicate"):
        fleiss_kappa(pd.DataFrame({"item_id": [1, 1], "rater": ["a", "a"], "label": [1, 0]}))
