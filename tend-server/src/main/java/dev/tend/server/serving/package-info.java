/**
 * Serving over HTTP: deployments of registered model versions per environment, and predictions
 * through Tend's own protocol, MLflow's scoring protocol and the Open Inference Protocol, routed
 * between a deployment's stable and candidate versions and logged durably, with the model's
 * signature enforced.
 */
package dev.tend.server.serving;
