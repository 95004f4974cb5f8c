package dev.tend.server.alerting;

import static java.util.Objects.requireNonNull;

import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.MonitorMetric;
import dev.tend.monitors.MonitorRepository;
import dev.tend.monitors.PointQuery;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The figures of earlier windows, which change and anomaly conditions compare with. The monitor
 * runner provides it from the figures it stored. Implementations must be thread-safe.
 */
public interface MetricHistory {
  /** A window start later than any stored one. */
  Instant FAR_FUTURE = Instant.parse("9999-12-31T00:00:00Z");

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

  /** The figures the monitor runner stored in {@code monitors}. */
  static MetricHistory of(MonitorRepository monitors) {
    requireNonNull(monitors, "monitors is null");
    return new MetricHistory() {
      @Override
      public List<MetricPoint> points(
          String deployment,
          String modelVersion,
          String segment,
          MonitorMetric metric,
          String column,
          Instant beforeExclusive,
          int limit) {
        List<MetricPoint> newestFirst =
            monitors.history(
                deployment, modelVersion, segment, metric, column, beforeExclusive, limit);
        return newestFirst.reversed();
      }

      @Override
      public Optional<MetricPoint> first(
          String deployment,
          String modelVersion,
          String segment,
          MonitorMetric metric,
          String column) {
        return monitors
            .points(
                new PointQuery(
                    deployment,
                    Optional.of(metric),
                    Optional.of(column),
                    Optional.of(modelVersion),
                    Optional.of(segment),
                    Instant.EPOCH,
                    FAR_FUTURE,
                    false,
                    1))
            .stream()
            .findFirst();
      }
    };
  }

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
