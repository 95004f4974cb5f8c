#!/usr/bin/python3
"""Trains the flight-delay model as a Tend `command` step: is a flight more than 15 minutes late?

Follows the command step's file contract (docs/pipelines.md): reads $TEND_PARAMS and $TEND_INPUTS,
writes $TEND_OUTPUTS/model/ (XGBoost's JSON model plus the feature list and category codes) and
$TEND_OUTPUTS/metrics.json (auc, log_loss, f1, accuracy on the latest rows, held out by time).
Needs Debian's python3-xgboost (1.7), python3-pandas and python3-sklearn.

Params (all optional): input (the dataset input's name, when there are several), holdout (the
latest share of rows held out, 0.2), rounds (200), max_depth (6), eta (0.3).
"""
import json
import os
import sys

import pandas as pd
from sklearn.metrics import accuracy_score, f1_score, log_loss, roc_auc_score
from xgboost import XGBClassifier

CATEGORICAL = ["origin", "destination"]


def fail(message):
    sys.exit("train.py: " + message)


def dataset_folder(inputs, params):
    datasets = [name for name, spec in inputs.items() if spec["kind"] == "dataset"]
    name = params.get("input") or (datasets[0] if len(datasets) == 1 else None)
    if name not in datasets:
        fail(f"name the dataset input with the 'input' param; the dataset inputs are {datasets}")
    return inputs[name]["path"]


def features(flights):
    frame = pd.DataFrame(
        {
            "hour": flights["date"].dt.hour,
            "weekday": flights["date"].dt.weekday,
            "distance": flights["distance"],
        }
    )
    for column in CATEGORICAL:
        frame[column] = flights[column].astype("category")
    return frame


def main():
    with open(os.environ["TEND_PARAMS"]) as f:
        run = json.load(f)
    with open(os.environ["TEND_INPUTS"]) as f:
        inputs = json.load(f)
    params = run["params"]

    data = os.path.join(dataset_folder(inputs, params), "data.csv")
    flights = pd.read_csv(data, parse_dates=["date"]).sort_values("date", kind="stable")
    x = features(flights)
    y = (flights["delay"] > 15).astype(int)
    cut = int(len(flights) * (1 - float(params.get("holdout", 0.2))))
    if cut < 1 or y.iloc[cut:].nunique() < 2:
        fail(f"the held-out rows of {data} need both delayed and on-time flights")

    model = XGBClassifier(
        n_estimators=int(params.get("rounds", 200)),
        max_depth=int(params.get("max_depth", 6)),
        learning_rate=float(params.get("eta", 0.3)),
        tree_method="hist",
        enable_categorical=True,
        random_state=int(run.get("seed", 0)),
    )
    model.fit(x.iloc[:cut], y.iloc[:cut])
    truth = y.iloc[cut:]
    p = model.predict_proba(x.iloc[cut:])[:, 1]
    metrics = {
        "auc": roc_auc_score(truth, p),
        "log_loss": log_loss(truth, p, labels=[0, 1]),
        "f1": f1_score(truth, p >= 0.5),
        "accuracy": accuracy_score(truth, p >= 0.5),
    }

    outputs = os.environ["TEND_OUTPUTS"]
    os.makedirs(os.path.join(outputs, "model"), exist_ok=True)
    model.save_model(os.path.join(outputs, "model", "model.json"))
    with open(os.path.join(outputs, "model", "features.json"), "w") as f:
        categories = {c: x[c].cat.categories.tolist() for c in CATEGORICAL}
        json.dump({"features": list(x.columns), "categories": categories}, f, indent=2)
    with open(os.path.join(outputs, "metrics.json"), "w") as f:
        json.dump({name: float(value) for name, value in metrics.items()}, f, indent=2)
    print(f"trained on {cut} rows, held out {len(flights) - cut}: " + json.dumps(metrics))


if __name__ == "__main__":
    main()
