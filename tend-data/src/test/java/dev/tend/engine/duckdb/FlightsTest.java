package dev.tend.engine.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.metric.Metric;
import dev.tend.metric.MetricValues;
import dev.tend.metric.Stat;
import dev.tend.source.DataSource;
import dev.tend.source.Format;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared 3-million-row flights file. Set TEND_MEASURE=1 to also print timings of the fused
 * metrics, a hand-written aggregate, the grouping-sets scan and raw value streaming.
 */
class FlightsTest {
  private static final List<String> COLUMNS =
      List.of("date", "delay", "distance", "origin", "destination");
  private static Path flights;

  @BeforeAll
  static void findFile() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("../shared/data/flights-3m.parquet"))) {
      dir = dir.getParent();
    }
    Assumptions.assumeTrue(dir != null, "../shared/data/flights-3m.parquet is not present");
    flights = dir.resolve("../shared/data/flights-3m.parquet").normalize();
  }

  private static List<Metric> profileMetrics() {
    List<Metric> metrics = new ArrayList<>();
    metrics.add(new Metric.RowCount(Optional.empty()));
    for (String column : COLUMNS) {
      metrics.add(Metric.Aggregate.of(column, Stat.NULL_COUNT));
      metrics.add(Metric.Aggregate.of(column, Stat.APPROX_DISTINCT));
    }
    for (String column : List.of("date", "delay", "distance")) {
      metrics.add(Metric.Aggregate.of(column, Stat.MIN));
      metrics.add(Metric.Aggregate.of(column, Stat.MAX));
      metrics.add(Metric.Aggregate.of(column, Stat.MEAN));
    }
    for (String column : List.of("delay", "distance")) {
      metrics.add(Metric.Aggregate.of(column, Stat.STDDEV));
      metrics.add(new Metric.Aggregate(column, Stat.QUANTILE, 0.5, Optional.empty()));
    }
    for (String column : List.of("origin", "destination")) {
      metrics.add(Metric.Aggregate.of(column, Stat.MIN_LENGTH));
      metrics.add(Metric.Aggregate.of(column, Stat.MAX_LENGTH));
    }
    return metrics;
  }

  @Test
  void flightsMetricsAndValueCountsMatchKnownFacts() {
    try (Engine engine = DuckDbEngines.create();
        Dataset data = engine.open(DataSource.Files.of(flights, Format.PARQUET))) {
      List<Metric> metrics = profileMetrics();
      MetricValues values = data.compute(metrics);
      assertThat(values.count(new Metric.RowCount(Optional.empty()))).isEqualTo(3_000_000);
      assertThat(values.get(Metric.Aggregate.of("origin", Stat.APPROX_DISTINCT)).getAsDouble())
          .isCloseTo(229, within(229 * 0.05));
      assertThat(values.get(Metric.Aggregate.of("delay", Stat.MEAN)).getAsDouble())
          .isCloseTo(6.6679, within(1e-3));
      assertThat(
              values
                  .get(new Metric.Aggregate("delay", Stat.QUANTILE, 0.5, Optional.empty()))
                  .getAsDouble())
          .isEqualTo(-1);
      Map<Integer, Long> distinct = new HashMap<>();
      Map<Integer, Long> rows = new HashMap<>();
      data.scanValueCounts(
          COLUMNS,
          (column, value, count) -> {
            distinct.merge(column, 1L, Long::sum);
            rows.merge(column, count, Long::sum);
          });
      assertThat(distinct.get(3)).isEqualTo(229);
      assertThat(rows)
          .containsOnlyKeys(0, 1, 2, 3, 4)
          .allSatisfy((c, n) -> assertThat(n).isEqualTo(3_000_000));
    }
  }

  @Test
  void measure() throws SQLException {
    Assumptions.assumeTrue(System.getenv("TEND_MEASURE") != null, "set TEND_MEASURE=1 to measure");
    String handWritten =
        "SELECT count(*), count(*) FILTER (WHERE date IS NULL), count(*) FILTER (WHERE delay IS"
            + " NULL), count(*) FILTER (WHERE distance IS NULL), count(*) FILTER (WHERE origin IS"
            + " NULL), count(*) FILTER (WHERE destination IS NULL), approx_count_distinct(date),"
            + " approx_count_distinct(delay), approx_count_distinct(distance),"
            + " approx_count_distinct(origin), approx_count_distinct(destination), min(date),"
            + " max(date), avg(epoch_us(date)), min(delay), max(delay), avg(delay),"
            + " min(distance), max(distance), avg(distance), stddev_samp(delay),"
            + " stddev_samp(distance), approx_quantile(delay, 0.5), approx_quantile(distance,"
            + " 0.5), min(length(origin)), max(length(origin)), min(length(destination)),"
            + " max(length(destination)) FROM '"
            + flights
            + "'";
    try (Engine engine = DuckDbEngines.create();
        Dataset data = engine.open(DataSource.Files.of(flights, Format.PARQUET));
        Connection raw = DriverManager.getConnection("jdbc:duckdb:")) {
      List<Metric> metrics = profileMetrics();
      for (int round = 0; round < 4; round++) {
        long t0 = System.nanoTime();
        data.compute(metrics);
        long t1 = System.nanoTime();
        try (Statement statement = raw.createStatement();
            ResultSet rs = statement.executeQuery(handWritten)) {
          rs.next();
        }
        long t2 = System.nanoTime();
        long[] groups = new long[1];
        data.scanValueCounts(COLUMNS, (column, value, count) -> groups[0]++);
        long t3 = System.nanoTime();
        List<Map<Object, Long>> counts = new ArrayList<>();
        COLUMNS.forEach(c -> counts.add(new HashMap<>()));
        try (Statement statement = raw.createStatement();
            ResultSet rs =
                statement.executeQuery(
                    "SELECT epoch_us(date), delay, distance, origin, destination FROM '"
                        + flights
                        + "'")) {
          while (rs.next()) {
            for (int i = 0; i < 5; i++) {
              Object value = i < 3 ? (Object) rs.getLong(i + 1) : rs.getString(i + 1);
              counts.get(i).merge(value, 1L, Long::sum);
            }
          }
        }
        long t4 = System.nanoTime();
        System.out.printf(
            "round %d: fused %d metrics %.0f ms; hand-written 27 aggregates %.0f ms;"
                + " grouping-sets scan %.0f ms (%d groups); raw streaming + Java counting %.0f ms%n",
            round,
            metrics.size(),
            (t1 - t0) / 1e6,
            (t2 - t1) / 1e6,
            (t3 - t2) / 1e6,
            groups[0],
            (t4 - t3) / 1e6);
      }
    }
  }
}
