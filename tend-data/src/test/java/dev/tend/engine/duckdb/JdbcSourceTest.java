package dev.tend.engine.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.engine.EngineOptions;
import dev.tend.expr.Expr;
import dev.tend.metric.Metric;
import dev.tend.metric.MetricValues;
import dev.tend.metric.Stat;
import dev.tend.schema.DataType;
import dev.tend.source.DataException;
import dev.tend.source.DataSource;
import dev.tend.source.Format;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A query over a real PostgreSQL (TEND_TEST_PG_URL, set by ./run-tests). Without the variable the
 * test fails under CI=true and is skipped elsewhere.
 */
class JdbcSourceTest {
  private static String url;

  @BeforeAll
  static void createTable() throws SQLException {
    url = System.getenv("TEND_TEST_PG_URL");
    if (url == null || url.isBlank()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException("TEND_TEST_PG_URL must be set in CI (see ./run-tests)");
      }
      Assumptions.abort("TEND_TEST_PG_URL is not set");
    }
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS tend_orders");
      statement.execute(
          "CREATE TABLE tend_orders (id int PRIMARY KEY, amount numeric(10,2), customer text,"
              + " placed date, paid boolean, at timestamptz, meta jsonb)");
      statement.execute(
          "INSERT INTO tend_orders SELECT g, CASE WHEN g % 10 = 0 THEN NULL ELSE g * 1.5 END,"
              + " 'c' || (g % 7), DATE '2024-01-01' + (g % 30), g % 2 = 0,"
              + " TIMESTAMPTZ '2024-01-01 00:00:00+00' + g * INTERVAL '1 minute',"
              + " jsonb_build_object('g', g) FROM generate_series(1, 25000) g");
    }
  }

  @Test
  void queryResultStreamsIntoTheEngineWithMappedTypes() {
    DataSource.JdbcQuery source =
        DataSource.JdbcQuery.of(url, "SELECT * FROM tend_orders WHERE id <= 20000 ORDER BY id");
    try (Engine engine = DuckDbEngines.create(EngineOptions.defaults().withFetchSize(1000));
        Dataset data = engine.open(source)) {
      assertThat(data.schema().columns())
          .extracting(c -> c.type())
          .containsExactly(
              DataType.INTEGER,
              DataType.DOUBLE,
              DataType.STRING,
              DataType.DATE,
              DataType.BOOLEAN,
              DataType.TIMESTAMP,
              DataType.OTHER);
      assertThat(data.schema().column("meta").orElseThrow().sourceType()).isEqualTo("jsonb");
      Metric count = new Metric.RowCount(Optional.empty());
      Metric nulls = Metric.Aggregate.of("amount", Stat.NULL_COUNT);
      Metric sum = Metric.Aggregate.of("amount", Stat.SUM);
      Metric customers = new Metric.DistinctCount(List.of("customer"), Optional.empty());
      Metric paid = Metric.Aggregate.of("paid", Stat.MEAN);
      MetricValues values = data.compute(List.of(count, nulls, sum, customers, paid));
      assertThat(values.count(count)).isEqualTo(20_000);
      assertThat(values.count(nulls)).isEqualTo(2_000);
      double expected = 0;
      for (int g = 1; g <= 20_000; g++) {
        expected += g % 10 == 0 ? 0 : g * 1.5;
      }
      assertThat(values.get(sum).getAsDouble()).isCloseTo(expected, within(1e-6));
      assertThat(values.count(customers)).isEqualTo(7);
      assertThat(values.get(paid).getAsDouble()).isEqualTo(0.5);
      Expr id = Expr.column("id");
      List<Map<String, Object>> sample =
          data.sampleRows(
              new Expr.Binary(Expr.BinaryOp.EQ, id, Expr.literal(1234), Expr.Position.NONE),
              Optional.empty(),
              5);
      assertThat(sample)
          .singleElement()
          .satisfies(
              row ->
                  assertThat(row)
                      .containsEntry(Dataset.ROW, 1234L)
                      .containsEntry("placed", LocalDate.of(2024, 1, 1).plusDays(1234 % 30))
                      .containsEntry("meta", "{\"g\": 1234}"));
    }
  }

  @Test
  void failingQueryNamesTheSourceWithoutItsQueryString() {
    DataSource.JdbcQuery source = DataSource.JdbcQuery.of(url, "SELECT * FROM no_such_table");
    try (Engine engine = DuckDbEngines.create()) {
      assertThatThrownBy(() -> engine.open(source))
          .isInstanceOf(DataException.class)
          .hasMessageStartingWith("the query of jdbc:postgresql://")
          .hasMessageContaining("no_such_table")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("?user="));
    }
  }

  @Test
  void exportWritesTheQueryResultToParquetInOrderWithItsColumns(@TempDir Path dir) {
    DataSource.JdbcQuery source =
        DataSource.JdbcQuery.of(
            url, "SELECT id, amount, customer FROM tend_orders WHERE id <= 3000 ORDER BY id DESC");
    Path parquet = dir.resolve("orders.parquet");
    try (Engine engine = DuckDbEngines.create(EngineOptions.defaults().withFetchSize(500));
        Dataset data = engine.open(source)) {
      assertThat(data.export(parquet)).isEqualTo(3000);
    }
    Metric count = new Metric.RowCount(Optional.empty());
    Metric sum = Metric.Aggregate.of("id", Stat.SUM);
    Expr first =
        new Expr.Binary(
            Expr.BinaryOp.EQ, Expr.column("id"), Expr.literal(3000), Expr.Position.NONE);
    try (Engine engine = DuckDbEngines.create();
        Dataset written = engine.open(DataSource.Files.of(parquet, Format.PARQUET))) {
      assertThat(written.schema().names()).containsExactly("id", "amount", "customer");
      MetricValues values = written.compute(List.of(count, sum));
      assertThat(values.get(count).getAsDouble()).isEqualTo(3000);
      assertThat(values.get(sum).getAsDouble()).isEqualTo(3000.0 * 3001 / 2);
      assertThat(written.sampleRows(first, Optional.empty(), 1))
          .singleElement()
          .satisfies(row -> assertThat(row).containsEntry(Dataset.ROW, 1L));
    }
  }
}
