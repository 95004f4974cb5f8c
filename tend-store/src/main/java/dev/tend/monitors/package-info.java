/**
 * Production monitoring's storage: each deployment's monitor settings, the mergeable sketches of
 * its windows per model version and segment, where ingesting its prediction log and feedback got
 * to, and the figures ({@link dev.tend.monitor.MetricPoint}) computed per window.
 */
package dev.tend.monitors;
