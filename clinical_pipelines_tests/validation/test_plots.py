import numpy as np
import pandas as pd

from clinical_pipelines.validation.plots import calibration_curve_png, plots_per_split, roc_curve_png

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _df(n=400, seed=0):
    rng = np.random.default_rng(seed)
    p = rng.random(n)
    return pd.DataFrame({"label": (rng.random(n) < p).astype(int), "risk": p,
                         "split": rng.choice(["train", "internal_test", "external_test"], n)})


def test_pngs_are_valid_and_deterministic():
    df = _df()
    a = calibration_curve_png(df.label, df.risk)
    assert a.startswith(PNG_MAGIC) and len(a) > 5000
    assert a == calibration_curve_png(df.label, df.risk)
    r = roc_curve_png(df.label, df.risk)
    assert r.startswith(PNG_MAGIC) and r == roc_curve_png(df.label, df.risk)
    assert roc_curve_png([0, 0, 0], [0.1, 0.2, 0.3]).startswith(PNG_MAGIC)  # one class: no crash


def test_plots_per_split_only_for_present_eval_splits():
    files = plots_per_split(_df())
    assert set(files) == {"plots/calibration_internal_test.png", "plots/roc_internal_test.png",
                          "plots/calibration_external_test.png", "plots/roc_external_test.png"}
