"""Calibration and ROC curve figures as PNG bytes (evidence for the validation report).

Uses matplotlib's object API with the Agg canvas (no pyplot global state, no display, safe in
threads). PNG metadata is stripped so the same inputs give the same bytes (stable hashes in the
evidence bundle).
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from sklearn.metrics import roc_auc_score, roc_curve

from clinical_pipelines.validation.metrics import _arrays  # shared input checks

DEFAULT_BINS = 10


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})
    return buf.getvalue()


def calibration_curve_png(y_true, y_score, *, title: str = "Calibration", n_bins: int = DEFAULT_BINS) -> bytes:
    """Observed event rate vs mean predicted risk in equal-width bins, with the ideal diagonal."""
    y, p = _arrays(y_true, y_score)
    fig = Figure(figsize=(5, 5))
    ax = fig.add_subplot(1, 1, 1)
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    if y.size:
        bins = np.minimum((p * n_bins).astype(int), n_bins - 1)
        used = np.unique(bins)
        mean_p = np.array([p[bins == b].mean() for b in used])
        obs = np.array([y[bins == b].mean() for b in used])
        counts = np.array([(bins == b).sum() for b in used])
        ax.plot(mean_p, obs, marker="o", label="model")
        for x, o, c in zip(mean_p, obs, counts):
            ax.annotate(str(int(c)), (x, o), textcoords="offset points", xytext=(4, -10), fontsize=7)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("Mean predicted risk")
    ax.set_ylabel("Observed event rate")
    ax.set_title(f"{title} (n={y.size})")
    ax.legend(loc="upper left")
    return _png(fig)


def roc_curve_png(y_true, y_score, *, title: str = "ROC curve") -> bytes:
    """ROC curve with AUROC in the legend (a placeholder text if only one outcome class is present)."""
    y, p = _arrays(y_true, y_score)
    fig = Figure(figsize=(5, 5))
    ax = fig.add_subplot(1, 1, 1)
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="chance")
    if 0 < y.sum() < y.size:
        fpr, tpr, _ = roc_curve(y, p)
        ax.plot(fpr, tpr, label=f"model (AUROC {roc_auc_score(y, p):.3f})")
    else:
        ax.text(0.5, 0.5, "ROC undefined: one outcome class only", ha="center")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("1 - specificity (false positive rate)")
    ax.set_ylabel("Sensitivity (true positive rate)")
    ax.set_title(f"{title} (n={y.size})")
    ax.legend(loc="lower right")
    return _png(fig)


def plots_per_split(df, *, label_col: str = "label", score_col: str = "risk", split_col: str = "split",
                    splits=("internal_test", "temporal_test", "external_test")) -> dict[str, bytes]:
    """``{"plots/calibration_<split>.png": bytes, "plots/roc_<split>.png": bytes}`` for splits present in df."""
    out: dict[str, bytes] = {}
    for split in splits:
        part = df[df[split_col] == split]
        if part.empty:
            continue
        y, p = part[label_col].to_numpy(), part[score_col].to_numpy()
        out[f"plots/calibration_{split}.png"] = calibration_curve_png(y, p, title=f"Calibration, {split}")
        out[f"plots/roc_{split}.png"] = roc_curve_png(y, p, title=f"ROC, {split}")
    return out
