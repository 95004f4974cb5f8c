package dev.tend.tracking;

import static java.util.Objects.requireNonNull;

import java.util.OptionalLong;

/**
 * An entry of a run's artifact listing: a file with its size, or a folder (no size), by its path
 * relative to the run's artifact root.
 */
public record ArtifactFile(String path, boolean isDir, OptionalLong size) {
  public ArtifactFile {
    requireNonNull(path, "path is null");
    requireNonNull(size, "size is null");
  }
}
