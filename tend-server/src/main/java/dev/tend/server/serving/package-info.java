/**
 * Serving over HTTP: deployments of registered model versions per environment, and predictions
 * through Tend's own protocol with the model's signature enforced.
 */
package dev.tend.server.serving;
