package dev.tend.server.ui.monitoring;

import static java.util.Objects.requireNonNull;

import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.MonitorMetric;
import dev.tend.server.ui.Charts;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A deployment's stored per-window figures laid out on its run of windows, for the charts of its
 * monitoring page: one column per window from the first to the last shown, so a window without
 * figures (no traffic, monitor down) is a gap rather than silently closing up. Not thread-safe;
 * built per request.
 */
public final class Timeline {
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MINUTES =
      DateTimeFormatter.ofPattern("MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final Duration window;
  private final List<Instant> starts;
  private final Map<Instant, Integer> index = new HashMap<>();
  private final Map<MonitorMetric, Double[]> figures = new EnumMap<>(MonitorMetric.class);
  private final Map<String, Double[]> drift = new TreeMap<>();

  private Timeline(Duration window, List<Instant> starts) {
    this.window = window;
    this.starts = List.copyOf(starts);
    for (int i = 0; i < starts.size(); i++) {
      index.put(starts.get(i), i);
    }
  }

  /**
   * The windows of length {@code window} from {@code first} to {@code last} (both window starts),
   * at most the last {@code max} of them; figures of windows off that grid (stored under an older
   * window length) are left out.
   */
  public static Timeline of(Duration window, Instant first, Instant last, int max) {
    requireNonNull(window, "window is null");
    requireNonNull(first, "first is null");
    requireNonNull(last, "last is null");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("a window has a positive length: " + window);
    }
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1: " + max);
    }
    Instant from = first.isAfter(last) ? last : first;
    Instant earliest = last.minus(window.multipliedBy(max - 1L));
    if (from.isBefore(earliest)) {
      from = earliest;
    }
    List<Instant> starts = new ArrayList<>();
    for (Instant t = from; !t.isAfter(last); t = t.plus(window)) {
      starts.add(t);
    }
    return new Timeline(window, starts);
  }

  /** Places {@code points}: whole-window figures by metric, feature drift by column. */
  public Timeline add(Collection<MetricPoint> points) {
    for (MetricPoint p : points) {
      Integer x = index.get(p.windowStart());
      if (x == null) {
        continue;
      }
      if (p.metric() == MonitorMetric.FEATURE_DRIFT) {
        drift.computeIfAbsent(p.column(), c -> new Double[starts.size()])[x] = p.value();
      } else if (p.column().isEmpty()) {
        figures.computeIfAbsent(p.metric(), m -> new Double[starts.size()])[x] = p.value();
      }
    }
    return this;
  }

  /** The windows' starts, earliest first. */
  public List<Instant> starts() {
    return starts;
  }

  /** The windows' starts as the heat map's column labels (UTC). */
  public List<String> labels() {
    DateTimeFormatter format = window.compareTo(Duration.ofMinutes(1)) < 0 ? SECONDS : MINUTES;
    return starts.stream().map(format::format).toList();
  }

  /** The features with a drift figure in any window, by name. */
  public List<String> features() {
    return List.copyOf(drift.keySet());
  }

  /**
   * The drift matrix: {@code [y][x]} is feature {@link #features()}{@code [y]}'s effect size in
   * window {@code x}, null where the window has none.
   */
  public Double[][] driftMatrix() {
    Double[][] matrix = new Double[drift.size()][];
    int y = 0;
    for (Double[] row : drift.values()) {
      matrix[y++] = row.clone();
    }
    return matrix;
  }

  /** The largest drift figure shown, 0 without any. */
  public double maxDrift() {
    double max = 0;
    for (Double[] row : drift.values()) {
      for (Double v : row) {
        if (v != null && v > max) {
          max = v;
        }
      }
    }
    return max;
  }

  /** Whether any window has a figure of {@code metric}. */
  public boolean has(MonitorMetric metric) {
    return figures.containsKey(metric);
  }

  /** The figure of {@code metric} in each window, null where there is none. */
  public List<Double> values(MonitorMetric metric) {
    Double[] values = figures.get(metric);
    return values == null ? nulls() : java.util.Arrays.asList(values.clone());
  }

  /** {@code metric}'s line, named {@code name}, with a gap at each window without a figure. */
  public Charts.Series series(String name, MonitorMetric metric) {
    List<Double> values = values(metric);
    List<Charts.Point> points = new ArrayList<>(starts.size());
    for (int x = 0; x < starts.size(); x++) {
      points.add(new Charts.Point(starts.get(x), values.get(x)));
    }
    return new Charts.Series(name, points);
  }

  private List<Double> nulls() {
    return java.util.Arrays.asList(new Double[starts.size()]);
  }
}
