package dev.tend.server.alerting;

import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.MonitorMetric;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The figures of earlier windows, which change and anomaly conditions compare with. The monitor
 * runner provides it from the figures it stored. Implementations must be thread-safe.
 */
public interface MetricHistory {
  /**
   * Up to {@code limit} points of one series whose windows start before {@code beforeExclusive},
   * the newest ones, ordered oldest first.
   */
  List<MetricPoint> points(
      String deployment,
      String modelVersion,
      String segment,
      MonitorMetric metric,
      String column,
      Instant beforeExclusive,
      int limit);

  /** The series' first point: for a model version, its first window after it was deployed. */
  Optional<MetricPoint> first(
      String deployment, String modelVersion, String segment, MonitorMetric metric, String column);

  /** No history: only threshold conditions and the windows of one call can be judged. */
  MetricHistory NONE =
      new MetricHistory() {
        @Override
        public List<MetricPoint> points(
            String deployment,
            String modelVersion,
            String segment,
            MonitorMetric metric,
            String column,
            Instant beforeExclusive,
            int limit) {
          return List.of();
        }

        @Override
        public Optional<MetricPoint> first(
            String deployment,
            String modelVersion,
            String segment,
            MonitorMetric metric,
            String column) {
          return Optional.empty();
        }
      };
}
