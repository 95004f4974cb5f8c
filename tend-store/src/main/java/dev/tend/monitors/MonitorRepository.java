package dev.tend.monitors;

import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.MonitorMetric;
import dev.tend.monitors.MonitorCursor.FeedbackPosition;
import dev.tend.store.Database;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BinaryOperator;

/**
 * Monitors of deployments: their settings, the sketches and counts of their windows, the cursors of
 * their ingest, and their figures.
 *
 * <p>Windows only change through {@link #ingest}, a compare-and-set on the deployment's cursor
 * version: a batch read before another change landed is refused and read again, so with several
 * servers, or late records handed over while the runner reads, nothing is merged twice and nothing
 * is lost. Each call is one transaction. Thread-safe.
 */
public interface MonitorRepository {
  /** The monitors of {@code database}. */
  static MonitorRepository of(Database database) {
    return new JdbiMonitorRepository(database);
  }

  /**
   * The settings of every deployment there is, served or logging external predictions, by name;
   * {@link MonitorConfig#defaults} for those never set.
   */
  List<MonitorConfig> all();

  /** The settings of the named deployment, if it exists; defaults when never set. */
  Optional<MonitorConfig> config(String deployment);

  /** Stores {@code config} as the deployment's settings (audited as {@code monitor.configure}). */
  MonitorConfig configure(MonitorConfig config, String actor);

  /** The deployment's cursor, created before every prediction and feedback when it has none. */
  MonitorCursor cursor(String deployment);

  /**
   * Applies {@code batch} when the cursor's version is still the one it was read against: merges
   * each window's sketch into the stored one with {@code merge} (stored first), adds the counts,
   * moves the cursors and bumps the version.
   *
   * @return whether it was applied; false when another change came first
   */
  boolean ingest(IngestBatch batch, BinaryOperator<byte[]> merge);

  /** Notes a finished run of the deployment's monitor, and its error when it failed. */
  void recordRun(String deployment, Instant at, Optional<String> error);

  /**
   * The deployment's windows starting in {@code [from, to)}, of one model version and segment or
   * all, by start, version and segment; their sketches only when {@code sketches} asks for them.
   */
  List<MonitorWindow> windows(
      String deployment,
      Optional<String> modelVersion,
      Optional<String> segment,
      Instant from,
      Instant to,
      boolean sketches);

  /** How many windows of all versions and rows the deployment has. */
  long windowCount(String deployment);

  /** Upserts figures, each replacing the one of its window, metric, column, version and segment. */
  void savePoints(List<MetricPoint> points);

  /** Stored figures matching {@code query}. */
  List<MetricPoint> points(PointQuery query);

  /**
   * The newest {@code limit} figures of one metric and column of a deployment's version and
   * segment, whose windows start before {@code before}, newest first: what alert conditions read.
   */
  default List<MetricPoint> history(
      String deployment,
      String modelVersion,
      String segment,
      MonitorMetric metric,
      String column,
      Instant before,
      int limit) {
    return points(
        new PointQuery(
            deployment,
            Optional.of(metric),
            Optional.of(column),
            Optional.of(modelVersion),
            Optional.of(segment),
            Instant.EPOCH,
            before,
            true,
            limit));
  }

  /**
   * Feedback on the deployment's predictions received after {@code after} and before {@code
   * before}, in the order of receipt (then prediction id and name), at most {@code limit}.
   */
  List<FeedbackArrival> feedbackAfter(
      String deployment, FeedbackPosition after, Instant before, int limit);
}
