"""Model features and the model pipeline (TRIPOD+AI 9, 12, 22).

Predictors are the clinical columns of the de-identified encounters table (DATA_CONTRACT.md),
plus age and sex:
- ``age_years``: numeric age. The de-identification step writes ``age`` as text with ages over 89
  top-coded as "90+"; ``prepare_features`` maps "90+" to 90. An existing numeric ``age_years``
  column is used as is.
- sex as two fixed indicator columns ``sex_female`` / ``sex_male`` (any other or missing value:
  both 0), so the feature list never depends on the data.

The model is a scikit-learn Pipeline: log1p of the skewed labs -> median imputation -> standardisation -> logistic
regression (lbfgs, deterministic for the same data and parameters).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

CLINICAL_FEATURES: tuple[str, ...] = (
    "heart_rate", "systolic_bp", "diastolic_bp", "resp_rate", "temperature_c", "spo2",
    "creatinine_mg_dl", "potassium_mmol_l", "sodium_mmol_l", "troponin_ng_l", "hemoglobin_g_dl",
    "wbc_10e9_l", "bnp_pg_ml", "qrs_ms", "qtc_ms", "pr_ms", "st_deviation_mm",
    "atrial_fibrillation", "diabetes", "hypertension", "prior_mi", "current_smoker",
)
AGE_FEATURE = "age_years"
AGE_SOURCE_COLUMN = "age"  # written by the de-identification step ("90+" for ages over 89)
AGE_TOP_CODE = "90+"
AGE_TOP_VALUE = 90
SUPPRESSED = "*"  # value of a quasi-identifier suppressed for k-anonymity
SEX_SOURCE_COLUMN = "sex"
SEX_FEATURES: tuple[str, ...] = ("sex_female", "sex_male")
_SEX_CODES = {"f": "sex_female", "female": "sex_female", "m": "sex_male", "male": "sex_male"}

SKEWED_LABS: tuple[str, ...] = ("troponin_ng_l", "bnp_pg_ml", "creatinine_mg_dl", "wbc_10e9_l")

FEATURES: tuple[str, ...] = CLINICAL_FEATURES + (AGE_FEATURE,) + SEX_FEATURES

DEFAULT_PARAMS = {
    "C": 1.0,
    "class_weight": None,  # or "balanced"
    "max_iter": 1000,
    "imputer_strategy": "median",
    "random_state": 0,
}


class FeatureError(ValueError):
    """Input data cannot be turned into model features (missing or non-numeric columns)."""


class ModelParamsError(ValueError):
    """Unknown or invalid model parameter."""


def _age_years(df: pd.DataFrame) -> pd.Series:
    if AGE_FEATURE in df.columns:
        raw = df[AGE_FEATURE]
    elif AGE_SOURCE_COLUMN in df.columns:
        raw = df[AGE_SOURCE_COLUMN]
    else:
        raise FeatureError(f"missing age column: need {AGE_FEATURE!r} or {AGE_SOURCE_COLUMN!r}")
    text = raw.astype("string").str.strip()
    text = text.mask((text == AGE_TOP_CODE).fillna(False), str(AGE_TOP_VALUE))
    # k-anonymity may have generalised ages to bands ("40-59"): use the band's midpoint;
    # a suppressed age ("*") is missing and imputed by the model.
    band = text.str.extract(r"^(\d+)-(\d+)$").astype(float)
    text = text.mask(band[0].notna(), ((band[0] + band[1]) / 2).astype("string"))
    text = text.mask((text == SUPPRESSED).fillna(False), pd.NA)
    age = pd.to_numeric(text, errors="coerce")
    n_bad = int((age.isna() & text.notna() & (text != "")).sum())
    if n_bad:
        raise FeatureError(f"age column has {n_bad} value(s) that are neither numeric nor {AGE_TOP_CODE!r}")
    return age.clip(upper=AGE_TOP_VALUE).astype(float)


def prepare_features(df: pd.DataFrame) -> pd.DataFrame:
    """Model input matrix with exactly ``FEATURES`` as columns (float; NaN = missing, imputed by the model).

    Fails closed, naming every missing column, if a clinical, age or sex column is absent, and
    naming the column and count (never the values) if a clinical column is not numeric.
    """
    missing = [c for c in CLINICAL_FEATURES if c not in df.columns]
    if AGE_FEATURE not in df.columns and AGE_SOURCE_COLUMN not in df.columns:
        missing.append(f"{AGE_FEATURE} (or {AGE_SOURCE_COLUMN})")
    if SEX_SOURCE_COLUMN not in df.columns and not set(SEX_FEATURES) <= set(df.columns):
        missing.append(SEX_SOURCE_COLUMN)
    if missing:
        raise FeatureError(f"cannot build model features: missing column(s) {missing}")
    X = pd.DataFrame(index=df.index)
    for col in CLINICAL_FEATURES:
        values = pd.to_numeric(df[col], errors="coerce")
        n_bad = int((values.isna() & df[col].notna() & (df[col].astype("string").str.strip() != "")).sum())
        if n_bad:
            raise FeatureError(f"column {col!r} has {n_bad} non-numeric value(s)")
        X[col] = values.astype(float)
    X[AGE_FEATURE] = _age_years(df)
    if SEX_SOURCE_COLUMN in df.columns:
        sex = df[SEX_SOURCE_COLUMN].astype("string").str.strip().str.lower().map(_SEX_CODES)
        for col in SEX_FEATURES:
            X[col] = (sex == col).fillna(False).astype(float)
    else:
        for col in SEX_FEATURES:
            X[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    return X[list(FEATURES)]


def build_model(params: dict | None = None) -> Pipeline:
    """Imputer + scaler + logistic regression. ``params`` overrides ``DEFAULT_PARAMS`` (unknown keys refused)."""
    merged = dict(DEFAULT_PARAMS)
    unknown = sorted(set(params or {}) - set(DEFAULT_PARAMS))
    if unknown:
        raise ModelParamsError(f"unknown model parameter(s) {unknown}; allowed: {sorted(DEFAULT_PARAMS)}")
    merged.update(params or {})
    if merged["class_weight"] not in (None, "balanced") and not isinstance(merged["class_weight"], dict):
        raise ModelParamsError("class_weight must be None, 'balanced' or a {class: weight} mapping")
    if not (isinstance(merged["C"], (int, float)) and merged["C"] > 0):
        raise ModelParamsError("C must be a positive number")
    return Pipeline([
        # Troponin, BNP, creatinine and WBC are right-skewed over orders of magnitude: model them on
        # the log scale (log1p), as clinical risk scores do.
        ("log_skewed_labs", ColumnTransformer(
            [("log1p", FunctionTransformer(np.log1p, feature_names_out="one-to-one"), list(SKEWED_LABS))],
            remainder="passthrough", verbose_feature_names_out=False,
        )),
        ("impute", SimpleImputer(strategy=merged["imputer_strategy"], keep_empty_features=True)),
        ("scale", StandardScaler()),
        ("classifier", LogisticRegression(
            C=float(merged["C"]), class_weight=merged["class_weight"], max_iter=int(merged["max_iter"]),
            solver="lbfgs", random_state=int(merged["random_state"]),
        )),
    ])


def model_coefficients(model: Pipeline) -> dict[str, float]:
    """Standardised log-odds coefficients per feature plus intercept (for the model card, TRIPOD+AI 22)."""
    clf = model.named_steps["classifier"]
    names = model.named_steps["log_skewed_labs"].get_feature_names_out()
    coefs = {str(name): float(c) for name, c in zip(names, np.ravel(clf.coef_))}
    coefs["(intercept)"] = float(np.ravel(clf.intercept_)[0])
    return coefs
