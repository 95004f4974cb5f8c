package dev.tend.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tend.schema.Column;
import dev.tend.schema.DataType;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random well-typed expressions over a random table, evaluated by {@link ExpressionEvaluator} in
 * Java and by DuckDB through {@link SqlRenderer}: both must agree row by row.
 */
class ExpressionEvaluatorDuckDbDifferentialTest {
  private static Connection connection;

  @BeforeContainer
  static void open() throws SQLException {
    connection = DriverManager.getConnection("jdbc:duckdb:");
  }

  @AfterContainer
  static void close() throws SQLException {
    connection.close();
  }

  @Property(tries = 500)
  void javaAndDuckDbAgreeOnPredicates(
      @ForAll("predicates") Expr expr, @ForAll("tables") List<Map<String, Object>> rows)
      throws SQLException {
    ExpressionValidator.checkPredicate(expr, RandomExprs.SCHEMA);
    compare(expr, DataType.BOOLEAN, rows);
  }

  @Property(tries = 500)
  void javaAndDuckDbAgreeOnValues(
      @ForAll("expressions") Expr expr, @ForAll("tables") List<Map<String, Object>> rows)
      throws SQLException {
    compare(expr, ExpressionValidator.typeOf(expr, RandomExprs.SCHEMA), rows);
  }

  private static void compare(Expr expr, DataType type, List<Map<String, Object>> rows)
      throws SQLException {
    load(rows);
    String sql = SqlRenderer.of(SqlDialect.DUCKDB).render(expr);
    String text = Expressions.format(expr);
    List<Object> engine = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT " + sql + " FROM t ORDER BY rid")) {
      while (result.next()) {
        engine.add(read(result, type));
      }
    } catch (SQLException e) {
      assertThat(e.getMessage()).as(text + "\n" + sql).contains("Overflow");
      return;
    }
    for (int r = 0; r < rows.size(); r++) {
      Object java;
      try {
        java = ExpressionEvaluator.evaluate(expr, rows.get(r));
      } catch (ExpressionException e) {
        fail(
            "Java failed where DuckDB gave "
                + engine.get(r)
                + " on "
                + rows.get(r)
                + "\n"
                + text
                + "\n"
                + sql,
            e);
        return;
      }
      assertThat(same(java, engine.get(r)))
          .as(
              "row %s\nexpression %s\nsql %s\njava %s\nduckdb %s",
              rows.get(r), text, sql, java, engine.get(r))
          .isTrue();
    }
  }

  private static Object read(ResultSet result, DataType type) throws SQLException {
    Object value =
        switch (type) {
          case TIMESTAMP -> result.getObject(1, LocalDateTime.class);
          case DATE -> result.getObject(1, LocalDate.class);
          default -> result.getObject(1);
        };
    return result.wasNull() ? null : value;
  }

  private static boolean same(Object java, Object engine) {
    if (java == null || engine == null) {
      return java == engine;
    }
    if (java instanceof Number a && engine instanceof Number b) {
      if (a instanceof Long x && (b instanceof Long || b instanceof Integer)) {
        return x == b.longValue();
      }
      double x = a.doubleValue();
      double y = b.doubleValue();
      return x == y
          || (Double.isNaN(x) && Double.isNaN(y))
          || Math.abs(x - y) <= 1e-12 * Math.abs(y);
    }
    if (java instanceof LocalDate d && engine instanceof LocalDateTime) {
      return d.atStartOfDay().equals(engine);
    }
    if (java instanceof LocalDateTime && engine instanceof LocalDate d) {
      return d.atStartOfDay().equals(java);
    }
    return java.equals(engine);
  }

  private static void load(List<Map<String, Object>> rows) throws SQLException {
    List<Column> columns = RandomExprs.SCHEMA.columns();
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE OR REPLACE TEMP TABLE t (rid INTEGER, "
              + columns.stream()
                  .map(c -> SqlRenderer.quoteIdentifier(c.name()) + " " + c.sourceType())
                  .collect(Collectors.joining(", "))
              + ")");
    }
    String insert = "INSERT INTO t VALUES (?" + ", ?".repeat(columns.size()) + ")";
    try (PreparedStatement statement = connection.prepareStatement(insert)) {
      for (int r = 0; r < rows.size(); r++) {
        statement.setInt(1, r);
        for (int c = 0; c < columns.size(); c++) {
          Object value = rows.get(r).get(columns.get(c).name());
          if (value == null) {
            statement.setObject(c + 2, null);
          } else {
            statement.setObject(c + 2, value);
          }
        }
        statement.executeUpdate();
      }
    }
  }

  @Provide
  Arbitrary<Expr> predicates() {
    return RandomExprs.predicates();
  }

  @Provide
  Arbitrary<Expr> expressions() {
    return RandomExprs.typedExpressions();
  }

  @Provide
  Arbitrary<List<Map<String, Object>>> tables() {
    return Arbitraries.randomValue(
        random -> {
          List<Map<String, Object>> rows = new ArrayList<>();
          int count = 1 + random.nextInt(8);
          for (int r = 0; r < count; r++) {
            rows.add(row(random));
          }
          return rows;
        });
  }

  private static Map<String, Object> row(Random random) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("i", nullOr(random, (long) random.nextInt(41) - 20));
    row.put("j", nullOr(random, random.nextInt(201) - 100));
    row.put(
        "d",
        nullOr(
            random,
            List.of(-3.5, -1.25, -0.5, 0.0, -0.0, 0.5, 1.5, 2.5, 7.0, 1e6)
                .get(random.nextInt(10))));
    row.put(
        RandomExprs.STRING_COLUMN,
        nullOr(random, RandomExprs.STRINGS.get(random.nextInt(RandomExprs.STRINGS.size()))));
    row.put(
        "t",
        nullOr(
            random,
            LocalDateTime.of(
                2020 + random.nextInt(6),
                1 + random.nextInt(12),
                1 + random.nextInt(28),
                random.nextInt(24),
                random.nextInt(60),
                random.nextInt(60),
                random.nextInt(3) * 250_000_000)));
    row.put(
        "dt",
        nullOr(
            random,
            LocalDate.of(
                2020 + random.nextInt(6), 1 + random.nextInt(12), 1 + random.nextInt(28))));
    row.put("b", nullOr(random, random.nextBoolean()));
    return row;
  }

  private static Object nullOr(Random random, Object value) {
    return random.nextInt(6) == 0 ? null : value;
  }
}
