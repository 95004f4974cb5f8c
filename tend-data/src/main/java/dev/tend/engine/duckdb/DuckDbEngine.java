package dev.tend.engine.duckdb;

import static java.util.Objects.requireNonNull;

import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.engine.EngineOptions;
import dev.tend.expr.SqlRenderer;
import dev.tend.source.DataException;
import dev.tend.source.DataSource;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.duckdb.DuckDBConnection;

/*
 * One in-memory DuckDB database per engine; each dataset gets its own connection (duplicate() of
 * the root), so its temporary views and tables are private to it and vanish with it.
 */
final class DuckDbEngine implements Engine {
  private final EngineOptions options;
  private final DuckDBConnection root;
  private boolean closed;

  private DuckDbEngine(EngineOptions options, DuckDBConnection root) {
    this.options = options;
    this.root = root;
  }

  static DuckDbEngine start(EngineOptions options) {
    requireNonNull(options, "options is null");
    try {
      DuckDBConnection root =
          DriverManager.getConnection("jdbc:duckdb:").unwrap(DuckDBConnection.class);
      try (Statement statement = root.createStatement()) {
        statement.execute("SET threads = " + options.threads());
        if (options.memoryLimit().isPresent()) {
          statement.execute(
              "SET memory_limit = " + SqlRenderer.quoteString(options.memoryLimit().get().trim()));
        }
        if (options.tempDirectory().isPresent()) {
          statement.execute(
              "SET temp_directory = "
                  + SqlRenderer.quoteString(options.tempDirectory().get().toString()));
        }
      }
      return new DuckDbEngine(options, root);
    } catch (SQLException e) {
      throw new DataException(
          "cannot start the embedded DuckDB engine with " + options + ": " + Sql.message(e), e);
    }
  }

  @Override
  public synchronized Dataset open(DataSource source) {
    requireNonNull(source, "source is null");
    if (closed) {
      throw new IllegalStateException("the engine is closed");
    }
    DuckDBConnection connection;
    try {
      connection = root.duplicate();
    } catch (SQLException e) {
      throw new DataException("cannot open a DuckDB connection: " + Sql.message(e), e);
    }
    try {
      return DuckDbDataset.open(connection, source, options);
    } catch (RuntimeException e) {
      Sql.closeQuietly(connection, e);
      throw e;
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      root.close();
    } catch (SQLException e) {
      throw new DataException("cannot close the embedded DuckDB engine: " + Sql.message(e), e);
    }
  }
}
