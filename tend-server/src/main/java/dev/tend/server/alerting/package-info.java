/**
 * Alerting in the server: evaluating the project's alert rules on each window's figures, storing
 * what changed, grouping alerts into incidents, handing events to channels, queueing pipelines with
 * {@code alert:} triggers, and the HTTP API for rules, alerts and incidents. See docs/alerts.md.
 */
package dev.tend.server.alerting;
