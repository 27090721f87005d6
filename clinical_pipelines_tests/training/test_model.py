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
    df["sex"] = rng.choice(["F", "M", "*", None], n)  # "*": suppressed for k-anonymity
    df["label"] = (df["troponin_ng_l"] + rng.normal(scale=0.5, size=n) > 0.8).astype(int)
    return df


def test_features_list():
    assert FEATURES[: len(CLINICAL_FEATURES)] == CLINICAL_FEATURES
    assert FEATURES[-3:] == ("age_years", "sex_f", "sex_m")  # one indicator per declared category (F, M)
    assert "troponin_ng_l" in FEATURES and "current_smoker" in FEATURES and len(FEATURES) == 25


def test_prepare_features_age_top_code_and_sex_onehot():
    df = _frame()
    X = prepare_features(df)
    assert list(X.columns) == list(FEATURES)
    assert (X.loc[:4, "age_years"] == 90).all()
    female = df["sex"] == "F"
    assert (X.loc[female, "sex_f"] == 1).all() and (X.loc[female, "sex_m"] == 0).all()
    assert (X.loc[df["sex"].isna() | (df["sex"] == "*"), ["sex_f", "sex_m"]] == 0).all().all()
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


def test_features_come_from_the_study_spec():
    from clinical_pipelines.study.builtin import load_builtin_study
    from clinical_pipelines.training.design import feature_set

    mace = feature_set()
    assert mace.log_features == ("creatinine_mg_dl", "troponin_ng_l", "wbc_10e9_l", "bnp_pg_ml")  # scale: log
    hd = feature_set(load_builtin_study("heart-disease"))
    assert "cp_typical_angina" in hd.names and "age_years" in hd.names and "sex_male" in hd.names
    assert hd.names.index("age_years") < hd.names.index("sex_female")  # plain inputs, the age, then QI inputs
    df = pd.DataFrame({"age": ["63", "90+"], "sex": ["Male", "Female"], "cp": ["typical angina", "asymptomatic"],
                       "trestbps": ["145", ""], "chol": ["233", "0"], "fbs": ["TRUE", "FALSE"],
                       "restecg": ["normal", "normal"], "thalch": ["150", "120"], "exang": ["FALSE", "TRUE"],
                       "oldpeak": ["2.3", "1"], "slope": ["flat", "flat"], "ca": ["0", ""],
                       "thal": ["normal", "normal"]})
    X = prepare_features(df, hd)
    assert list(X.columns) == list(hd.names)
    assert list(X["fbs"]) == [1.0, 0.0] and list(X["cp_typical_angina"]) == [1.0, 0.0]
    assert list(X["age_years"]) == [63.0, 90.0] and list(X["sex_male"]) == [1.0, 0.0]
    assert X["chol"].iloc[0] == 233.0 and np.isnan(X["chol"].iloc[1])  # the study's code 0 = not measured
    model = build_model({}, hd)
    assert model.named_steps["log_skewed_labs"].transformers[0][2] == []
