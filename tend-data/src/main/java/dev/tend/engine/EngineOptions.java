package dev.tend.engine;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Settings of an embedded engine.
 *
 * @param threads worker threads; default: available processors
 * @param memoryLimit a DuckDB memory limit such as {@code 75%} or {@code 4GB}; default: the
 *     engine's own (80% of RAM for DuckDB)
 * @param tempDirectory where operators spill when memory runs out; default: the engine's own
 * @param fetchSize rows fetched per round trip from JDBC sources
 */
public record EngineOptions(
    int threads, Optional<String> memoryLimit, Optional<Path> tempDirectory, int fetchSize) {
  public EngineOptions {
    requireNonNull(memoryLimit, "memoryLimit is null");
    requireNonNull(tempDirectory, "tempDirectory is null");
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1: " + threads);
    }
    if (fetchSize < 1) {
      throw new IllegalArgumentException("fetchSize must be at least 1: " + fetchSize);
    }
    memoryLimit.ifPresent(
        limit -> {
          if (!limit.matches("\\s*\\d+(\\.\\d+)?\\s*(%|[KMGT]i?B|B|bytes)?\\s*")) {
            throw new IllegalArgumentException("memory limit must look like 75% or 4GB: " + limit);
          }
        });
  }

  public static EngineOptions defaults() {
    return new EngineOptions(
        Runtime.getRuntime().availableProcessors(), Optional.empty(), Optional.empty(), 10_000);
  }

  public EngineOptions withThreads(int threads) {
    return new EngineOptions(threads, memoryLimit, tempDirectory, fetchSize);
  }

  public EngineOptions withMemoryLimit(String memoryLimit) {
    return new EngineOptions(threads, Optional.of(memoryLimit), tempDirectory, fetchSize);
  }

  public EngineOptions withTempDirectory(Path tempDirectory) {
    return new EngineOptions(threads, memoryLimit, Optional.of(tempDirectory), fetchSize);
  }

  public EngineOptions withFetchSize(int fetchSize) {
    return new EngineOptions(threads, memoryLimit, tempDirectory, fetchSize);
  }
}
