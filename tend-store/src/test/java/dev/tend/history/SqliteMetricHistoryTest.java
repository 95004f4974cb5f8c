package dev.tend.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteMetricHistoryTest {
  @TempDir Path dir;

  @Test
  void returnsValuesNewestFirstAndSurvivesReopening() {
    Path file = dir.resolve(".tend/history.db");
    try (MetricHistory history = SqliteMetricHistory.open(file)) {
      history.record(
          "flights", "r1", Instant.parse("2026-01-01T00:00:00Z"), Map.of("row_count", 100.0));
      history.record(
          "flights", "r2", Instant.parse("2026-01-02T00:00:00Z"), Map.of("row_count", 120.0));
      history.record(
          "other", "r3", Instant.parse("2026-01-03T00:00:00Z"), Map.of("row_count", 5.0));
    }
    try (MetricHistory history = SqliteMetricHistory.open(file)) {
      assertThat(history.recent("flights", "row_count", 10)).containsExactly(120.0, 100.0);
      assertThat(history.recent("flights", "row_count", 1)).containsExactly(120.0);
      assertThat(history.runs("flights")).isEqualTo(2);
      assertThat(history.recent("flights", "mean(x)", 10)).isEmpty();
    }
  }

  @Test
  void missingValuesAreKeptButNotReturnedAsHistory() {
    try (MetricHistory history = SqliteMetricHistory.open(dir.resolve("h.db"))) {
      Map<String, Double> metrics = new HashMap<>();
      metrics.put("mean(x)", null);
      metrics.put("row_count", 0.0);
      history.record("d", "r1", Instant.now(), metrics);
      assertThat(history.recent("d", "mean(x)", 5)).isEqualTo(List.of());
      assertThat(history.recent("d", "row_count", 5)).containsExactly(0.0);
    }
  }
}
