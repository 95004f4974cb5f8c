#!/usr/bin/python3
"""Golden values for ColumnProfile, computed independently with pandas.

Run from the repository root with Debian's interpreter (it has python3-pandas and numpy):

    /usr/bin/python3 tend-core/src/test/resources/golden/profile_golden.py \
        ../shared/data/penguins.json > tend-core/src/test/resources/golden/profile_golden.json

Per column: count (non-null), missing, mean, std (ddof=1), min, max, nunique, string length
stats, value counts, and for numeric columns the linear-interpolated quantiles plus the interval
[quantile(q - TOLERANCE, 'lower'), quantile(q + TOLERANCE, 'higher')] that any sketch answer with
rank error at most TOLERANCE must fall in.
"""
import json
import sys

import pandas as pd

RANKS = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]
TOLERANCE = 0.02


def plain(value):
    if hasattr(value, "item"):
        return value.item()
    return value


def main(path):
    with open(path, encoding="utf-8") as f:
        rows = json.load(f)
    frame = pd.DataFrame(rows)
    columns = []
    for name in frame.columns:
        series = frame[name]
        non_null = series.dropna()
        entry = {
            "name": name,
            "count": int(series.count()),
            "missing": int(series.isna().sum()),
            "nunique": int(series.nunique()),
            "value_counts": [
                {"value": plain(v), "count": int(c)} for v, c in non_null.value_counts().items()
            ],
        }
        if pd.api.types.is_numeric_dtype(series):
            entry.update(
                {
                    "kind": "numeric",
                    "mean": float(series.mean()),
                    "std": float(series.std(ddof=1)),
                    "min": float(series.min()),
                    "max": float(series.max()),
                    "quantiles": [
                        {
                            "rank": q,
                            "linear": float(series.quantile(q)),
                            "low": float(series.quantile(max(0.0, q - TOLERANCE), interpolation="lower")),
                            "high": float(series.quantile(min(1.0, q + TOLERANCE), interpolation="higher")),
                        }
                        for q in RANKS
                    ],
                }
            )
        else:
            lengths = non_null.astype(str).str.len()
            entry.update(
                {
                    "kind": "string",
                    "length_min": int(lengths.min()),
                    "length_max": int(lengths.max()),
                    "length_mean": float(lengths.mean()),
                }
            )
        columns.append(entry)
    json.dump(
        {
            "source": "penguins.json",
            "rows": len(frame),
            "tolerance": TOLERANCE,
            "pandas": pd.__version__,
            "columns": columns,
        },
        sys.stdout,
        indent=2,
        ensure_ascii=False,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/penguins.json")
