package dev.tend.expr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tend.schema.Column;
import dev.tend.schema.DataType;
import dev.tend.schema.Schema;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hostile column names and string literals render as inert SQL and evaluate as in Java. */
class SqlRendererDuckDbTest {
  private static final String HOSTILE = "x\"; DROP TABLE t; --";

  @Test
  void hostileColumnNamesAndQuotedStringsRenderSafely() throws SQLException {
    Expr expr =
        Expressions.parse(
            "\""
                + HOSTILE.replace("\"", "\"\"")
                + "\" = 'O''Neil''; DROP TABLE t; --' OR \"it's\" LIKE '%\"%'");
    ExpressionValidator.checkPredicate(
        expr, Schema.of(new Column(HOSTILE, DataType.STRING), new Column("it's", DataType.STRING)));
    String sql = SqlRenderer.of(SqlDialect.DUCKDB).render(expr);

    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE t (rid INTEGER, "
              + SqlRenderer.quoteIdentifier(HOSTILE)
              + " VARCHAR, "
              + SqlRenderer.quoteIdentifier("it's")
              + " VARCHAR)");
      statement.execute(
          "INSERT INTO t VALUES (1, 'O''Neil''; DROP TABLE t; --', 'a'),"
              + " (2, 'x', 'say \"hi\"'), (3, 'x', 'plain'), (4, NULL, NULL)");
      List<Object> engine = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery("SELECT " + sql + " FROM t ORDER BY rid")) {
        while (rows.next()) {
          engine.add(rows.getObject(1));
        }
      }
      try (ResultSet count = statement.executeQuery("SELECT count(*) FROM t")) {
        count.next();
        assertThat(count.getLong(1)).isEqualTo(4);
      }
      List<Object> java = new ArrayList<>();
      java.add(eval(expr, "O'Neil'; DROP TABLE t; --", "a"));
      java.add(eval(expr, "x", "say \"hi\""));
      java.add(eval(expr, "x", "plain"));
      java.add(eval(expr, null, null));
      assertThat(engine).containsExactly(true, true, false, null);
      assertThat(java).isEqualTo(engine);
    }
  }

  private static Object eval(Expr expr, String hostile, String quoted) {
    Map<String, Object> row = new java.util.HashMap<>();
    row.put(HOSTILE, hostile);
    row.put("it's", quoted);
    return ExpressionEvaluator.evaluate(expr, row);
  }
}
