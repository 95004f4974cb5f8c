package dev.tend.engine.duckdb;

import dev.tend.engine.Engine;
import dev.tend.engine.EngineOptions;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** Creates engines backed by an embedded, in-process DuckDB database. */
public final class DuckDbEngines {
  /** The names DuckDB's JDBC driver gives the copies of its native library it unpacks. */
  private static final String NATIVE_COPY_GLOB = "libduckdb_java*.so";

  private DuckDbEngines() {}

  /** An engine with {@link EngineOptions#defaults()}. */
  public static Engine create() {
    return create(EngineOptions.defaults());
  }

  /** An engine with its own in-memory DuckDB database configured by {@code options}. */
  public static Engine create(EngineOptions options) {
    return DuckDbEngine.start(options);
  }

  /**
   * Removes copies of DuckDB's native library (about 70 MB each) that the JDBC driver unpacked into
   * {@code tempDir} longer than {@code olderThan} ago. The driver deletes its copy only when the
   * JVM exits normally, so every killed process leaves one behind. A copy still mapped by a live
   * process is safe to unlink on Linux; the age limit spares a copy being unpacked right now.
   *
   * @return how many copies were removed; failures to list or delete are ignored
   */
  public static int removeStaleNativeCopies(Path tempDir, Duration olderThan) {
    Instant cutoff = Instant.now().minus(olderThan);
    int removed = 0;
    try (DirectoryStream<Path> copies = Files.newDirectoryStream(tempDir, NATIVE_COPY_GLOB)) {
      for (Path copy : copies) {
        try {
          if (Files.isRegularFile(copy)
              && Files.getLastModifiedTime(copy).toInstant().isBefore(cutoff)
              && Files.deleteIfExists(copy)) {
            removed++;
          }
        } catch (IOException e) {
          // another user's file, or already gone: not ours to insist on
        }
      }
    } catch (IOException e) {
      return removed;
    }
    return removed;
  }
}
