package dev.tend.history;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Metric history in an embedded SQLite file (by default {@code .tend/history.db}), in WAL mode so
 * concurrent readers never block a writer. Thread-safe: calls are serialized on one connection.
 */
public final class SqliteMetricHistory implements MetricHistory {
  private static final int SCHEMA_VERSION = 1;

  private final Path file;
  private final Connection connection;

  private SqliteMetricHistory(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  /** Opens (creating when absent) the history database at {@code file}. */
  public static SqliteMetricHistory open(Path file) {
    requireNonNull(file, "file is null");
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new HistoryException("cannot create the folder for " + file + ": " + e.getMessage(), e);
    }
    try {
      Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
      try (Statement statement = connection.createStatement()) {
        statement.execute("PRAGMA journal_mode=WAL");
        statement.execute("PRAGMA busy_timeout=5000");
        statement.execute(
            "CREATE TABLE IF NOT EXISTS tend_history_version (version INTEGER NOT NULL)");
        statement.execute(
            "CREATE TABLE IF NOT EXISTS metric_history ("
                + " dataset TEXT NOT NULL,"
                + " run_id TEXT NOT NULL,"
                + " recorded_at INTEGER NOT NULL,"
                + " metric TEXT NOT NULL,"
                + " value REAL,"
                + " PRIMARY KEY (dataset, metric, run_id))");
        statement.execute(
            "CREATE INDEX IF NOT EXISTS metric_history_by_time"
                + " ON metric_history (dataset, metric, recorded_at DESC)");
        try (ResultSet rs =
            statement.executeQuery("SELECT max(version) FROM tend_history_version")) {
          int version = rs.next() ? rs.getInt(1) : 0;
          if (version == 0) {
            statement.execute("INSERT INTO tend_history_version VALUES (" + SCHEMA_VERSION + ")");
          } else if (version > SCHEMA_VERSION) {
            connection.close();
            throw new HistoryException(
                file + " was written by a newer Tend (history version " + version + ")", null);
          }
        }
      }
      return new SqliteMetricHistory(file, connection);
    } catch (SQLException e) {
      throw new HistoryException("cannot open metric history " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<Double> recent(String dataset, String metric, int limit) {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT value FROM metric_history WHERE dataset = ? AND metric = ?"
                + " AND value IS NOT NULL ORDER BY recorded_at DESC, run_id DESC LIMIT ?")) {
      query.setString(1, dataset);
      query.setString(2, metric);
      query.setInt(3, limit);
      List<Double> values = new ArrayList<>();
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          values.add(rs.getDouble(1));
        }
      }
      return values;
    } catch (SQLException e) {
      throw new HistoryException("cannot read metric history " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void record(
      String dataset, String runId, Instant at, Map<String, Double> metrics) {
    try {
      connection.setAutoCommit(false);
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT OR REPLACE INTO metric_history (dataset, run_id, recorded_at, metric, value)"
                  + " VALUES (?, ?, ?, ?, ?)")) {
        for (Map.Entry<String, Double> entry : metrics.entrySet()) {
          insert.setString(1, dataset);
          insert.setString(2, runId);
          insert.setLong(3, at.toEpochMilli());
          insert.setString(4, entry.getKey());
          if (entry.getValue() == null || entry.getValue().isNaN()) {
            insert.setNull(5, java.sql.Types.REAL);
          } else {
            insert.setDouble(5, entry.getValue());
          }
          insert.addBatch();
        }
        insert.executeBatch();
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new HistoryException("cannot write metric history " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized int runs(String dataset) {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT count(DISTINCT run_id) FROM metric_history WHERE dataset = ?")) {
      query.setString(1, dataset);
      try (ResultSet rs = query.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    } catch (SQLException e) {
      throw new HistoryException("cannot read metric history " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new HistoryException("cannot close metric history " + file, e);
    }
  }
}
