"""The Flask baseline of `bench/run serving`: the stack MLflow's scoring server is built on.

Serves the flagship XGBoost model (its JSON, $TEND_BENCH_MODEL_JSON) with the preprocessing of
Tend's model folder ($TEND_BENCH_MODEL_DIR/preprocessing.json and manifest.json), applied as
tend-train's Encoder does: numbers as floats, categories as code k + 1 of their list (0 for any
other), date parts of the timestamp read as UTC, NaN for missing. POST /predict takes Tend's
single-row body {"inputs": {...}} and answers {"outputs": {"probability": p, "label": l}}.
Run with gunicorn: gunicorn -w 2 flask_serving:app.
"""

import datetime
import json
import math
import os

import numpy as np
import xgboost
from flask import Flask, jsonify, request

MODEL_DIR = os.environ["TEND_BENCH_MODEL_DIR"]
with open(os.path.join(MODEL_DIR, "preprocessing.json")) as f:
    PREPROCESSING = json.load(f)
with open(os.path.join(MODEL_DIR, "manifest.json")) as f:
    MANIFEST = json.load(f)

# XGBoost 2+ (Tend's XGBoost4J 3.x) writes the intercept as a vector, "[2.24E-1]"; Debian's
# xgboost 1.7 reads that as the default 0.5 without a word, which shifts every probability. A
# single-target model's vector has one value: write it as the scalar 1.7 understands.
with open(os.environ["TEND_BENCH_MODEL_JSON"]) as f:
    MODEL = json.load(f)
PARAM = MODEL["learner"]["learner_model_param"]
PARAM["base_score"] = PARAM["base_score"].strip("[]")
BOOSTER = xgboost.Booster()
BOOSTER.load_model(bytearray(json.dumps(MODEL).encode("utf-8")))
FEATURES = PREPROCESSING["features"]
NAMES = [f["name"] for f in FEATURES]
TYPES = ["c" if f["kind"] == "categorical" else "q" for f in FEATURES]
CODES = [
    {c: k + 1 for k, c in enumerate(f["categories"])} if f["kind"] == "categorical" else None
    for f in FEATURES
]
ITERATIONS = MANIFEST["bestIteration"] + 1
CLASSES = MANIFEST["classes"]
THRESHOLD = MANIFEST.get("threshold", 0.5)


def timestamp(text):
    text = text.strip()
    if len(text) == 10:
        return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.timezone.utc)
    t = datetime.datetime.fromisoformat(text.replace(" ", "T"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=datetime.timezone.utc)
    return t.astimezone(datetime.timezone.utc)


def part(name, t):
    return {
        "HOUR": t.hour,
        "WEEKDAY": t.isoweekday(),
        "MONTH": t.month,
        "DAY_OF_MONTH": t.day,
    }[name]


def encode(inputs):
    row = np.empty(len(FEATURES), dtype=np.float32)
    for i, feature in enumerate(FEATURES):
        value = inputs.get(feature["column"])
        if value is None:
            row[i] = math.nan
        elif feature["kind"] == "numeric":
            row[i] = float(value)
        elif feature["kind"] == "categorical":
            row[i] = CODES[i].get(str(value), 0)
        else:
            row[i] = part(feature["part"], timestamp(value))
    return row


app = Flask(__name__)


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/predict")
def predict():
    inputs = request.get_json()["inputs"]
    matrix = xgboost.DMatrix(
        encode(inputs).reshape(1, -1),
        feature_names=NAMES,
        feature_types=TYPES,
        enable_categorical=True,
        missing=math.nan,
    )
    p = float(BOOSTER.predict(matrix, iteration_range=(0, ITERATIONS))[0])
    return jsonify(outputs={"probability": p, "label": CLASSES[1 if p > THRESHOLD else 0]})
