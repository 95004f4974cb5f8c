#!/usr/bin/env python3
"""Golden values for dev.tend.drift, computed with numpy and scipy.

Run from this directory with a python3 that has numpy and scipy:
    python3 drift_golden.py > drift_golden.csv

Inputs come from a generator spec that DriftGoldenTest rebuilds bit for bit in Java:
SplitMix64 uniforms u = (x >> 11) * 2**-53; "normal" values are loc + scale * (sum of 12
uniforms - 6) and "uniform" values loc + scale * u; with decimals d >= 0 they are floored to d
decimals (floor(v * 10**d) / 10**d) to make ties. Only +, -, *, / and floor are used, so both
languages produce identical doubles.
"""
import math
import sys

import numpy as np
import scipy
from scipy import stats
from scipy.spatial.distance import jensenshannon

MASK = (1 << 64) - 1
PSI_EPSILON = 1e-4
BINS = 10


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next_uniform(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z = z ^ (z >> 31)
        return (z >> 11) * (1.0 / (1 << 53))


def generate(spec):
    kind, seed, n, loc, scale, decimals = spec.split(":")
    rng = SplitMix64(int(seed))
    loc, scale, decimals = float(loc), float(scale), int(decimals)
    out = []
    for _ in range(int(n)):
        if kind == "normal":
            s = 0.0
            for _ in range(12):
                s += rng.next_uniform()
            v = loc + scale * (s - 6.0)
        elif kind == "uniform":
            v = loc + scale * rng.next_uniform()
        else:
            raise ValueError(kind)
        if decimals >= 0:
            p = 10.0 ** decimals
            v = math.floor(v * p) / p
        out.append(v)
    return np.array(out, dtype=np.float64)


def binned(reference, current):
    edges = np.unique(np.quantile(reference, np.arange(1, BINS) / BINS))
    ref = np.bincount(np.searchsorted(edges, reference, side="left"), minlength=len(edges) + 1)
    cur = np.bincount(np.searchsorted(edges, current, side="left"), minlength=len(edges) + 1)
    return ref / len(reference), cur / len(current)


def psi(ref_p, cur_p):
    r = np.where(ref_p == 0, PSI_EPSILON, ref_p)
    c = np.where(cur_p == 0, PSI_EPSILON, cur_p)
    return float(np.sum((c - r) * np.log(c / r)))


NUMERIC = [
    ("same_small", "normal:1:40:0:1:-1", "normal:2:35:0:1:-1"),
    ("shifted_small", "normal:3:50:0:1:-1", "normal:4:60:0.5:1:-1"),
    ("scaled_medium", "normal:5:400:10:2:-1", "normal:6:300:10:3:-1"),
    ("equal_n", "normal:7:200:0:1:-1", "normal:8:200:0.3:1:-1"),
    ("ties", "normal:9:500:0:1:1", "normal:10:450:0.1:1:1"),
    ("heavy_ties", "uniform:11:300:0:5:0", "uniform:12:250:0.5:5:0"),
    ("tiny", "normal:13:5:0:1:-1", "normal:14:7:1:1:-1"),
    ("same_large", "normal:15:12000:0:1:-1", "normal:16:11000:0:1:-1"),
    ("shifted_large", "normal:17:15000:0:1:-1", "normal:18:12000:0.05:1:-1"),
    ("uniform_vs_normal", "uniform:19:2000:-1.7:3.4:-1", "normal:20:2500:0:1:-1"),
]

CATEGORICAL = [
    ("same", {"a": 500, "b": 300, "c": 200}, {"a": 480, "b": 320, "c": 200}),
    ("shifted", {"a": 500, "b": 300, "c": 200}, {"a": 300, "b": 300, "c": 400}),
    ("unseen_current", {"a": 120, "b": 80}, {"a": 100, "b": 70, "z": 30}),
    ("unseen_reference", {"a": 40, "b": 30, "x": 5}, {"a": 60, "b": 10}),
    ("large", {"x": 200000, "y": 150000, "z": 50000}, {"x": 201000, "y": 149000, "z": 50500}),
    ("two_categories", {"t": 30, "f": 70}, {"t": 45, "f": 55}),
]

KSTWO = [
    (10, 0.03), (10, 0.08), (10, 0.3), (10, 0.7), (10, 0.95), (100, 0.05), (100, 0.12),
    (100, 0.25), (140, 0.2), (500, 0.03), (500, 0.06), (500, 0.1), (5000, 0.01), (5000, 0.025),
    (60000, 0.004), (200000, 0.002), (200000, 0.004), (1000000, 0.001),
]


def fmt(x):
    return repr(float(x))


def main():
    w = sys.stdout.write
    w(f"# numpy {np.__version__}, scipy {scipy.__version__}; see drift_golden.py\n")
    w("# numeric,name,reference,current,ks_d,ks_p_auto,ks_d_asymp,ks_p_asymp,"
      "wasserstein,wasserstein_normalized,psi,jensen_shannon\n")
    for name, ref_spec, cur_spec in NUMERIC:
        ref, cur = generate(ref_spec), generate(cur_spec)
        auto = stats.ks_2samp(ref, cur, method="auto")
        asymp = stats.ks_2samp(ref, cur, method="asymp")
        wd = stats.wasserstein_distance(ref, cur)
        ref_p, cur_p = binned(ref, cur)
        js = jensenshannon(ref_p, cur_p, base=2)
        row = [auto.statistic, auto.pvalue, asymp.statistic, asymp.pvalue, wd, wd / np.std(ref),
               psi(ref_p, cur_p), js]
        w(",".join(["numeric", name, ref_spec, cur_spec] + [fmt(v) for v in row]) + "\n")
    w("# categorical,name,reference,current,chi2,p,dof,cramers_v,psi,jensen_shannon\n")
    for name, ref, cur in CATEGORICAL:
        cats = sorted(set(ref) | set(cur))
        table = np.array([[ref.get(c, 0) for c in cats], [cur.get(c, 0) for c in cats]])
        chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
        v = math.sqrt(chi2 / table.sum())
        ref_p, cur_p = table[0] / table[0].sum(), table[1] / table[1].sum()
        row = [chi2, p, dof, v, psi(ref_p, cur_p), jensenshannon(ref_p, cur_p, base=2)]
        enc = lambda d: ";".join(f"{k}={d[k]}" for k in sorted(d))
        w(",".join(["categorical", name, enc(ref), enc(cur)] + [fmt(x) for x in row]) + "\n")
    w("# kstwo,n,x,sf\n")
    for n, x in KSTWO:
        w(",".join(["kstwo", str(n), fmt(x), fmt(stats.kstwo.sf(x, n))]) + "\n")


if __name__ == "__main__":
    main()
