/**
 * The server's figures for Prometheus: Micrometer with its Prometheus registry, serving {@code GET
 * /metrics} in Prometheus' text format. It holds the latest monitoring window's figures ({@code
 * tend_monitor_value}), serving requests, failures and latency per deployment and version, firing
 * alerts, and JVM and process figures. See docs/alert-channels.md.
 */
package dev.tend.server.metrics;
