package dev.tend.server.metrics;

import static java.util.Objects.requireNonNull;

import dev.tend.monitor.MetricPoint;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The latest monitoring window's figures as one gauge, {@code
 * tend_monitor_value{deployment,model_version,segment,metric,column}} ({@code model_version} is
 * {@code *} for a deployment's whole traffic, {@code segment} empty for all rows, {@code column}
 * empty for figures of the whole window). Each {@link #update} replaces the series of the
 * deployments it names, so a figure no longer reported disappears. At most {@link #MAX_SERIES}
 * series are kept; figures beyond are counted in {@code tend_monitor_series_dropped_total}.
 * Thread-safe.
 */
public final class MonitorGauges {
  public static final int MAX_SERIES = 10_000;
  static final List<String> TAGS =
      List.of("deployment", "model_version", "segment", "metric", "column");

  private final GaugeFamily values;
  private final GaugeFamily windowEnds;

  MonitorGauges(MeterRegistry registry) {
    this.values =
        new GaugeFamily(
            registry,
            "tend.monitor.value",
            "The latest monitoring window's figure of a deployment",
            TAGS,
            MAX_SERIES);
    this.windowEnds =
        new GaugeFamily(
            registry,
            "tend.monitor.window.end.seconds",
            "End of the latest monitoring window reported per deployment, in Unix seconds",
            List.of("deployment"),
            MAX_SERIES);
    FunctionCounter.builder("tend.monitor.series.dropped", values, GaugeFamily::dropped)
        .description("Figures not exposed because tend_monitor_value had too many series")
        .register(registry);
  }

  /**
   * Takes the figures of the latest window of each deployment in {@code points}; for a deployment
   * with figures of several windows, the latest window's figure of each series wins.
   */
  public void update(List<MetricPoint> points) {
    requireNonNull(points, "points is null");
    Map<List<String>, MetricPoint> latest = new HashMap<>();
    Set<String> deployments = new HashSet<>();
    Map<List<String>, Instant> ends = new HashMap<>();
    for (MetricPoint point : points) {
      deployments.add(point.deployment());
      List<String> key =
          List.of(
              point.deployment(),
              point.modelVersion(),
              point.segment(),
              point.metric().label(),
              point.column());
      latest.merge(key, point, (a, b) -> b.windowEnd().isAfter(a.windowEnd()) ? b : a);
      ends.merge(List.of(point.deployment()), point.windowEnd(), (a, b) -> b.isAfter(a) ? b : a);
    }
    Map<List<String>, Double> figures = new HashMap<>();
    latest.forEach((key, point) -> figures.put(key, point.value()));
    values.replace(figures, key -> deployments.contains(key.get(0)));
    Map<List<String>, Double> endSeconds = new HashMap<>();
    ends.forEach((key, end) -> endSeconds.put(key, end.toEpochMilli() / 1000.0));
    windowEnds.replace(endSeconds, key -> deployments.contains(key.get(0)));
  }

  /** How many series {@code tend_monitor_value} has. */
  public int series() {
    return values.size();
  }
}
