package dev.tend.history;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Past values of a dataset's metrics, one record per run, for anomaly checks. Implementations are
 * thread-safe; a run's metrics are recorded atomically.
 */
public interface MetricHistory extends AutoCloseable {

  /** Values of {@code metric} for {@code dataset}, newest first, at most {@code limit}. */
  List<Double> recent(String dataset, String metric, int limit);

  /** Records one run's metrics (key to value) at {@code at}; all or nothing. */
  void record(String dataset, String runId, Instant at, Map<String, Double> metrics);

  /** Number of runs recorded for {@code dataset}. */
  int runs(String dataset);

  @Override
  void close();
}
