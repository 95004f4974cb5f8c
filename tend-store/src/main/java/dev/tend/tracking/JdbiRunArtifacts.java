package dev.tend.tracking;

import static java.util.Objects.requireNonNull;

import dev.tend.artifacts.ArtifactStore;
import dev.tend.artifacts.Blob;
import dev.tend.artifacts.ManifestEntry;
import dev.tend.store.Database;
import dev.tend.store.NotFoundException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;

final class JdbiRunArtifacts implements RunArtifacts {
  private final Database database;
  private final ArtifactStore store;

  JdbiRunArtifacts(Database database, ArtifactStore store) {
    this.database = requireNonNull(database, "database is null");
    this.store = requireNonNull(store, "store is null");
  }

  @Override
  public ManifestEntry put(String runId, String path, InputStream content) {
    requireNonNull(runId, "runId is null");
    ManifestEntry.requireValidPath(path);
    requireNonNull(content, "content is null");
    requireRun(runId, true);
    Blob blob = store.put(content);
    ManifestEntry entry = new ManifestEntry(path, blob.size(), blob.sha256());
    database.write(
        handle -> {
          requireActive(handle, runId);
          for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
            if (find(handle, runId, path.substring(0, slash)).isPresent()) {
              throw new IllegalArgumentException(
                  "Cannot log artifact '"
                      + path
                      + "': '"
                      + path.substring(0, slash)
                      + "' is already a file of run "
                      + runId);
            }
          }
          if (!under(handle, runId, path).isEmpty()) {
            throw new IllegalArgumentException(
                "Cannot log artifact '" + path + "': it is already a folder of run " + runId);
          }
          handle
              .createUpdate(
                  "INSERT INTO run_artifacts (run_uuid, path, size_bytes, sha256, logged_at)"
                      + " VALUES (:run, :path, :size, :sha, :at)"
                      + " ON CONFLICT (run_uuid, path) DO UPDATE SET size_bytes = excluded.size_bytes,"
                      + " sha256 = excluded.sha256, logged_at = excluded.logged_at")
              .bind("run", runId)
              .bind("path", path)
              .bind("size", entry.size())
              .bind("sha", entry.sha256())
              .bind("at", database.now().toEpochMilli())
              .execute();
          return null;
        });
    return entry;
  }

  @Override
  public List<ArtifactFile> list(String runId, Optional<String> folder) {
    requireNonNull(runId, "runId is null");
    folder.filter(f -> !f.isEmpty()).ifPresent(ManifestEntry::requireValidPath);
    String prefix = folder.filter(f -> !f.isEmpty()).map(f -> f + "/").orElse("");
    requireRun(runId, false);
    List<ManifestEntry> files =
        database.read(
            handle -> prefix.isEmpty() ? all(handle, runId) : under(handle, runId, prefix));
    TreeMap<String, ArtifactFile> children = new TreeMap<>();
    for (ManifestEntry file : files) {
      String rest = file.path().substring(prefix.length());
      int slash = rest.indexOf('/');
      if (slash < 0) {
        children.put(rest, new ArtifactFile(file.path(), false, OptionalLong.of(file.size())));
      } else {
        String dir = prefix + rest.substring(0, slash);
        children.putIfAbsent(
            rest.substring(0, slash), new ArtifactFile(dir, true, OptionalLong.empty()));
      }
    }
    return List.copyOf(children.values());
  }

  @Override
  public List<ManifestEntry> files(String runId) {
    requireNonNull(runId, "runId is null");
    return database.read(handle -> all(handle, runId));
  }

  @Override
  public Optional<ManifestEntry> file(String runId, String path) {
    requireNonNull(runId, "runId is null");
    ManifestEntry.requireValidPath(path);
    return database.read(handle -> find(handle, runId, path));
  }

  @Override
  public InputStream open(ManifestEntry file) {
    return store.open(file.sha256());
  }

  @Override
  public int delete(String runId, String path) {
    requireNonNull(runId, "runId is null");
    ManifestEntry.requireValidPath(path);
    return database.write(
        handle -> {
          requireActive(handle, runId);
          int deleted =
              handle
                  .createUpdate(
                      "DELETE FROM run_artifacts WHERE run_uuid = :run"
                          + " AND (path = :path OR substr(path, 1, :length) = :prefix)")
                  .bind("run", runId)
                  .bind("path", path)
                  .bind("length", path.codePointCount(0, path.length()) + 1)
                  .bind("prefix", path + "/")
                  .execute();
          if (deleted == 0) {
            throw new NotFoundException("No artifact '" + path + "' in run " + runId);
          }
          return deleted;
        });
  }

  private void requireRun(String runId, boolean active) {
    database.read(
        handle -> {
          if (active) {
            requireActive(handle, runId);
          } else {
            stage(handle, runId);
          }
          return null;
        });
  }

  private static void requireActive(Handle handle, String runId) {
    String stage = stage(handle, runId);
    if (!stage.equals(LifecycleStage.ACTIVE.label())) {
      throw new IllegalArgumentException(
          "The run " + runId + " must be in the 'active' state. Current state is " + stage + ".");
    }
  }

  private static String stage(Handle handle, String runId) {
    return handle
        .createQuery("SELECT lifecycle_stage FROM runs WHERE run_uuid = :run")
        .bind("run", runId)
        .mapTo(String.class)
        .findOne()
        .orElseThrow(() -> new NotFoundException("Run with id=" + runId + " not found"));
  }

  static List<ManifestEntry> all(Handle handle, String runId) {
    return handle
        .createQuery(
            "SELECT path, size_bytes, sha256 FROM run_artifacts WHERE run_uuid = :run"
                + " ORDER BY path")
        .bind("run", runId)
        .map((rs, ctx) -> new ManifestEntry(rs.getString(1), rs.getLong(2), rs.getString(3)))
        .list();
  }

  /** The files whose path starts with {@code prefix} (a folder path, with or without '/'). */
  static List<ManifestEntry> under(Handle handle, String runId, String prefix) {
    String folder = prefix.endsWith("/") ? prefix : prefix + "/";
    return handle
        .createQuery(
            "SELECT path, size_bytes, sha256 FROM run_artifacts WHERE run_uuid = :run"
                + " AND substr(path, 1, :length) = :prefix ORDER BY path")
        .bind("run", runId)
        .bind("length", folder.codePointCount(0, folder.length()))
        .bind("prefix", folder)
        .map((rs, ctx) -> new ManifestEntry(rs.getString(1), rs.getLong(2), rs.getString(3)))
        .list();
  }

  private static Optional<ManifestEntry> find(Handle handle, String runId, String path) {
    return handle
        .createQuery(
            "SELECT path, size_bytes, sha256 FROM run_artifacts WHERE run_uuid = :run"
                + " AND path = :path")
        .bind("run", runId)
        .bind("path", path)
        .map((rs, ctx) -> new ManifestEntry(rs.getString(1), rs.getLong(2), rs.getString(3)))
        .findOne();
  }
}
