package dev.tend.bench;

import dev.tend.profile.ColumnProfile;
import dev.tend.profile.ColumnProfiler;
import dev.tend.profile.DatasetProfile;
import dev.tend.profile.ProfileOptions;
import dev.tend.profile.ProfileProvenance;
import dev.tend.schema.Column;
import dev.tend.schema.DataType;
import dev.tend.schema.Schema;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.duckdb.DuckDBConnection;

/**
 * The alternative to the GROUPING SETS value-count scan: split a Parquet file into row ranges by
 * {@code file_row_number}, stream each range's raw values over its own DuckDB connection on its own
 * thread into that range's {@link ColumnProfiler}s (count 1 per value), then merge the partial
 * {@link ColumnProfile}s. Used only to measure; not thread-safe itself.
 */
final class RowRangeProfiler {
  private RowRangeProfiler() {}

  static DatasetProfile profile(
      DuckDBConnection root, Path parquet, Schema schema, int threads, ProfileOptions options) {
    String file = "'" + parquet.toAbsolutePath().toString().replace("'", "''") + "'";
    long rows;
    try (Statement statement = root.createStatement();
        ResultSet rs = statement.executeQuery("SELECT count(*) FROM read_parquet(" + file + ")")) {
      rs.next();
      rows = rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot count the rows of " + parquet + ": " + e, e);
    }
    List<String> projections = new ArrayList<>();
    for (Column column : schema.columns()) {
      String name = "\"" + column.name().replace("\"", "\"\"") + "\"";
      projections.add(
          switch (column.type()) {
            case TIMESTAMP -> "epoch_us(" + name + ")";
            case DATE -> "epoch_us(CAST(" + name + " AS TIMESTAMP))";
            default -> name;
          });
    }
    String select =
        "SELECT "
            + String.join(", ", projections)
            + " FROM read_parquet("
            + file
            + ", file_row_number = true) WHERE file_row_number >= ? AND file_row_number < ?";
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<ColumnProfile>>> parts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long from = rows * t / threads;
        long to = rows * (t + 1) / threads;
        parts.add(pool.submit(() -> profileRange(root, select, schema, from, to, options)));
      }
      List<ColumnProfile> merged = null;
      for (Future<List<ColumnProfile>> part : parts) {
        List<ColumnProfile> columns = part.get();
        if (merged == null) {
          merged = columns;
        } else {
          List<ColumnProfile> next = new ArrayList<>(columns.size());
          for (int i = 0; i < columns.size(); i++) {
            next.add(merged.get(i).merge(columns.get(i)));
          }
          merged = next;
        }
      }
      return DatasetProfile.of(
          rows,
          merged == null ? List.of() : merged,
          ProfileProvenance.of(parquet.toString(), System.currentTimeMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while profiling " + parquet, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot profile " + parquet + ": " + e.getCause(), e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<ColumnProfile> profileRange(
      DuckDBConnection root,
      String select,
      Schema schema,
      long from,
      long to,
      ProfileOptions options)
      throws SQLException {
    List<Column> columns = schema.columns();
    ColumnProfiler[] profilers = new ColumnProfiler[columns.size()];
    DataType[] types = new DataType[columns.size()];
    for (int i = 0; i < profilers.length; i++) {
      types[i] = columns.get(i).type();
      profilers[i] = ColumnProfiler.create(columns.get(i).name(), types[i], options);
    }
    try (Connection connection = root.duplicate();
        var statement = connection.prepareStatement(select)) {
      statement.setLong(1, from);
      statement.setLong(2, to);
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          for (int i = 0; i < profilers.length; i++) {
            feed(rs, i + 1, types[i], profilers[i]);
          }
        }
      }
    }
    List<ColumnProfile> result = new ArrayList<>(profilers.length);
    for (ColumnProfiler profiler : profilers) {
      result.add(profiler.finish());
    }
    return result;
  }

  private static void feed(ResultSet rs, int at, DataType type, ColumnProfiler profiler)
      throws SQLException {
    switch (type) {
      case INTEGER, DATE, TIMESTAMP -> {
        long value = rs.getLong(at);
        if (rs.wasNull()) {
          profiler.updateMissing(1);
        } else {
          profiler.updateLong(value, 1);
        }
      }
      case DOUBLE -> {
        double value = rs.getDouble(at);
        if (rs.wasNull()) {
          profiler.updateMissing(1);
        } else {
          profiler.updateDouble(value, 1);
        }
      }
      case BOOLEAN -> {
        boolean value = rs.getBoolean(at);
        if (rs.wasNull()) {
          profiler.updateMissing(1);
        } else {
          profiler.updateBoolean(value, 1);
        }
      }
      case STRING -> profiler.updateString(rs.getString(at), 1);
      case OTHER -> profiler.update(rs.getObject(at), 1);
    }
  }
}
