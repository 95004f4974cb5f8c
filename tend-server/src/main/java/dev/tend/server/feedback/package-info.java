/**
 * Feedback over HTTP: labels and business outcomes attached to logged predictions, predictions
 * logged by applications that serve their models elsewhere, and predictions joined with their
 * feedback for monitoring.
 */
package dev.tend.server.feedback;
