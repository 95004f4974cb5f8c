package dev.tend.engine.duckdb;

import dev.tend.engine.ValueCountSink;
import dev.tend.expr.SqlRenderer;
import dev.tend.schema.Column;
import java.util.ArrayList;
import java.util.List;

/*
 * The profile scan: one GROUP BY GROUPING SETS ((v0), (v1), ...) query counts the distinct values
 * of every column in a single pass. grouping_id(v0, ..., vn-1) has bit (n-1-i) clear exactly for
 * rows of the set (vi), which tells the column a result row belongs to. Values are converted in
 * SQL to the sink's types (temporals to epoch microseconds, numbers to BIGINT or DOUBLE, other
 * types to text), so the Java side reads one typed column per row.
 */
final class ValueCounts {
  private ValueCounts() {}

  private enum Kind {
    BOOLEAN,
    LONG,
    DOUBLE,
    STRING
  }

  static void scan(
      DuckDbDataset dataset, List<Column> columns, String filter, int offset, ValueCountSink sink) {
    int n = columns.size();
    Kind[] kinds = new Kind[n];
    List<String> projections = new ArrayList<>(n);
    List<String> aliases = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Column column = columns.get(i);
      String name = SqlRenderer.quoteIdentifier(column.name());
      String alias = "v" + i;
      aliases.add(alias);
      kinds[i] =
          switch (column.type()) {
            case BOOLEAN -> Kind.BOOLEAN;
            case INTEGER, DATE, TIMESTAMP -> Kind.LONG;
            case DOUBLE -> Kind.DOUBLE;
            case STRING, OTHER -> Kind.STRING;
          };
      String projection =
          switch (column.type()) {
            case BOOLEAN -> name;
            case INTEGER -> "CAST(" + name + " AS BIGINT)";
            case DOUBLE -> "CAST(" + name + " AS DOUBLE)";
            case DATE -> "epoch_us(CAST(" + name + " AS TIMESTAMP))";
            case TIMESTAMP -> "epoch_us(" + name + ")";
            case STRING, OTHER -> "CAST(" + name + " AS VARCHAR)";
          };
      projections.add(projection + " AS " + alias);
    }
    String sql =
        "SELECT grouping_id("
            + String.join(", ", aliases)
            + ") AS g, count(*) AS n, "
            + String.join(", ", aliases)
            + " FROM (SELECT "
            + String.join(", ", projections)
            + " FROM "
            + dataset.dataRelation()
            + filter
            + ") GROUP BY GROUPING SETS ("
            + aliases.stream().map(a -> "(" + a + ")").reduce((a, b) -> a + ", " + b).orElseThrow()
            + ")";
    long mask = n == 64 ? -1L : (1L << n) - 1;
    dataset.query(
        sql,
        "count the values of " + columns.size() + " columns of",
        rs -> {
          while (rs.next()) {
            long grouped = ~rs.getLong(1) & mask;
            int index = n - 1 - Long.numberOfTrailingZeros(grouped);
            long count = rs.getLong(2);
            int at = index + 3;
            Object value =
                switch (kinds[index]) {
                  case BOOLEAN -> {
                    boolean b = rs.getBoolean(at);
                    yield rs.wasNull() ? null : b;
                  }
                  case LONG -> {
                    long l = rs.getLong(at);
                    yield rs.wasNull() ? null : l;
                  }
                  case DOUBLE -> {
                    double d = rs.getDouble(at);
                    yield rs.wasNull() ? null : d;
                  }
                  case STRING -> rs.getString(at);
                };
            sink.accept(offset + index, value, count);
          }
          return null;
        });
  }
}
