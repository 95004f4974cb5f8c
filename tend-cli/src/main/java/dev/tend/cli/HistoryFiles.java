package dev.tend.cli;

import dev.tend.history.MetricHistory;
import dev.tend.history.SqliteMetricHistory;
import dev.tend.source.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Where the CLI keeps metric history ({@code .tend/history.db} by default), read before a run and
 * written only after the run succeeded, so bad input leaves nothing behind.
 */
public final class HistoryFiles {
  private HistoryFiles() {}

  public static Path file(Path dir) {
    Path folder =
        dir != null ? dir : Path.of(System.getenv().getOrDefault("TEND_HISTORY_DIR", ".tend"));
    return folder.resolve("history.db");
  }

  public static String datasetKey(DataSource source) {
    return switch (source) {
      case DataSource.Files files ->
          files
              .glob()
              .map(g -> files.root().toAbsolutePath().normalize().resolve(g).toString())
              .orElse(files.root().toAbsolutePath().normalize().toString());
      case DataSource.JdbcQuery query -> query.describe() + " " + query.sql().strip();
    };
  }

  public static Reader reader(Path file, String dataset) {
    if (file == null || !Files.exists(file)) {
      return new Reader(null, dataset);
    }
    return new Reader(SqliteMetricHistory.open(file), dataset);
  }

  public static void record(Path file, String dataset, Map<String, Double> metrics, Instant at) {
    try (MetricHistory history = SqliteMetricHistory.open(file)) {
      history.record(dataset, runId(), at, metrics);
    }
  }

  /** A time-ordered run id: milliseconds then randomness, so ids sort by creation. */
  public static String runId() {
    return String.format(
        "%013x-%s", System.currentTimeMillis(), UUID.randomUUID().toString().substring(0, 8));
  }

  /** Read access to one dataset's history, or none. */
  public static final class Reader implements AutoCloseable {
    private static final int LOOKBACK = 100;
    private final MetricHistory history;
    private final String dataset;

    Reader(MetricHistory history, String dataset) {
      this.history = history;
      this.dataset = dataset;
    }

    public List<Double> recent(String metric) {
      return history == null ? List.of() : history.recent(dataset, metric, LOOKBACK);
    }

    @Override
    public void close() {
      if (history != null) {
        history.close();
      }
    }
  }
}
