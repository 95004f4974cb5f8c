#!/usr/bin/env python3
"""Golden values for dev.tend.evaluation, computed with scikit-learn (Debian's python3-sklearn 1.2.1).

Run with Debian's interpreter from this directory:
    /usr/bin/python3 evaluation_golden.py [JANUARY_CSV] > evaluation_golden.json

JANUARY_CSV is January 2001 of flights-3m.parquet as CSV, written by
tend-train/src/test/golden/FlightsCsv.java; when given, one case holds real predictions of an
xgboost model (python3-xgboost 1.7.4) trained on the first three weeks of January, on a sample
of the last week. Each case stores its inputs (labels, scores) and scikit-learn's values, so
the Java test needs no Python. A value is null where Tend reports the metric as undefined
(scikit-learn raises, warns and substitutes 0, or forces a finite value).
"""
import json
import sys
import warnings

import numpy as np
from sklearn import metrics
from sklearn.calibration import calibration_curve

warnings.filterwarnings("ignore")


def f(x):
    return None if x is None else float(x)


def binary_case(name, y, p, threshold=0.5, bins=10):
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=np.float64)
    pred = (p > threshold).astype(int)
    tp = int(((pred == 1) & (y == 1)).sum())
    fp = int(((pred == 1) & (y == 0)).sum())
    fn = int(((pred == 0) & (y == 1)).sum())
    both = len(np.unique(y)) == 2
    expected = {
        "accuracy": f(metrics.accuracy_score(y, pred)),
        "precision": f(metrics.precision_score(y, pred, zero_division=0)) if tp + fp else None,
        "recall": f(metrics.recall_score(y, pred, zero_division=0)) if tp + fn else None,
        "f1": f(metrics.f1_score(y, pred, zero_division=0)) if tp + fp + fn else None,
        "f1_macro": f(metrics.f1_score(y, pred, average="macro", zero_division=0)),
        "f1_weighted": f(metrics.f1_score(y, pred, average="weighted", zero_division=0)),
        "precision_macro": f(metrics.precision_score(y, pred, average="macro", zero_division=0)),
        "recall_weighted": f(metrics.recall_score(y, pred, average="weighted", zero_division=0)),
        "roc_auc": f(metrics.roc_auc_score(y, p)) if both else None,
        "average_precision": f(metrics.average_precision_score(y, p)) if y.sum() > 0 else None,
        "log_loss": f(metrics.log_loss(y, p, labels=[0, 1])),
        "brier": f(metrics.brier_score_loss(y, p, pos_label=1)),
        "confusion": metrics.confusion_matrix(y, pred, labels=[0, 1]).tolist(),
    }
    prob_true, prob_pred = calibration_curve(y, p, n_bins=bins, strategy="uniform", pos_label=1)
    edges = np.linspace(0.0, 1.0, bins + 1)
    ids = np.searchsorted(edges[1:-1], p)
    counts = np.bincount(ids, minlength=bins)
    counts = counts[counts != 0]
    expected["calibration"] = {
        "prob_true": prob_true.tolist(),
        "prob_pred": prob_pred.tolist(),
        "count": counts.tolist(),
    }
    # Expected calibration error is not in scikit-learn: weighted mean gap of its bins.
    expected["ece"] = f(np.sum(counts / len(y) * np.abs(prob_pred - prob_true)))
    return {
        "name": name,
        "kind": "binary",
        "threshold": threshold,
        "bins": bins,
        "labels": y.tolist(),
        "scores": p.tolist(),
        "expected": expected,
    }


def multiclass_case(name, y, proba):
    y = np.asarray(y, dtype=int)
    proba = np.asarray(proba, dtype=np.float64)
    k = proba.shape[1]
    pred = np.argmax(proba, axis=1)
    present = len(np.unique(y)) == k
    expected = {
        "accuracy": f(metrics.accuracy_score(y, pred)),
        "confusion": metrics.confusion_matrix(y, pred, labels=list(range(k))).tolist(),
        "log_loss": f(metrics.log_loss(y, proba, labels=list(range(k)))),
        "roc_auc_ovr": f(metrics.roc_auc_score(y, proba, multi_class="ovr", average="macro",
                                               labels=list(range(k)))) if present else None,
    }
    for avg in ("macro", "weighted", "micro"):
        expected["precision_" + avg] = f(metrics.precision_score(y, pred, average=avg, zero_division=0))
        expected["recall_" + avg] = f(metrics.recall_score(y, pred, average=avg, zero_division=0))
        expected["f1_" + avg] = f(metrics.f1_score(y, pred, average=avg, zero_division=0))
    return {"name": name, "kind": "multiclass", "labels": y.tolist(), "probabilities": proba.tolist(),
            "expected": expected}


