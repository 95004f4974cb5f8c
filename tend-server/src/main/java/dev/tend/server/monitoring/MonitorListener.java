package dev.tend.server.monitoring;

import dev.tend.monitor.MetricPoint;
import java.util.List;

/**
 * Hears the figures a monitor stored, after they are stored: alert rules and {@code /metrics}
 * listen. Called on the runner's thread, so listeners should be quick; one that throws is logged
 * and does not stop the others or the runner.
 */
@FunctionalInterface
public interface MonitorListener {
  /** {@code points} of deployments of the project {@code projectId}, just stored. */
  void figures(String projectId, List<MetricPoint> points);
}
