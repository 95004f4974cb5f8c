/**
 * Production monitoring statistics: the figures Tend computes per deployment, model version and
 * time window from logged predictions and their feedback, named by {@link MonitorMetric}, and
 * reported as {@link MetricPoint}s that alert rules watch.
 */
package dev.tend.monitor;
