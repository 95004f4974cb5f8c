package dev.tend.server.internal;

import dev.tend.artifacts.ArtifactStore;
import dev.tend.artifacts.Manifest;
import dev.tend.artifacts.ManifestEntry;
import dev.tend.artifacts.Manifests;
import dev.tend.datasets.DatasetRepository;
import dev.tend.datasets.DatasetVersion;
import dev.tend.datasets.ManifestFile;
import dev.tend.source.DataSource;
import dev.tend.source.Format;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/**
 * Writes a dataset version's files into a folder (verified against their hashes) and names them as
 * a data source the engine can open: the file itself when the version has one, else the folder.
 */
public final class VersionFiles {
  private VersionFiles() {}

  /**
   * @throws IllegalArgumentException when the version's files mix formats or have a name that tells
   *     no format
   */
  public static DataSource.Files materialize(
      DatasetRepository datasets, ArtifactStore artifacts, DatasetVersion version, Path dir)
      throws IOException {
    List<ManifestFile> files = datasets.manifest(version.id());
    List<ManifestEntry> entries =
        files.stream().map(f -> new ManifestEntry(f.path(), f.sizeBytes(), f.sha256())).toList();
    Files.createDirectories(dir);
    Manifests.materialize(artifacts, new Manifest(entries), dir);
    Format format = format(files);
    return files.size() == 1
        ? DataSource.Files.of(dir.resolve(files.getFirst().path()), format)
        : DataSource.Files.of(dir, format);
  }

  /**
   * Several versions as one source: each version's files in its own folder {@code v<number>} under
   * {@code dir}, read together (columns united by name). One version is materialized as by {@link
   * #materialize(DatasetRepository, ArtifactStore, DatasetVersion, Path)}.
   *
   * @throws IllegalArgumentException when the versions' files are not all of one format
   */
  public static DataSource.Files materialize(
      DatasetRepository datasets, ArtifactStore artifacts, List<DatasetVersion> versions, Path dir)
      throws IOException {
    if (versions.isEmpty()) {
      throw new IllegalArgumentException("no dataset versions to read");
    }
    if (versions.size() == 1) {
      return materialize(datasets, artifacts, versions.getFirst(), dir);
    }
    TreeSet<Format> formats = new TreeSet<>();
    for (DatasetVersion version : versions) {
      formats.add(
          materialize(datasets, artifacts, version, dir.resolve("v" + version.number())).format());
    }
    if (formats.size() != 1) {
      throw new IllegalArgumentException(
          "the dataset versions mix formats " + formats + "; a window reads one format");
    }
    return DataSource.Files.of(dir, formats.first());
  }

  private static Format format(List<ManifestFile> files) {
    TreeSet<Format> formats = new TreeSet<>();
    for (ManifestFile file : files) {
      formats.add(
          Format.fromFileName(file.path())
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "cannot tell the format of the dataset file " + file.path())));
    }
    if (formats.size() != 1) {
      throw new IllegalArgumentException("the dataset version mixes formats " + formats);
    }
    return formats.first();
  }
}
