package dev.tend.engine.duckdb;

import dev.tend.engine.RowSink;
import dev.tend.expr.SqlRenderer;
import dev.tend.schema.Column;
import java.util.ArrayList;
import java.util.List;

/*
 * The row scan behind Dataset.scanRows: one SELECT of the requested columns, converted in SQL to
 * the sink's types as ValueCounts does (temporals to epoch microseconds, numbers to BIGINT or
 * DOUBLE, other types to text), read through a forward-only result set that DuckDB fills chunk
 * by chunk.
 */
final class RowScan {
  private RowScan() {}

  private enum Kind {
    BOOLEAN,
    LONG,
    DOUBLE,
    STRING
  }

  static void scan(DuckDbDataset dataset, List<Column> columns, String filter, RowSink sink) {
    int n = columns.size();
    Kind[] kinds = new Kind[n];
    List<String> projections = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Column column = columns.get(i);
      String name = SqlRenderer.quoteIdentifier(column.name());
      kinds[i] =
          switch (column.type()) {
            case BOOLEAN -> Kind.BOOLEAN;
            case INTEGER, DATE, TIMESTAMP -> Kind.LONG;
            case DOUBLE -> Kind.DOUBLE;
            case STRING, OTHER -> Kind.STRING;
          };
      projections.add(
          switch (column.type()) {
            case BOOLEAN -> name;
            case INTEGER -> "CAST(" + name + " AS BIGINT)";
            case DOUBLE -> "CAST(" + name + " AS DOUBLE)";
            case DATE -> "epoch_us(CAST(" + name + " AS TIMESTAMP))";
            case TIMESTAMP -> "epoch_us(" + name + ")";
            case STRING, OTHER -> "CAST(" + name + " AS VARCHAR)";
          });
    }
    String sql =
        "SELECT "
            + (n == 0 ? "1" : String.join(", ", projections))
            + " FROM "
            + dataset.dataRelation()
            + filter;
    dataset.query(
        sql,
        "read " + n + " columns of",
        rs -> {
          Object[] values = new Object[n];
          while (rs.next()) {
            for (int i = 0; i < n; i++) {
              int at = i + 1;
              values[i] =
                  switch (kinds[i]) {
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
            }
            sink.accept(values);
          }
          return null;
        });
  }
}
