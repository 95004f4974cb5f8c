/**
 * Turning rows into XGBoost features and back again at prediction time: the feature list derived
 * from a schema, category codes learnt on training rows, date parts, and their versioned JSON form
 * saved with every model.
 */
package dev.tend.train.preprocess;
