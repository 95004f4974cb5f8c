package dev.tend.store.internal;

import dev.tend.store.ConflictException;
import dev.tend.store.StoreException;
import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Translates JDBC failures into the store's exceptions, by SQLSTATE or SQLite result code. */
public final class SqlErrors {
  private SqlErrors() {}

  /** The store exception for {@code failure}, which has a {@link SQLException} among its causes. */
  public static StoreException translate(RuntimeException failure) {
    SQLException sql = findSqlException(failure);
    if (sql == null) {
      return new StoreException("metadata database failure: " + failure.getMessage(), failure);
    }
    String message = sql.getMessage();
    if (sql instanceof SQLiteException sqlite) {
      SQLiteErrorCode code = sqlite.getResultCode();
      switch (code) {
        case SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY:
          return new ConflictException("already exists: " + message, failure);
        case SQLITE_CONSTRAINT_FOREIGNKEY:
          return new ConflictException("refers to a missing row: " + message, failure);
        default:
          break;
      }
    }
    String state = sql.getSQLState();
    if (state != null) {
      if (state.equals("23505")) {
        return new ConflictException("already exists: " + message, failure);
      }
      if (state.equals("23503")) {
        return new ConflictException("refers to a missing row: " + message, failure);
      }
      if (state.equals("40001") || state.equals("40P01")) {
        return new ConflictException("concurrent change, try again: " + message, failure);
      }
    }
    return new StoreException("metadata database failure: " + message, failure);
  }

  private static SQLException findSqlException(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }
}
