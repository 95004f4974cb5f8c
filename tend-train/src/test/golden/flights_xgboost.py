#!/usr/bin/env python3
"""Sanity golden for the flagship model: python3-xgboost 1.7.4 + scikit-learn 1.2.1 on the split
FlagshipTrainingTest uses, with the trainer's default hyper-parameters.

    java -cp duckdb_jdbc.jar FlightsCsv.java flights-3m.parquet /tmp/january.csv
    /usr/bin/python3 flights_xgboost.py /tmp/january.csv > ../resources/golden/flights_xgboost_golden.json

Split by time: train before 2001-01-22, validate (early stopping) until 2001-01-25, holdout after.
Label delay > 15; features hour, ISO weekday, distance, origin, destination (pandas categories,
XGBoost's native categorical splits). Not bit-identical to Tend's model (category codes and
XGBoost versions differ), so the Java test compares with a tolerance.
"""
import json
import sys
import time

import numpy as np
import pandas as pd
import sklearn
import xgboost as xgb
from sklearn import metrics

df = pd.read_csv(sys.argv[1], parse_dates=["date"])
df["hour"] = df["date"].dt.hour
df["weekday"] = df["date"].dt.dayofweek + 1
for c in ("origin", "destination"):
    df[c] = df[c].astype("category")
df["label"] = (df["delay"] > 15).astype(int)
features = ["hour", "weekday", "distance", "origin", "destination"]
train = df[df["date"] < "2001-01-22"]
valid = df[(df["date"] >= "2001-01-22") & (df["date"] < "2001-01-25")]
test = df[df["date"] >= "2001-01-25"]

params = {"objective": "binary:logistic", "tree_method": "hist", "max_depth": 6, "eta": 0.3,
          "subsample": 1, "colsample_bytree": 1, "min_child_weight": 1, "lambda": 1,
          "max_bin": 256, "max_cat_to_onehot": 4, "eval_metric": "logloss", "seed": 0}
dtrain = xgb.DMatrix(train[features], train["label"], enable_categorical=True)
dvalid = xgb.DMatrix(valid[features], valid["label"], enable_categorical=True)
dtest = xgb.DMatrix(test[features], enable_categorical=True)
start = time.time()
booster = xgb.train(params, dtrain, num_boost_round=1000, evals=[(dvalid, "validation")],
                    early_stopping_rounds=50, verbose_eval=False)
seconds = time.time() - start
p = booster.predict(dtest, iteration_range=(0, booster.best_iteration + 1)).astype(np.float64)
y = test["label"].to_numpy()
json.dump({
    "xgboost": xgb.__version__, "sklearn": sklearn.__version__,
    "rows": {"train": len(train), "validation": len(valid), "test": len(test)},
    "best_iteration": booster.best_iteration,
    "train_seconds": round(seconds, 1),
    "roc_auc": metrics.roc_auc_score(y, p),
    "f1": metrics.f1_score(y, (p > 0.5).astype(int)),
    "log_loss": metrics.log_loss(y, p),
    "average_precision": metrics.average_precision_score(y, p),
}, sys.stdout, indent=2)
sys.stdout.write("\n")
