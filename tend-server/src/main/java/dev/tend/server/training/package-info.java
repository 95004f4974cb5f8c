/**
 * Training through the server: a dataset version trained with the built-in trainer lands as a
 * tracked run with its model artifacts and a registered model version.
 */
package dev.tend.server.training;
