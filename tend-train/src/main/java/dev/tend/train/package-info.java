/**
 * The built-in tabular trainer: reads a dataset through a tend-data {@link dev.tend.engine.Engine},
 * derives preprocessing from its schema, splits rows (seeded random or by time), trains XGBoost
 * with early stopping and evaluates the holdout with {@link dev.tend.evaluation}; the {@link
 * dev.tend.train.Evaluator} scores a saved model on any dataset's rows the same way.
 */
package dev.tend.train;
