#!/usr/bin/python3
"""A golden model for TreeEnsembleGoldenTest: a 3-class XGBoost model with native categorical splits
and 3 parallel trees per class and round (a boosted random forest), saved by Python's xgboost 1.7 as
both model.json and model.ubj, with the probabilities Python predicts for rows including missing
values and unseen categories.

    cd tend-train/src/test/golden/runtimes && /usr/bin/python3 python_forest.py \
        ../../resources/golden/python-xgboost/forest

Writes model.json, model.ubj, features.json and expected.json ({"rows": [...], "predictions":
[[p0, p1, p2], ...]}).
"""
import json
import os
import sys

import numpy as np
import pandas as pd
import xgboost as xgb

OUT = sys.argv[1]
rng = np.random.default_rng(11)
PORTS = ["ams", "bcn", "cdg", "dub", "fra", "lhr", "mad", "osl"]


def frame(n):
    return pd.DataFrame(
        {
            "distance": np.round(rng.uniform(100, 3000, n), 1),
            "hour": rng.integers(0, 24, n).astype("float64"),
            "port": pd.Categorical(rng.choice(PORTS, n), categories=PORTS),
        }
    )


x = frame(900)
x.loc[rng.random(900) < 0.05, "distance"] = np.nan
score = np.stack([(x["distance"].fillna(1500) - 1500) / 600,
                  (x["hour"] - 12) / 5,
                  x["port"].isin(["cdg", "lhr", "osl"]).astype(float) * 1.5], axis=1)
y = (score + rng.normal(0, 0.8, score.shape)).argmax(axis=1)
model = xgb.XGBClassifier(n_estimators=15, num_parallel_tree=3, subsample=0.8, colsample_bynode=0.8,
                          max_depth=4, learning_rate=0.4, tree_method="hist", enable_categorical=True,
                          max_cat_to_onehot=1, random_state=0, n_jobs=1)
model.fit(x, y)
os.makedirs(OUT, exist_ok=True)
model.save_model(os.path.join(OUT, "model.json"))
model.save_model(os.path.join(OUT, "model.ubj"))
with open(os.path.join(OUT, "features.json"), "w") as f:
    json.dump({"features": list(x.columns), "categories": {"port": PORTS}}, f, indent=2)
    f.write("\n")
rows = [
    {"distance": None, "hour": 7.0, "port": "lhr"},
    {"distance": 800.0, "hour": None, "port": None},
    {"distance": 2500.5, "hour": 18.0, "port": "jfk"},
] + [
    {"distance": float(r["distance"]), "hour": float(r["hour"]), "port": r["port"]}
    for r in frame(60).to_dict("records")
]
test = pd.DataFrame(
    {
        "distance": [r["distance"] for r in rows],
        "hour": [r["hour"] for r in rows],
        "port": pd.Categorical([r["port"] for r in rows], categories=PORTS),
    }
).astype({"distance": "float64", "hour": "float64"})
p = model.predict_proba(test).astype(np.float64)
with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump({"rows": rows, "predictions": p.tolist()}, f, indent=2)
    f.write("\n")
