package dev.tend.server.pipelines;

import dev.tend.artifacts.ArtifactStore;
import dev.tend.datasets.Dataset;
import dev.tend.datasets.DatasetRepository;
import dev.tend.datasets.DatasetVersion;
import dev.tend.pipeline.DatasetRef;
import dev.tend.projects.Project;
import dev.tend.server.internal.VersionFiles;
import dev.tend.source.DataSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the dataset version a step names ({@code flights@production}, {@code flights@3}) at the
 * moment the step runs, and writes its files into a step's work folder.
 */
final class DatasetResolver {
  private final DatasetRepository datasets;
  private final ArtifactStore artifacts;

  DatasetResolver(DatasetRepository datasets, ArtifactStore artifacts) {
    this.datasets = datasets;
    this.artifacts = artifacts;
  }

  DatasetVersion resolve(Project project, DatasetRef ref) throws StepFailure {
    Dataset dataset =
        datasets
            .find(project.id(), ref.name())
            .orElseThrow(
                () ->
                    StepFailure.of(
                        "no dataset named '"
                            + ref.name()
                            + "' in project '"
                            + project.name()
                            + "'"));
    Optional<DatasetVersion> version;
    if (ref.alias().chars().allMatch(Character::isDigit)) {
      int number;
      try {
        number = Integer.parseInt(ref.alias());
      } catch (NumberFormatException e) {
        number = 0;
      }
      version = datasets.version(dataset.id(), number);
    } else {
      version = datasets.resolve(dataset.id(), ref.alias());
    }
    return version.orElseThrow(
        () -> StepFailure.of("dataset '" + ref.name() + "' has no version '" + ref.alias() + "'"));
  }

  /** The version's files under {@code dir}, as a source the engine opens. */
  DataSource.Files materialize(DatasetVersion version, Path dir) throws StepFailure, IOException {
    try {
      return VersionFiles.materialize(datasets, artifacts, version, dir);
    } catch (IllegalArgumentException e) {
      throw StepFailure.of(e.getMessage(), e);
    }
  }

  /** How a resolved version is named in records: {@code flights@3}. */
  static String label(DatasetRef ref, DatasetVersion version) {
    return ref.name() + "@" + version.number();
  }
}
