package dev.tend.cli;

import dev.tend.engine.Engine;
import dev.tend.engine.EngineOptions;
import dev.tend.engine.duckdb.DuckDbEngines;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options of the embedded engine shared by data commands. */
public final class EngineSettings {
  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Engine worker threads (default: all cores).")
  Integer threads;

  @Option(
      names = "--memory-limit",
      paramLabel = "SIZE",
      description = "Engine memory limit such as 2GB or 50%% (default: the engine's).")
  String memoryLimit;

  @Option(
      names = "--spill-dir",
      paramLabel = "DIR",
      description = "Where the engine spills when memory runs out.")
  Path spillDir;

  public Engine engine() {
    EngineOptions options = EngineOptions.defaults();
    try {
      if (threads != null) {
        options = options.withThreads(threads);
      }
      if (memoryLimit != null) {
        options = options.withMemoryLimit(memoryLimit);
      }
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException(e.getMessage());
    }
    if (spillDir != null) {
      options = options.withTempDirectory(spillDir);
    }
    return DuckDbEngines.create(options);
  }
}
