"""score_java.py DIR "BEST SECONDS BASE_SCORE" [args]: scikit-learn metrics of DIR/pred-java.bin (TrainJava's output)."""
import sys, json, numpy as np
from sklearn import metrics
d = sys.argv[1]; info = sys.argv[2].split()
y = np.fromfile(f"{d}/test.y", dtype="<f4"); p = np.fromfile(f"{d}/pred-java.bin", dtype="<f4").astype(np.float64)
print(json.dumps({"side": "java3.4.0", "dir": d, "args": sys.argv[3:], "best": int(info[0]),
  "auc": round(metrics.roc_auc_score(y, p), 4), "f1": round(metrics.f1_score(y, (p > 0.5).astype(int)), 4),
  "logloss": round(metrics.log_loss(y, p), 4), "base_score": info[2], "val_logloss": round([float(x) for x in open(f"{d}/curve-java.txt")][int(info[0])], 5), "secs": round(float(info[1]), 1)}))
