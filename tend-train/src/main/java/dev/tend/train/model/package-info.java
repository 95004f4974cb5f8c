/**
 * Trained models as serving loads them: a {@link dev.tend.train.model.Model} predicts on rows given
 * as maps and declares its input and output signature. {@link dev.tend.train.model.ModelLoader}
 * recognizes a model folder and picks the runtime: Tend's own model (XGBoost with its preprocessing
 * and manifest), XGBoost models saved by Python, and ONNX models run by ONNX Runtime.
 */
package dev.tend.train.model;
