package dev.tend.server.serving;

import dev.tend.registry.ModelVersion;
import java.util.Set;

/**
 * What deployment management needs from the serving path's model cache: whether a version can be
 * served at all (it loads with a model runtime), and dropping versions no deployment points at any
 * more. Thread-safe.
 */
public interface ServableVersions {
  /**
   * Loads {@code version} into the cache (a no-op when it is there).
   *
   * @throws IllegalArgumentException saying why the version cannot be served
   */
  void requireServable(ModelVersion version);

  /** Keeps loaded only the versions whose ids are in {@code versionIds}. */
  void retain(Set<String> versionIds);
}
