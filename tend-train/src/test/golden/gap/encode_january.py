"""Encode January flights into float32 matrices: prep.py CSV OUTDIR ENCODING [min_count]
ENCODING: pandas (alphabetical over all January, like flights_xgboost.py),
          freq (Tend: falling training frequency, ties by value, codes from 1, 0 = other),
          freq0 (frequency order from 0, every training category kept, unseen -> NaN),
          alpha_train (alphabetical over training categories, from 0, unseen -> NaN)"""
import sys, json, numpy as np, pandas as pd
df = pd.read_csv(sys.argv[1], parse_dates=["date"])
out, enc = sys.argv[2], sys.argv[3]
min_count = int(sys.argv[4]) if len(sys.argv) > 4 else 5
df["hour"] = df["date"].dt.hour
df["weekday"] = df["date"].dt.dayofweek + 1
df["label"] = (df["delay"] > 15).astype(np.float32)
tr = df["date"] < "2001-01-22"
va = (df["date"] >= "2001-01-22") & (df["date"] < "2001-01-25")
te = df["date"] >= "2001-01-25"
cols = {}
meta = {}
for c in ("origin", "destination"):
    if enc == "pandas":
        cat = df[c].astype("category")
        cols[c] = cat.cat.codes.astype(np.float32)
        meta[c] = len(cat.cat.categories)
    else:
        counts = df.loc[tr, c].value_counts()
        if enc == "freq":
            kept = counts[counts >= min_count]
            order = sorted(kept.index, key=lambda v: (-kept[v], v))
            code = {v: k + 1 for k, v in enumerate(order)}
            cols[c] = df[c].map(code).fillna(0).astype(np.float32)
        elif enc == "freq0":
            order = sorted(counts.index, key=lambda v: (-counts[v], v))
            code = {v: k for k, v in enumerate(order)}
            cols[c] = df[c].map(code).astype(np.float32)
        elif enc == "alpha_train":
            code = {v: k for k, v in enumerate(sorted(counts.index))}
            cols[c] = df[c].map(code).astype(np.float32)
        meta[c] = len(code)
X = np.column_stack([df["hour"], df["weekday"], df["distance"], cols["origin"], cols["destination"]]).astype(np.float32)
import os; os.makedirs(out, exist_ok=True)
for name, m in (("train", tr), ("valid", va), ("test", te)):
    X[m.to_numpy()].astype("<f4").tofile(f"{out}/{name}.x")
    df.loc[m, "label"].to_numpy().astype("<f4").tofile(f"{out}/{name}.y")
json.dump({"rows": {k: int(v.sum()) for k, v in (("train", tr), ("valid", va), ("test", te))}, "categories": meta}, open(f"{out}/meta.json", "w"))
print(out, enc, meta)
