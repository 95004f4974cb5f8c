package dev.tend.server.internal;

import static java.util.Objects.requireNonNull;

import dev.tend.datasets.DatasetRepository;
import dev.tend.datasets.PendingVersion;
import dev.tend.store.ConflictException;
import dev.tend.store.NotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The folders pushes work in: {@code <work>/push-<pending version id>}, created right after the
 * version number is reserved and removed when the push ends, committed or not. A folder still there
 * at start names a push that died with its process: {@link #recover} abandons that version (its
 * number is not reused) and removes the folder. Only the server that owns the data dir may recover
 * its work folder.
 */
public final class PushFolders {
  /** Who abandons the versions of dead pushes, in the audit log. */
  public static final String ACTOR = "system";

  private static final String PREFIX = "push-";
  private static final Pattern VERSION_ID = Pattern.compile("[0-9A-HJKMNP-TV-Z]{26}");

  private PushFolders() {}

  /** Creates the work folder of {@code pending} under {@code workDir}. */
  public static Path create(Path workDir, PendingVersion pending) throws IOException {
    Files.createDirectories(workDir);
    return Files.createDirectory(workDir.resolve(PREFIX + pending.id()));
  }

  /** What {@link #recover} did. */
  public record Recovered(int folders, int abandoned) {}

  /**
   * Removes every push folder under {@code workDir} and abandons the versions still pending among
   * theirs (a version committed just before its process died stays committed).
   *
   * @throws UncheckedIOException when the folder cannot be listed or a push folder removed
   */
  public static Recovered recover(Path workDir, DatasetRepository datasets) {
    requireNonNull(workDir, "workDir is null");
    requireNonNull(datasets, "datasets is null");
    if (!Files.isDirectory(workDir)) {
      return new Recovered(0, 0);
    }
    int folders = 0;
    int abandoned = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(workDir, PREFIX + "*")) {
      for (Path folder : entries) {
        String id = folder.getFileName().toString().substring(PREFIX.length());
        if (VERSION_ID.matcher(id).matches() && abandonIfPending(datasets, id)) {
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

  private static boolean abandonIfPending(DatasetRepository datasets, String versionId) {
    try {
      datasets.abandon(versionId, ACTOR);
      return true;
    } catch (NotFoundException | ConflictException e) {
      return false; // committed before the process died, or already cleaned up
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
