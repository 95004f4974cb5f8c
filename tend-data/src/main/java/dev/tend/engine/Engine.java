package dev.tend.engine;

import dev.tend.source.DataSource;

/**
 * Runs checks' and profiles' queries over datasets. Implementations (embedded DuckDB now, Spark
 * later) answer the same {@link Dataset} contract, so check and profile code never sees SQL.
 *
 * <p>Thread-safe: datasets may be opened from several threads; each dataset is used by one.
 */
public interface Engine extends AutoCloseable {

  /**
   * Opens a source: checks that its files exist and parse far enough to know the schema, or runs
   * its JDBC query and loads the result.
   *
   * @throws dev.tend.source.DataException with a subtype saying what is wrong with the source
   */
  Dataset open(DataSource source);

  /** Releases the engine; datasets still open become unusable. */
  @Override
  void close();
}
