#!/usr/bin/python3
"""Golden models and predictions for PythonXgboostModelTest: small XGBoost models saved by Python's
xgboost (Debian's python3-xgboost 1.7, pandas) the way examples/flights/train.py saves them, with
the predictions Python makes for a few rows, including missing values and unseen categories.

    cd tend-train/src/test/golden/runtimes && /usr/bin/python3 python_xgboost.py \
        ../../resources/golden/python-xgboost

Writes one folder per case:
  binary-json/      XGBClassifier with pandas categories (native categorical splits): model.json
                    plus features.json ({"features": [...], "categories": {column: [...]}}).
  multiclass-ubj/   XGBClassifier, 3 classes, early stopping (best_iteration < rounds): model.ubj
                    only; feature names and types come from the model itself.
  regression-json/  XGBRegressor trained on a bare numpy array (the model has no feature names):
                    model.json, features.json with the names, and an MLflow MLmodel file.
each with expected.json: {"rows": [...], "predictions": [[p0, p1, ...] or [value], ...]}.
"""
import json
import os
import sys

import numpy as np
import pandas as pd
import xgboost as xgb

OUT = sys.argv[1]
rng = np.random.default_rng(7)
COLORS = ["blue", "green", "red", "yellow"]
SHAPES = ["circle", "square", "star"]


def write(case, name, value):
    os.makedirs(os.path.join(OUT, case), exist_ok=True)
    with open(os.path.join(OUT, case, name), "w") as f:
        json.dump(value, f, indent=2)
        f.write("\n")


def frame(n):
    return pd.DataFrame(
        {
            "size": np.round(rng.normal(10, 3, n), 2),
            "count": rng.integers(0, 20, n),
            "color": pd.Categorical(rng.choice(COLORS, n), categories=COLORS),
            "shape": pd.Categorical(rng.choice(SHAPES, n), categories=SHAPES),
        }
    )


def binary():
    x = frame(600)
    logit = (x["size"] - 10) / 2 + (x["color"] == "red") * 1.5 - (x["shape"] == "star") + x["count"] / 10 - 1
    y = (rng.random(600) < 1 / (1 + np.exp(-logit))).astype(int)
    model = xgb.XGBClassifier(n_estimators=25, max_depth=3, learning_rate=0.3, tree_method="hist",
                              enable_categorical=True, max_cat_to_onehot=1, random_state=0, n_jobs=1)
    model.fit(x, y)
    os.makedirs(os.path.join(OUT, "binary-json"), exist_ok=True)
    model.save_model(os.path.join(OUT, "binary-json", "model.json"))
    categories = {c: x[c].cat.categories.tolist() for c in ("color", "shape")}
    write("binary-json", "features.json", {"features": list(x.columns), "categories": categories})
    rows = [
        {"size": 12.5, "count": 3, "color": "red", "shape": "circle"},
        {"size": 7.25, "count": 15, "color": "blue", "shape": "star"},
        {"size": 10.0, "count": 0, "color": "yellow", "shape": "square"},
        {"size": None, "count": 8, "color": "green", "shape": "circle"},
        {"size": 9.5, "count": None, "color": None, "shape": "star"},
        {"size": 14.0, "count": 2, "color": "purple", "shape": "hexagon"},
    ] + [
        {"size": float(r["size"]), "count": int(r["count"]), "color": r["color"], "shape": r["shape"]}
        for r in frame(14).to_dict("records")
    ]
    test = pd.DataFrame(
        {
            "size": [r["size"] for r in rows],
            "count": [r["count"] for r in rows],
            # Unseen categories become missing: the codes are the training categories' positions.
            "color": pd.Categorical([r["color"] for r in rows], categories=categories["color"]),
            "shape": pd.Categorical([r["shape"] for r in rows], categories=categories["shape"]),
        }
    ).astype({"size": "float64", "count": "float64"})
    p = model.predict_proba(test).astype(np.float64)
    write("binary-json", "expected.json", {"rows": rows, "predictions": p.tolist()})


def multiclass():
    n = 500
    x = pd.DataFrame({"a": np.round(rng.normal(0, 1, n), 3), "b": np.round(rng.normal(0, 1, n), 3),
                      "c": rng.integers(0, 5, n)})
    score = np.stack([x["a"], x["b"], (x["c"] - 2) / 2], axis=1) + rng.normal(0, 0.7, (n, 3))
    y = score.argmax(axis=1)
    model = xgb.XGBClassifier(n_estimators=60, max_depth=2, learning_rate=0.5, tree_method="hist",
                              early_stopping_rounds=3, random_state=0, n_jobs=1)
    model.fit(x[:400], y[:400], eval_set=[(x[400:], y[400:])], verbose=False)
    assert model.best_iteration < 59, model.best_iteration
    os.makedirs(os.path.join(OUT, "multiclass-ubj"), exist_ok=True)
    model.save_model(os.path.join(OUT, "multiclass-ubj", "model.ubj"))
    test = x[400:420].reset_index(drop=True).astype({"c": "float64"})
    test.loc[3, "a"] = np.nan
    rows = [{k: (None if pd.isna(v) else (int(v) if k == "c" else float(v))) for k, v in r.items()}
            for r in test.to_dict("records")]
    p = model.predict_proba(test).astype(np.float64)
    write("multiclass-ubj", "expected.json",
          {"best_iteration": int(model.best_iteration), "rows": rows, "predictions": p.tolist()})


def regression():
    n = 400
    x = np.round(rng.uniform(0, 10, (n, 3)), 2)
    y = 2 * x[:, 0] - x[:, 1] + np.sin(x[:, 2]) + rng.normal(0, 0.3, n)
    model = xgb.XGBRegressor(n_estimators=30, max_depth=3, learning_rate=0.3, tree_method="hist",
                             random_state=0, n_jobs=1)
    model.fit(x, y)
    case = "regression-json"
    os.makedirs(os.path.join(OUT, case), exist_ok=True)
    model.save_model(os.path.join(OUT, case, "model.json"))
    names = ["width", "height", "angle"]
    write(case, "features.json", {"features": names})
    with open(os.path.join(OUT, case, "MLmodel"), "w") as f:
        f.write("artifact_path: model\nflavors:\n  xgboost:\n    data: model.json\n"
                "    model_format: json\n    xgb_version: " + xgb.__version__ + "\n")
    test = np.round(rng.uniform(0, 10, (12, 3)), 2)
    test[2, 1] = np.nan
    rows = [{n: (None if np.isnan(v) else float(v)) for n, v in zip(names, r)} for r in test]
    p = model.predict(test).astype(np.float64)
    write(case, "expected.json", {"rows": rows, "predictions": [[v] for v in p.tolist()]})


binary()
multiclass()
regression()
