/**
 * Production monitoring of deployments: a background runner ingests the prediction log into window
 * sketches per model version and segment, follows feedback as it arrives, computes each window's
 * figures and tells listeners; the monitor API and its OpenAPI description. See docs/monitoring.md.
 */
package dev.tend.server.monitoring;
