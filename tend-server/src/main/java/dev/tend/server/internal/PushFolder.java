package dev.tend.server.internal;

import static java.util.Objects.requireNonNull;

import dev.tend.datasets.DatasetRepository;
import dev.tend.store.ConflictException;
import dev.tend.store.Ids;
import dev.tend.store.NotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folder one push works in, under the server's work dir, and the recovery of the folders of
 * pushes that died with their process.
 *
 * <p>A push {@linkplain #create creates} its folder under a unique name, {@code push-new-<random>},
 * before anything is reserved: it writes the pushed files there, reads, profiles and checks them.
 * Then it picks its version's id, {@linkplain #recordVersionId renames} the folder to {@code
 * push-<version id>}, and only then reserves its version number under that id. It removes the
 * folder when it ends, committed or not. At start, {@link #recoverAll} removes every {@code push-*}
 * folder and abandons the version a folder's name records if it is still pending (its number is not
 * reused); if the process died before the reservation there is no such version, and removing the
 * folder is all there is to do, as for a {@code push-new-*} folder.
 *
 * <p>So no crash leaves a reserved version without a folder naming it: the name is on disk (the
 * rename is atomic and the work dir is synced) before the reservation's transaction starts. The
 * version is recorded by renaming the folder rather than by writing a marker file into it because a
 * rename in one directory is atomic: the folder carries either no version id or the whole one, and
 * the record lives in the directory listing, which recovery reads anyway, not among the pushed
 * files (a single pushed file may be named like any marker). Nothing holds a path into the folder
 * by then: the pushed files were read and their dataset closed before it.
 *
 * <p>Only the server that owns the data dir may recover its work dir. Not thread-safe: one push
 * uses one folder.
 */
public final class PushFolder implements AutoCloseable {
  /** Who abandons the versions of dead pushes, in the audit log. */
  public static final String ACTOR = "system";

  private static final String PREFIX = "push-";
  private static final String UNRESERVED_PREFIX = PREFIX + "new-";
  private static final Logger LOG = LoggerFactory.getLogger(PushFolder.class);

  private Path path;

  private PushFolder(Path path) {
    this.path = path;
  }

  /** Creates a new, empty folder for a push under {@code workDir}, named uniquely. */
  public static PushFolder create(Path workDir) throws IOException {
    Files.createDirectories(workDir);
    return new PushFolder(Files.createTempDirectory(workDir, UNRESERVED_PREFIX));
  }

  /** Where the push's files go; it changes when {@link #recordVersionId} renames the folder. */
  public Path path() {
    return path;
  }

  /**
   * Records the id the push's version will be reserved under, by renaming the folder to {@code
   * push-<versionId>} and syncing the work dir, so that a restart after a crash abandons that
   * version if it was reserved. Call it before reserving.
   *
   * @throws IllegalArgumentException when {@code versionId} is not an id
   */
  public void recordVersionId(String versionId) throws IOException {
    requireNonNull(versionId, "versionId is null");
    if (!Ids.isWellFormed(versionId)) {
      throw new IllegalArgumentException("not a version id: " + versionId);
    }
    path =
        Files.move(path, path.resolveSibling(PREFIX + versionId), StandardCopyOption.ATOMIC_MOVE);
    syncDirectory(path.getParent());
  }

  /** Removes the folder and what it holds; a failure is logged, as restart removes it anyway. */
  @Override
  public void close() {
    try {
      deleteTree(path);
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("cannot delete the push folder {}", path, e);
    }
  }

  /** What {@link #recoverAll} did. */
  public record Recovered(int folders, int abandoned) {}

  /**
   * Removes every push folder under {@code workDir} and abandons the versions their names record
   * that are still pending (a version committed just before its process died stays committed, and a
   * name whose version was never reserved has nothing to abandon).
   *
   * @throws UncheckedIOException when the folder cannot be listed or a push folder removed
   */
  public static Recovered recoverAll(Path workDir, DatasetRepository datasets) {
    requireNonNull(workDir, "workDir is null");
    requireNonNull(datasets, "datasets is null");
    if (!Files.isDirectory(workDir)) {
      return new Recovered(0, 0);
    }
    int folders = 0;
    int abandoned = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(workDir, PREFIX + "*")) {
      for (Path folder : entries) {
        Optional<String> id = pendingVersionId(folder);
        if (id.isPresent() && abandonIfPending(datasets, id.get())) {
          abandoned++;
        }
        deleteTree(folder);
        folders++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean up the push folders in " + workDir, e);
    }
    return new Recovered(folders, abandoned);
  }

  /** The version id a folder's name records; empty for a push that had not picked one. */
  static Optional<String> pendingVersionId(Path folder) {
    String id = folder.getFileName().toString().substring(PREFIX.length());
    return Ids.isWellFormed(id) ? Optional.of(id) : Optional.empty();
  }

  private static boolean abandonIfPending(DatasetRepository datasets, String versionId) {
    try {
      datasets.abandon(versionId, ACTOR);
      return true;
    } catch (NotFoundException | ConflictException e) {
      return false; // never reserved, committed before the process died, or already cleaned up
    }
  }

  /* Makes a rename in {@code dir} durable, so a power loss cannot undo it after a reservation. */
  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (AccessDeniedException e) {
      LOG.debug("this OS cannot sync the directory {}; the rename is still atomic", dir, e);
    }
  }

  private static void deleteTree(Path folder) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(folder)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path path : paths) {
      Files.deleteIfExists(path);
    }
  }
}
