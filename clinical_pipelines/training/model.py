"""Model features and the model pipeline (TRIPOD+AI 9, 12, 22).

The predictors are the study's model inputs (:func:`clinical_pipelines.training.design.feature_set`,
from the study spec; default: the built-in study) as columns of its de-identified table:

- numeric inputs as numbers (a quasi-identifier may arrive generalised: a band "40-59" is its
  midpoint, a suppressed "*" is missing);
- ``age_years``: the numeric age from the released ``age`` (ages over 89 are top-coded "90+" by the
  de-identification step and read as 90); an existing numeric ``age_years`` column is used as is;
- binary inputs as 0/1 (declared categories: the second one is 1), categorical inputs as one fixed
  indicator per declared category (any other or missing value: all 0), so the feature list never
  depends on the data.

The model is a scikit-learn Pipeline: log1p of the inputs declared ``scale: log`` -> median imputation ->
standardisation -> logistic regression (lbfgs, deterministic for the same data and parameters).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from clinical_pipelines.ingest.rules import DECIMAL_RE
from clinical_pipelines.study import roles as R
from clinical_pipelines.training.design import AGE, AGE_FEATURE, BINARY, CATEGORICAL, FeatureSet, ModelInput, feature_set

AGE_SOURCE_COLUMN = R.AGE  # written by the de-identification step ("90+" for ages over 89)
AGE_TOP_CODE = "90+"
AGE_TOP_VALUE = R.AGE_TOP_CODE
SUPPRESSED = "*"  # value of a quasi-identifier suppressed for k-anonymity
_LEGACY = {"FEATURES": lambda f: f.names, "SKEWED_LABS": lambda f: f.log_features,
           "CLINICAL_FEATURES": lambda f: tuple(n for i in f.inputs if i.kind not in (AGE, CATEGORICAL) and
                                                not i.generalised for n in i.names)}


def __getattr__(name: str):
    """``FEATURES``, ``CLINICAL_FEATURES`` and ``SKEWED_LABS`` of the built-in study (read from its spec)."""
    if name in _LEGACY:
        return _LEGACY[name](feature_set())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


def _numbers(text: pd.Series) -> pd.Series:
    """Text to numbers, reading generalised quasi-identifier values: "90+" -> 90, a band "40-59" -> its
    midpoint, a suppressed "*" -> missing (imputed by the model)."""
    text = text.astype("string").str.strip()
    text = text.mask((text == AGE_TOP_CODE).fillna(False), str(AGE_TOP_VALUE))
    band = text.str.extract(r"^(\d+)-(\d+)$").astype(float)
    text = text.mask(band[0].notna(), ((band[0] + band[1]) / 2).astype("string"))
    return text.mask((text == SUPPRESSED).fillna(False), pd.NA)


def _age_years(df: pd.DataFrame) -> pd.Series:
    if AGE_FEATURE in df.columns:
        raw = df[AGE_FEATURE]
    elif AGE_SOURCE_COLUMN in df.columns:
        raw = df[AGE_SOURCE_COLUMN]
    else:
        raise FeatureError(f"missing age column: need {AGE_FEATURE!r} or {AGE_SOURCE_COLUMN!r}")
    text = _numbers(raw)
    age = pd.to_numeric(text, errors="coerce")
    n_bad = int((age.isna() & text.notna() & (text != "")).sum())
    if n_bad:
        raise FeatureError(f"age column has {n_bad} value(s) that are neither numeric nor {AGE_TOP_CODE!r}")
    return age.clip(upper=AGE_TOP_VALUE).astype(float)


def age_years(df: pd.DataFrame) -> pd.Series:
    """The numeric age in years (float) from ``age_years`` or the released ``age`` ("90+" -> 90, bands ->
    midpoints, suppressed -> NaN); FeatureError when neither column exists or a value is not an age."""
    return _age_years(df)


def _source(df: pd.DataFrame, item: ModelInput) -> pd.Series:
    """The released column with the study's declared missing codes as missing (``0`` also matches ``0.0``)."""
    raw = df[item.source]
    if not item.missing:
        return raw
    numbers = [float(c) for c in item.missing if DECIMAL_RE.match(c)]
    text = raw.astype("string").str.strip()
    coded = text.isin(list(item.missing)).fillna(False)
    if numbers:
        coded |= pd.to_numeric(text, errors="coerce").isin(numbers).fillna(False)
    return raw.mask(coded)


def _numeric(df: pd.DataFrame, item: ModelInput) -> pd.Series:
    raw = _source(df, item)
    raw = _numbers(raw) if item.generalised else raw
    values = pd.to_numeric(raw, errors="coerce")
    n_bad = int((values.isna() & raw.notna() & (raw.astype("string").str.strip() != "")).sum())
    if n_bad:
        raise FeatureError(f"column {item.source!r} has {n_bad} non-numeric value(s)")
    return values.astype(float)


def _binary(df: pd.DataFrame, item: ModelInput) -> pd.Series:
    if not item.categories or all(c in ("0", "1") for c in item.categories):
        return _numeric(df, item)
    text = _source(df, item).astype("string").str.strip()
    return text.map({item.categories[0]: 0.0, item.categories[1]: 1.0}).astype(float)


def _missing_sources(df: pd.DataFrame, features: FeatureSet) -> list[str]:
    missing = []
    for item in features.inputs:
        if item.kind == AGE:
            if AGE_FEATURE not in df.columns and AGE_SOURCE_COLUMN not in df.columns:
                missing.append(f"{AGE_FEATURE} (or {AGE_SOURCE_COLUMN})")
        elif item.source not in df.columns and not set(item.names) <= set(df.columns):
            missing.append(item.source)
    return missing


def prepare_features(df: pd.DataFrame, features: FeatureSet | None = None) -> pd.DataFrame:
    """Model input matrix with exactly ``features.names`` as columns (float; NaN = missing, imputed by the model).

    ``features``: the study's model inputs (default: the built-in study's). Fails closed, naming every missing
    column, if an input is absent, and naming the column and count (never the values) if a numeric input is not
    numeric. Indicator columns already present (e.g. ``sex_f``) are used as they are.
    """
    features = features or feature_set()
    missing = _missing_sources(df, features)
    if missing:
        raise FeatureError(f"cannot build model features: missing column(s) {missing}")
    X = pd.DataFrame(index=df.index)
    for item in features.inputs:
        if item.kind == AGE:
            X[AGE_FEATURE] = _age_years(df)
        elif item.kind == CATEGORICAL:
            if item.source in df.columns:
                text = _source(df, item).astype("string").str.strip()
                for category, name in zip(item.categories, item.names):
                    X[name] = (text == category).fillna(False).astype(float)
            else:
                for name in item.names:
                    X[name] = pd.to_numeric(df[name], errors="coerce").astype(float)
        elif item.kind == BINARY:
            X[item.source] = _binary(df, item)
        else:
            X[item.source] = _numeric(df, item)
    return X[list(features.names)]


def build_model(params: dict | None = None, features: FeatureSet | None = None) -> Pipeline:
    """log1p of the ``scale: log`` inputs + imputer + scaler + logistic regression. ``params`` overrides
    ``DEFAULT_PARAMS`` (unknown keys refused); ``features``: the study's inputs (default: the built-in study's)."""
    features = features or feature_set()
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
        # Inputs right-skewed over orders of magnitude (declared scale: log, e.g. troponin) are modelled on
        # the log scale (log1p), as clinical risk scores do.
        ("log_skewed_labs", ColumnTransformer(
            [("log1p", FunctionTransformer(np.log1p, feature_names_out="one-to-one"), list(features.log_features))],
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
