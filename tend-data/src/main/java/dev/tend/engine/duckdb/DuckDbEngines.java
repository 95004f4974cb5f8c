package dev.tend.engine.duckdb;

import dev.tend.engine.Engine;
import dev.tend.engine.EngineOptions;

/** Creates engines backed by an embedded, in-process DuckDB database. */
public final class DuckDbEngines {
  private DuckDbEngines() {}

  /** An engine with {@link EngineOptions#defaults()}. */
  public static Engine create() {
    return create(EngineOptions.defaults());
  }

  /** An engine with its own in-memory DuckDB database configured by {@code options}. */
  public static Engine create(EngineOptions options) {
    return DuckDbEngine.start(options);
  }
}
