/**
 * MLflow's tracking REST API ({@code /api/2.0/mlflow/...} and the {@code /ajax-api/} alias) over
 * Tend's tracking store, so MLflow clients work unchanged: MLflow's request and response JSON, its
 * error bodies ({@code {"error_code", "message"}}) and status codes, Tend's bearer tokens and
 * project roles.
 */
package dev.tend.server.mlflow;
