package dev.tend.tracking;

import dev.tend.artifacts.ArtifactStore;
import dev.tend.artifacts.ManifestEntry;
import dev.tend.store.Database;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * The files runs log through MLflow's artifact proxy: each run keeps a manifest of paths (relative
 * to its artifact root, validated as {@link ManifestEntry} paths, so none can leave it) naming
 * content-addressed blobs in the {@link ArtifactStore}. Logging a path again replaces its entry; a
 * path cannot be both a file and a folder. A missing run is a {@link
 * dev.tend.store.NotFoundException}, a bad path an {@link IllegalArgumentException}. Thread-safe.
 */
public interface RunArtifacts {
  static RunArtifacts of(Database database, ArtifactStore store) {
    return new JdbiRunArtifacts(database, store);
  }

  /**
   * Stores {@code content} (streamed, read to its end, not closed) as the file {@code path} of an
   * active run. The bytes are stored before the entry is recorded, so a failed upload records
   * nothing.
   */
  ManifestEntry put(String runId, String path, InputStream content);

  /** The files and folders directly inside {@code folder} (the root when empty), by path. */
  List<ArtifactFile> list(String runId, Optional<String> folder);

  /** Every file of a run, by path. */
  List<ManifestEntry> files(String runId);

  /** The file at {@code path}, if the run logged one there. */
  Optional<ManifestEntry> file(String runId, String path);

  /** Opens a file's bytes for streaming; the caller closes the stream. */
  InputStream open(ManifestEntry file);

  /** Removes the file at {@code path}, or every file under the folder {@code path}; how many. */
  int delete(String runId, String path);
}
