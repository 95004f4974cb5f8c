package dev.tend.cli;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads a server's metadata database directly, for what the API does not show: pending versions and
 * the counter versions are numbered from. Works while the server runs or after it died.
 */
record Metadata(String jdbcUrl) {
  /** Versions reserved and neither committed nor abandoned, over all datasets. */
  long pendingVersions() throws SQLException {
    return number("SELECT count(*) FROM dataset_versions WHERE status = 'pending'", null);
  }

  /** The last version number handed out for {@code dataset}, committed or not. */
  long lastVersion(String dataset) throws SQLException {
    return number("SELECT last_version FROM datasets WHERE name = ?", dataset);
  }

  /** The id of version {@code number} of {@code dataset}, pending or committed. */
  String versionId(String dataset, long number) throws SQLException {
    try (Connection connection = DriverManager.getConnection(jdbcUrl);
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT v.id FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id"
                    + " WHERE d.name = ? AND v.version_number = ?")) {
      statement.setString(1, dataset);
      statement.setLong(2, number);
      try (ResultSet rows = statement.executeQuery()) {
        if (!rows.next()) {
          throw new AssertionError("no version " + number + " of " + dataset);
        }
        return rows.getString(1);
      }
    }
  }

  private long number(String sql, String parameter) throws SQLException {
    try (Connection connection = DriverManager.getConnection(jdbcUrl);
        PreparedStatement statement = connection.prepareStatement(sql)) {
      if (parameter != null) {
        statement.setString(1, parameter);
      }
      try (ResultSet rows = statement.executeQuery()) {
        if (!rows.next()) {
          throw new AssertionError("no row for " + sql + " with " + parameter);
        }
        return rows.getLong(1);
      }
    }
  }
}
