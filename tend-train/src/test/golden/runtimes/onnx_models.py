#!/usr/bin/python3
"""Golden ONNX models for OnnxModelTest, built node by node with onnx.helper (Debian's python3-onnx;
no skl2onnx), with their outputs computed by hand in numpy (float64), not by ONNX Runtime.

    cd tend-train/src/test/golden/runtimes && /usr/bin/python3 onnx_models.py \
        ../../resources/golden/onnx

Writes one folder per case, each with model.onnx and expected.json ({"rows": [...], then
"probabilities" and "labels" for classifiers or "values" for regressors}):
  classifier/   skl2onnx's shape: one float tensor input [N,4] (feature names in the metadata
                property feature_names), ai.onnx.ml LinearClassifier (3 string classes, softmax)
                then ZipMap: outputs output_label [N] and output_probability, a sequence of maps.
  binary/       LinearClassifier with int64 classes 0 and 1 (logistic) and a plain probability
                tensor [N,2]; one input [N,2] with no feature names in the model (tests give them).
  regressor/    one [N,1] tensor per feature (x, y, z), Concat, MatMul, Add: output variable [N,1].
Inputs are multiples of 1/8 and weights of 1/4, so float32 holds them exactly.
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

OUT = sys.argv[1]
ML = helper.make_opsetid("ai.onnx.ml", 1)
OPSET = helper.make_opsetid("", 13)


def save(case, graph, expected, metadata=None):
    model = helper.make_model(graph, opset_imports=[OPSET, ML], producer_name="tend-golden")
    model.ir_version = 8
    for key, value in (metadata or {}).items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(model)
    os.makedirs(os.path.join(OUT, case), exist_ok=True)
    onnx.save(model, os.path.join(OUT, case, "model.onnx"))
    with open(os.path.join(OUT, case, "expected.json"), "w") as f:
        json.dump(expected, f, indent=2)
        f.write("\n")


def rows(n, f, seed):
    return np.random.default_rng(seed).integers(-24, 25, (n, f)) / 8.0


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def string_float_map():
    # onnx 1.12's helper has no make_map_type_proto.
    t = onnx.TypeProto()
    t.map_type.key_type = TensorProto.STRING
    t.map_type.value_type.CopyFrom(helper.make_tensor_type_proto(TensorProto.FLOAT, []))
    return t


def classifier():
    names = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    classes = ["setosa", "versicolor", "virginica"]
    w = np.array([[0.5, 1.25, -1.5, -0.75], [0.25, -0.5, 0.25, -0.5], [-0.75, -0.75, 1.25, 1.25]])
    b = np.array([0.25, 0.5, -0.75])
    node = helper.make_node("LinearClassifier", ["float_input"], ["label", "probability_tensor"],
                            domain="ai.onnx.ml", coefficients=w.flatten().tolist(),
                            intercepts=b.tolist(), classlabels_strings=classes,
                            post_transform="SOFTMAX", multi_class=0)
    zipmap = helper.make_node("ZipMap", ["probability_tensor"], ["output_probability"],
                              domain="ai.onnx.ml", classlabels_strings=classes)
    identity = helper.make_node("Identity", ["label"], ["output_label"])
    graph = helper.make_graph(
        [node, zipmap, identity], "classifier",
        [helper.make_tensor_value_info("float_input", TensorProto.FLOAT, [None, 4])],
        [helper.make_tensor_value_info("output_label", TensorProto.STRING, [None]),
         helper.make_value_info("output_probability",
                                helper.make_sequence_type_proto(string_float_map())),
         ])
    x = rows(10, 4, 1)
    p = softmax(x @ w.T + b)
    save("classifier", graph,
         {"features": names, "rows": [dict(zip(names, r)) for r in x.tolist()],
          "probabilities": p.tolist(), "labels": [classes[i] for i in p.argmax(axis=1)]},
         {"feature_names": json.dumps(names)})


def binary():
    w = np.array([[-1.0, 0.5], [1.0, -0.5]])
    b = np.array([0.25, -0.25])
    node = helper.make_node("LinearClassifier", ["input"], ["label", "probabilities"],
                            domain="ai.onnx.ml", coefficients=w.flatten().tolist(),
                            intercepts=b.tolist(), classlabels_ints=[0, 1],
                            post_transform="LOGISTIC", multi_class=1)
    graph = helper.make_graph(
        [node], "binary",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [None, 2])],
        [helper.make_tensor_value_info("label", TensorProto.INT64, [None]),
         helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, 2])])
    x = rows(8, 2, 2)
    # multi_class=1 with LOGISTIC: each class's score through the logistic function, not normalized.
    p = 1 / (1 + np.exp(-(x @ w.T + b)))
    names = ["age", "income"]
    save("binary", graph,
         {"features": names, "rows": [dict(zip(names, r)) for r in x.tolist()],
          "probabilities": p.tolist(), "labels": [str(i) for i in p.argmax(axis=1)]})


def regressor():
    names = ["x", "y", "z"]
    w = np.array([[1.5], [-0.25], [0.75]])
    b = np.array([0.5])
    nodes = [
        helper.make_node("Concat", names, ["features"], axis=1),
        helper.make_node("MatMul", ["features", "weights"], ["product"]),
        helper.make_node("Add", ["product", "bias"], ["variable"]),
    ]
    graph = helper.make_graph(
        nodes, "regressor",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, [None, 1]) for n in names],
        [helper.make_tensor_value_info("variable", TensorProto.FLOAT, [None, 1])],
        initializer=[helper.make_tensor("weights", TensorProto.FLOAT, [3, 1], w.flatten().tolist()),
                     helper.make_tensor("bias", TensorProto.FLOAT, [1], b.tolist())])
    x = rows(9, 3, 3)
    save("regressor", graph,
         {"features": names, "rows": [dict(zip(names, r)) for r in x.tolist()],
          "values": (x @ w + b)[:, 0].tolist()})


classifier()
binary()
regressor()
