package dev.tend.engine.duckdb;

import java.sql.Connection;
import java.sql.SQLException;

/** Helpers for talking to DuckDB over JDBC. */
final class Sql {
  private Sql() {}

  /**
   * The useful part of a DuckDB error: its text without the echo of the SQL statement, which would
   * only confuse a user who never wrote SQL.
   */
  static String message(SQLException e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    int echo = message.indexOf("\nLINE ");
    if (echo >= 0) {
      message = message.substring(0, echo);
    }
    return message.strip();
  }

  static void closeQuietly(Connection connection, Throwable primary) {
    try {
      connection.close();
    } catch (SQLException e) {
      primary.addSuppressed(e);
    }
  }
}
