#!/usr/bin/env python3
"""Golden values for dev.tend.monitor (window figures), from numpy, scipy and scikit-learn.

Run with Debian's interpreter from this directory:
    /usr/bin/python3 monitor_golden.py > monitor_golden.json

Each case stores its inputs and the expected values, so MonitorGoldenTest needs no Python:
- "labelled": scikit-learn's accuracy, precision, recall, f1, roc_auc, log_loss and confusion
  matrix (binary and multiclass, macro averages) and mean_absolute_error, RMSE and r2_score for
  LabelledFigures;
- "isotonic": scikit-learn's IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip")
  predictions for Calibration;
- "wilson": scipy's binomtest(k, n).proportion_ci(method="wilson") for Intervals.wilson;
- "t": scipy.stats.t.interval(0.95, n - 1, loc=mean, scale=sem) for Intervals.studentT. The
  t quantile of scipy 1.10 (cdflib's stdtrit) is off by up to ~3e-9 (t(0.975, 6): 2.44691184879
  against 2.44691185114 from mpmath at 30 digits), so "expected" holds the interval with the
  quantile polished by Newton steps on scipy.special.betainc (agreeing with mpmath to 1e-15),
  and "scipy_interval" the raw t.interval, which the test checks to 1e-8;
- "cbpe": an independent re-implementation of CBPE in plain numpy (expected confusion matrix
  from calibrated probabilities, its accuracy, precision, recall and F1, and ROC AUC by the
  trapezoid rule over the weighted ROC curve, as NannyML computes it) for Cbpe; its histogram
  variant takes each bin's midpoint.
The drift statistics (KS statistic and p-value, Wasserstein, Jensen-Shannon, PSI, chi-square)
are covered by drift_golden.py.
"""
import json
import math
import warnings

import numpy as np
import scipy
import sklearn
from scipy import special, stats
from sklearn import metrics
from sklearn.isotonic import IsotonicRegression

warnings.filterwarnings("ignore")
rng = np.random.default_rng(20261127)


def fl(xs):
    return [float(x) for x in xs]


def binary_case(name, y, p, threshold):
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=np.float64)
    pred = (p > threshold).astype(int)
    return {
        "kind": "binary", "name": name, "labels": [int(v) for v in y], "scores": fl(p),
        "threshold": threshold,
        "expected": {
            "accuracy": float(metrics.accuracy_score(y, pred)),
            "precision": float(metrics.precision_score(y, pred)),
            "recall": float(metrics.recall_score(y, pred)),
            "f1": float(metrics.f1_score(y, pred)),
            "roc_auc": float(metrics.roc_auc_score(y, p)),
            "log_loss": float(metrics.log_loss(y, p, labels=[0, 1])),
            "confusion": metrics.confusion_matrix(y, pred, labels=[0, 1]).tolist(),
        },
    }


def multiclass_case(name, y, proba):
    y = np.asarray(y, dtype=int)
    proba = np.asarray(proba)
    pred = proba.argmax(axis=1)
    k = proba.shape[1]
    return {
        "kind": "multiclass", "name": name, "labels": [int(v) for v in y],
        "probabilities": [fl(r) for r in proba],
        "expected": {
            "accuracy": float(metrics.accuracy_score(y, pred)),
            "precision": float(metrics.precision_score(y, pred, average="macro")),
            "recall": float(metrics.recall_score(y, pred, average="macro")),
            "f1": float(metrics.f1_score(y, pred, average="macro")),
            "roc_auc": float(metrics.roc_auc_score(y, proba, multi_class="ovr", average="macro")),
            "log_loss": float(metrics.log_loss(y, proba, labels=list(range(k)))),
            "confusion": metrics.confusion_matrix(y, pred, labels=list(range(k))).tolist(),
        },
    }


def regression_case(name, y, pred):
    return {
        "kind": "regression", "name": name, "labels": fl(y), "predictions": fl(pred),
        "expected": {
            "mae": float(metrics.mean_absolute_error(y, pred)),
            "rmse": float(math.sqrt(metrics.mean_squared_error(y, pred))),
            "r2": float(metrics.r2_score(y, pred)),
        },
    }


def isotonic_case(name, scores, labels, queries):
    model = IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip").fit(scores, labels)
    return {
        "kind": "isotonic", "name": name, "scores": fl(scores),
        "labels": [int(v) for v in labels], "queries": fl(queries),
        "expected": fl(model.predict(queries)),
    }


def wilson_case(k, n):
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    return {"kind": "wilson", "name": f"{k}/{n}", "successes": k, "trials": n,
            "expected": [float(ci.low), float(ci.high)]}


def t_case(name, values):
    values = np.asarray(values, dtype=np.float64)
    n = len(values)
    mean = values.mean()
    sem = values.std(ddof=1) / math.sqrt(n)
    lo, hi = stats.t.interval(0.95, n - 1, loc=mean, scale=sem)
    q = t_quantile_975(n - 1)
    return {"kind": "t", "name": name, "values": fl(values),
            "expected": [float(mean), float(mean - q * sem), float(mean + q * sem)],
            "scipy_interval": [float(lo), float(hi)]}


