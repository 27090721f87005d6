import numpy as np
import pandas as pd
import pytest

from clinical_pipelines.training.model import (
    CLINICAL_FEATURES,
    FEATURES,
    FeatureError,
    ModelParamsError,
    build_model,
    model_coefficients,
    prepare_features,
)


def _frame(n=300, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({c: rng.normal(size=n) for c in CLINICAL_FEATURES})
    df.loc[rng.random(n) < 0.1, "bnp_pg_ml"] = np.nan
    df["age"] = rng.integers(30, 89, n).astype(str)
    df.loc[:4, "age"] = "90+"
    df["sex"] = rng.choice(["F", "M", "female", None], n)
    df["label"] = (df["troponin_ng_l"] + rng.normal(scale=0.5, size=n) > 0.8).astype(int)
    return df


def test_features_list():
    assert FEATURES[: len(CLINICAL_FEATURES)] == CLINICAL_FEATURES
    assert FEATURES[-3:] == ("age_years", "sex_female", "sex_male")
    assert "troponin_ng_l" in FEATURES and "current_smoker" in FEATURES and len(FEATURES) == 25


def test_prepare_features_age_top_code_and_sex_onehot():
    df = _frame()
    X = prepare_features(df)
    assert list(X.columns) == list(FEATURES)
    assert (X.loc[:4, "age_years"] == 90).all()
    female = df["sex"].str.lower().isin(["f", "female"])
    assert (X.loc[female, "sex_female"] == 1).all() and (X.loc[female, "sex_male"] == 0).all()
    assert (X.loc[df["sex"].isna(), ["sex_female", "sex_male"]] == 0).all().all()
    assert X["bnp_pg_ml"].isna().any()  # missing stays missing; the imputer handles it


def test_prepare_features_fails_closed_naming_columns():
    df = _frame().drop(columns=["troponin_ng_l", "spo2", "age"])
    with pytest.raises(FeatureError) as exc:
        prepare_features(df)
    msg = str(exc.value)
    assert "troponin_ng_l" in msg and "spo2" in msg and "age_years" in msg
    bad = _frame()
    bad["heart_rate"] = bad["heart_rate"].astype(object)
    bad.loc[3, "heart_rate"] = "secret-text"
    with pytest.raises(FeatureError, match="'heart_rate' has 1 non-numeric") as exc2:
        prepare_features(bad)
    assert "secret-text" not in str(exc2.value)


def test_build_model_deterministic_and_learns():
    df = _frame()
    X, y = prepare_features(df), df["label"]
    m1 = build_model({"class_weight": "balanced"}).fit(X, y)
    m2 = build_model({"class_weight": "balanced"}).fit(X, y)
    np.testing.assert_array_equal(m1.predict_proba(X), m2.predict_proba(X))
    coefs = model_coefficients(m1)
    assert max(coefs, key=lambda k: abs(coefs[k]) if k != "(intercept)" else 0) == "troponin_ng_l"
    X_all_missing = X.assign(bnp_pg_ml=np.nan)
    assert build_model().fit(X_all_missing, y).predict_proba(X_all_missing).shape == (len(X), 2)


def test_build_model_rejects_unknown_params():
    with pytest.raises(ModelParamsError, match="penalty_typo"):
        build_model({"penalty_typo": 1})
    with pytest.raises(ModelParamsError):
        build_model({"C": -1})


def test_age_accepts_k_anonymity_bands_and_suppression():
    from clinical_pipelines.training.model import _age_years

    ages = _age_years(pd.DataFrame({"age": ["40-59", "90+", "*", "64", None]}))
    assert ages.iloc[:2].tolist() == [49.5, 90.0] and ages.iloc[3] == 64.0
    assert ages.iloc[[2, 4]].isna().all()
