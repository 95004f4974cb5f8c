/**
 * MLflow's tracking and model registry REST APIs ({@code /api/2.0/mlflow/...} and the {@code
 * /ajax-api/} alias) and artifact proxy ({@code /api/2.0/mlflow-artifacts/...}) over Tend's
 * tracking and registry stores, so MLflow clients work unchanged: MLflow's request and response
 * JSON, its error bodies ({@code {"error_code", "message"}}) and status codes, Tend's bearer tokens
 * and project roles.
 */
package dev.tend.server.mlflow;