def t_quantile_975(df):
    q = stats.t.ppf(0.975, df)
    for _ in range(4):
        tail = 0.5 * special.betainc(df / 2, 0.5, df / (df + q * q))
        q += (tail - 0.025) / stats.t.pdf(q, df)
    return q


def cbpe_numpy(p, threshold, weights=None):
    """Independent re-implementation of CBPE in numpy (not a port of the Java code)."""
    p = np.asarray(p, dtype=np.float64)
    w = np.ones_like(p) if weights is None else np.asarray(weights, dtype=np.float64)
    yhat = p > threshold
    tp = float(np.sum(w * p * yhat))
    fp = float(np.sum(w * (1 - p) * yhat))
    fn = float(np.sum(w * p * ~yhat))
    tn = float(np.sum(w * (1 - p) * ~yhat))
    # ROC curve of the expected labels: thresholds at each distinct score, descending.
    order = np.argsort(-p, kind="mergesort")
    ps, ws = p[order], w[order]
    distinct = np.r_[np.where(np.diff(ps))[0], ps.size - 1]
    tps = np.cumsum(ws * ps)[distinct]
    fps = np.cumsum(ws * (1 - ps))[distinct]
    tpr = np.r_[0, tps / tps[-1]]
    fpr = np.r_[0, fps / fps[-1]]
    auc = float(np.trapz(tpr, fpr))
    conf = float(np.sum(w * np.where(yhat, p, 1 - p)) / np.sum(w))
    return {
        "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "accuracy": (tp + tn) / (tp + fp + fn + tn),
        "precision": tp / (tp + fp), "recall": tp / (tp + fn),
        "f1": 2 * tp / (2 * tp + fp + fn), "roc_auc": auc, "mean_confidence": conf,
    }


def cbpe_case(name, p, threshold):
    return {"kind": "cbpe", "name": name, "probabilities": fl(p), "threshold": threshold,
            "expected": cbpe_numpy(p, threshold)}


def cbpe_histogram_case(name, counts, threshold):
    bins = len(counts)
    mid = (np.arange(bins) + 0.5) / bins
    nonzero = np.asarray(counts) > 0
    return {"kind": "cbpe_histogram", "name": name, "counts": [int(c) for c in counts],
            "threshold": threshold,
            "expected": cbpe_numpy(mid[nonzero], threshold, np.asarray(counts)[nonzero])}


def main():
    cases = []
    # labelled
    y = rng.random(400) < 0.3
    p = np.clip(0.3 + 0.35 * (y - 0.3) + rng.normal(0, 0.2, 400), 0, 1)
    cases.append(binary_case("noisy", y, p, 0.5))
    cases.append(binary_case("noisy_low_threshold", y, p, 0.25))
    y = rng.random(300) < 0.5
    p = np.round(rng.random(300), 1)
    cases.append(binary_case("tied_scores", y, np.where(y, np.minimum(1, p + 0.1), p), 0.5))
    k = 4
    yk = rng.integers(0, k, 250)
    z = rng.normal(0, 1, (250, k))
    z[np.arange(250), yk] += 1.0
    proba = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    cases.append(multiclass_case("four_classes", yk, proba))
    yr = rng.normal(100, 15, 300)
    cases.append(regression_case("noisy", yr, yr + rng.normal(2, 5, 300)))
    # isotonic
    s = rng.random(300)
    lab = rng.random(300) < s ** 2
    cases.append(isotonic_case("random", s, lab, np.r_[-0.1, np.linspace(0, 1, 41), 1.2]))
    s = np.round(rng.random(200), 1)
    lab = rng.random(200) < 0.2 + 0.6 * s
    cases.append(isotonic_case("tied_scores", s, lab, np.r_[np.linspace(-0.05, 1.05, 23)]))
    cases.append(isotonic_case("decreasing", np.linspace(0, 1, 10),
                               np.array([1, 1, 1, 0, 1, 0, 0, 0, 1, 0]), np.linspace(0, 1, 19)))
    # intervals
    for k, n in [(0, 10), (1, 10), (5, 10), (10, 10), (3, 1000), (205, 1000), (41_000, 200_000),
                 (1, 1)]:
        cases.append(wilson_case(k, n))
    cases.append(t_case("two", [1.0, 3.0]))
    cases.append(t_case("small", rng.normal(10, 3, 7)))
    cases.append(t_case("revenue", np.round(rng.exponential(25, 500), 2)))
    cases.append(t_case("large", rng.normal(-4, 0.5, 1500)))
    # cbpe
    cases.append(cbpe_case("uniform", rng.random(500), 0.5))
    cases.append(cbpe_case("skewed", rng.beta(0.5, 3, 800), 0.3))
    cases.append(cbpe_case("ties", np.round(rng.random(300), 2), 0.5))
    cases.append(cbpe_histogram_case("histogram", rng.integers(0, 50, 20), 0.5))
    cases.append(cbpe_histogram_case("histogram_sparse",
                                     [0, 3, 0, 0, 10, 0, 7, 0, 0, 1], 0.35))
    versions = {"numpy": np.__version__, "scipy": scipy.__version__,
                "sklearn": sklearn.__version__}
    print('{"versions": ' + json.dumps(versions) + ', "cases": [')
    print(",\n".join(json.dumps(c) for c in cases))
    print("]}")


if __name__ == "__main__":
    main()