def regression_case(name, y, pred):
    y = np.asarray(y, dtype=np.float64)
    pred = np.asarray(pred, dtype=np.float64)
    constant = np.all(y == y[0])
    expected = {
        "mae": f(metrics.mean_absolute_error(y, pred)),
        "rmse": f(np.sqrt(metrics.mean_squared_error(y, pred))),
        "r2": None if constant else f(metrics.r2_score(y, pred)),
        "mape": f(metrics.mean_absolute_percentage_error(y, pred)),
    }
    return {"name": name, "kind": "regression", "labels": y.tolist(), "predictions": pred.tolist(),
            "expected": expected}


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def flights_case(path):
    import pandas as pd
    import xgboost as xgb

    df = pd.read_csv(path, parse_dates=["date"])
    df["hour"] = df["date"].dt.hour
    df["weekday"] = df["date"].dt.dayofweek + 1
    for c in ("origin", "destination"):
        df[c] = df[c].astype("category")
    df["label"] = (df["delay"] > 15).astype(int)
    features = ["hour", "weekday", "distance", "origin", "destination"]
    train = df[df["date"] < "2001-01-22"]
    test = df[df["date"] >= "2001-01-25"].sample(n=3000, random_state=7)
    model = xgb.XGBClassifier(n_estimators=60, max_depth=6, learning_rate=0.2, tree_method="hist",
                              enable_categorical=True, max_cat_to_onehot=1, random_state=0)
    model.fit(train[features], train["label"])
    p = model.predict_proba(test[features])[:, 1].astype(np.float64)
    return binary_case("flights-xgboost-holdout", test["label"].to_numpy(), p)


def main():
    r = np.random.RandomState(20011)
    cases = []
    n = 500
    y = r.binomial(1, 0.4, n)
    cases.append(binary_case("random", y, np.clip(0.35 * y + r.uniform(0, 0.65, n), 0, 1)))
    y = r.binomial(1, 0.5, 300)
    cases.append(binary_case("ties-one-decimal", y, np.round(np.clip(0.3 * y + r.uniform(0, 0.7, 300), 0, 1), 1)))
    cases.append(binary_case("all-tied", r.binomial(1, 0.3, 50), np.full(50, 0.3)))
    y = r.binomial(1, 0.05, 2000)
    cases.append(binary_case("imbalanced-5pc", y, np.clip(r.beta(2, 8, 2000) + 0.25 * y, 0, 1), bins=5))
    y = np.array([0, 1] * 20)
    cases.append(binary_case("perfect", y, np.where(y == 1, 0.9, 0.1)))
    cases.append(binary_case("inverted", y, np.where(y == 1, 0.1, 0.9)))
    y = np.array([0, 0, 1, 1, 0, 1, 1, 0, 0, 1])
    cases.append(binary_case("extreme-probabilities", y, [0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.5, 1e-20, 1 - 1e-17, 0.999999]))
    y = r.binomial(1, 0.5, 11)
    cases.append(binary_case("bin-edges", y, [i / 10 for i in range(11)], bins=10))
    cases.append(binary_case("threshold-0.3", r.binomial(1, 0.5, 200), r.uniform(0, 1, 200), threshold=0.3, bins=7))
    y = r.binomial(1, 0.2, 100)
    cases.append(binary_case("nothing-predicted-positive", y, r.uniform(0, 0.5, 100)))
    cases.append(binary_case("only-negatives", np.zeros(40, dtype=int), r.uniform(0, 1, 40)))
    cases.append(binary_case("only-positives", np.ones(40, dtype=int), r.uniform(0, 1, 40)))
    if len(sys.argv) > 1:
        cases.append(flights_case(sys.argv[1]))

    y = r.randint(0, 3, 400)
    z = r.normal(0, 1, (400, 3))
    z[np.arange(400), y] += 1.2
    cases.append(multiclass_case("random-3", y, softmax(z)))
    y = r.randint(0, 4, 300)
    z = r.normal(0, 1, (300, 4))
    z[:, 3] -= 10
    z[np.arange(300), y] += 0.8
    cases.append(multiclass_case("class-never-predicted", y, softmax(z)))
    y = r.randint(0, 3, 60)
    proba = np.round(softmax(r.normal(0, 0.3, (60, 3))), 1)
    proba = proba / proba.sum(axis=1, keepdims=True)
    cases.append(multiclass_case("tied-probabilities", y, proba))
    y = r.randint(0, 2, 50)
    cases.append(multiclass_case("class-absent-from-labels", y, softmax(r.normal(0, 1, (50, 3)))))

    y = r.normal(10, 3, 300)
    cases.append(regression_case("random", y, y + r.normal(0, 1, 300)))
    y = r.normal(0, 1, 100)
    pred = y + r.normal(0, 0.5, 100)
    pred[7] += 40
    cases.append(regression_case("outlier", y, pred))
    cases.append(regression_case("constant-labels", np.full(20, 4.0), r.normal(4, 1, 20)))
    y = np.array([0.0, 1e-9, 1.0, -2.0, 3.0])
    cases.append(regression_case("labels-near-zero", y, [0.5, 0.0, 1.5, -1.0, 3.0]))
    y = 1e6 + r.normal(0, 1e-3, 200)
    cases.append(regression_case("large-offset", y, y + r.normal(0, 1e-3, 200)))

    json.dump({"sklearn": __import__("sklearn").__version__, "cases": cases}, sys.stdout, indent=None)
    sys.stdout.write("\n")


main()
