/**
 * Trained models as serving loads them: a {@link dev.tend.train.model.Model} predicts on rows given
 * as maps, declares its input and output signature, and saves to and loads from a directory that
 * holds the XGBoost model, its preprocessing and a manifest.
 */
package dev.tend.train.model;
