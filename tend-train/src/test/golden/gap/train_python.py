"""pytrain.py DIR [key=value ...]: xgboost (this python's) on DIR's matrices; prints metrics as JSON.
Special keys: rounds (500), es (early stopping rounds, 20; 0 = none), types (qqqcc)."""
import sys, json, time, numpy as np, xgboost as xgb
from sklearn import metrics
d = sys.argv[1]
kv = dict(a.split("=", 1) for a in sys.argv[2:])
def conv(v):
    for t in (int, float):
        try: return t(v)
        except ValueError: pass
    return v
kv = {k: conv(v) for k, v in kv.items()}
rounds = kv.pop("rounds", 500); es = kv.pop("es", 20); types = list(kv.pop("types", "qqqcc"))
def load(n):
    y = np.fromfile(f"{d}/{n}.y", dtype="<f4")
    return np.fromfile(f"{d}/{n}.x", dtype="<f4").reshape(len(y), -1), y
names = ["hour", "weekday", "distance", "origin", "destination"]
mats = {}
for n in ("train", "valid", "test"):
    x, y = load(n)
    mats[n] = (xgb.DMatrix(x, y, missing=np.nan, feature_names=names, feature_types=types,
                           enable_categorical=True), y)
params = {"objective": "binary:logistic", "tree_method": "hist", "max_depth": 6, "eta": 0.1,
          "subsample": 1, "colsample_bytree": 1, "min_child_weight": 1, "lambda": 1,
          "max_bin": 256, "max_cat_to_onehot": 4, "eval_metric": "logloss", "seed": 0}
params.update(kv)
t = time.time()
b = xgb.train(params, mats["train"][0], num_boost_round=rounds, evals=[(mats["valid"][0], "validation")],
              early_stopping_rounds=es if es > 0 else None, verbose_eval=False)
secs = time.time() - t
best = b.best_iteration if es > 0 else rounds - 1
p = b.predict(mats["test"][0], iteration_range=(0, best + 1)).astype(np.float64)
y = mats["test"][1]
cfg = json.loads(b.save_config())
print(json.dumps({"side": "py" + xgb.__version__, "dir": d, "args": sys.argv[2:], "best": best,
  "auc": round(metrics.roc_auc_score(y, p), 4), "f1": round(metrics.f1_score(y, (p > 0.5).astype(int)), 4),
  "logloss": round(metrics.log_loss(y, p), 4), "base_score": cfg["learner"]["learner_model_param"]["base_score"],
  "secs": round(secs, 1)}))
