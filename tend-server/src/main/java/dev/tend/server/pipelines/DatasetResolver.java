package dev.tend.server.pipelines;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.artifacts.ArtifactStore;
import dev.tend.datasets.Dataset;
import dev.tend.datasets.DatasetRepository;
import dev.tend.datasets.DatasetVersion;
import dev.tend.datasets.VersionStatus;
import dev.tend.pipeline.DatasetRef;
import dev.tend.projects.Project;
import dev.tend.server.internal.VersionFiles;
import dev.tend.source.DataSource;
import dev.tend.store.Page;
import dev.tend.tracking.RunInput;
import dev.tend.tracking.TrackingRepository;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Finds the dataset version a step names ({@code flights@production}, {@code flights@3}) at the
 * moment the step runs, with the accepted versions before it when the step reads a rolling window
 * ({@code versions: N}); writes their files into a step's work folder; and records what a run read.
 */
final class DatasetResolver {
  private static final int PAGE = 1000;

  private final DatasetRepository datasets;
  private final ArtifactStore artifacts;
  private final TrackingRepository tracking;
  private final ObjectMapper mapper = new ObjectMapper();

  DatasetResolver(
      DatasetRepository datasets, ArtifactStore artifacts, TrackingRepository tracking) {
    this.datasets = datasets;
    this.artifacts = artifacts;
    this.tracking = tracking;
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

  /**
   * The versions {@code ref} reads: the one it resolves to and, for {@code versions: N > 1}, the
   * newest N accepted versions up to and including it (fewer when fewer exist), all of one schema.
   */
  DatasetWindow window(Project project, DatasetRef ref) throws StepFailure {
    DatasetVersion named = resolve(project, ref);
    if (ref.versions() == 1) {
      return new DatasetWindow(ref, List.of(named), List.of());
    }
    if (named.status() != VersionStatus.ACCEPTED) {
      throw StepFailure.of(
          label(ref, named)
              + " was "
              + named.status().label()
              + "; a window of versions ends at an accepted version (name one, such as "
              + ref.name()
              + "@latest)");
    }
    List<DatasetVersion> candidates = upTo(named, ref.versions());
    List<DatasetVersion> accepted =
        candidates.stream().filter(v -> v.status() == VersionStatus.ACCEPTED).toList();
    List<DatasetVersion> read =
        accepted.subList(Math.max(0, accepted.size() - ref.versions()), accepted.size());
    int oldest = read.getFirst().number();
    List<DatasetVersion> skipped =
        candidates.stream()
            .filter(v -> v.status() != VersionStatus.ACCEPTED && v.number() > oldest)
            .toList();
    requireOneSchema(ref, read);
    return new DatasetWindow(ref, read, skipped);
  }

  /*
   * The committed versions numbered at most named's, oldest first, from far enough back to hold
   * `count` accepted ones (or from the first version): the span doubles until it does.
   */
  private List<DatasetVersion> upTo(DatasetVersion named, int count) {
    int span = count;
    while (true) {
      int after = Math.max(0, named.number() - span);
      List<DatasetVersion> found = new ArrayList<>();
      Optional<String> cursor = Optional.of(Integer.toString(after));
      while (cursor.isPresent()) {
        Page<DatasetVersion> page = datasets.versions(named.datasetId(), cursor, PAGE);
        cursor = page.nextCursor();
        for (DatasetVersion version : page.items()) {
          if (version.number() > named.number()) {
            cursor = Optional.empty();
            break;
          }
          found.add(version);
        }
      }
      long accepted = found.stream().filter(v -> v.status() == VersionStatus.ACCEPTED).count();
      if (accepted >= count || after == 0) {
        return found;
      }
      span *= 2;
    }
  }

  /* A union needs one schema: every version's columns and types equal the newest one's. */
  private void requireOneSchema(DatasetRef ref, List<DatasetVersion> versions) throws StepFailure {
    DatasetVersion newest = versions.getLast();
    Map<String, String> expected = columns(newest);
    List<String> differing = new ArrayList<>();
    for (DatasetVersion version : versions) {
      Map<String, String> columns = columns(version);
      if (!columns.equals(expected)) {
        differing.add(label(ref, version) + " " + difference(columns, expected));
      }
    }
    if (!differing.isEmpty()) {
      throw StepFailure.of(
          "the versions of a window must have one schema, but compared with "
              + label(ref, newest)
              + ": "
              + String.join("; ", differing)
              + " (read fewer versions, so that the window starts after the schema changed)");
    }
  }

  private Map<String, String> columns(DatasetVersion version) {
    Map<String, String> columns = new LinkedHashMap<>();
    try {
      for (JsonNode column : mapper.readTree(version.schemaJson()).path("columns")) {
        columns.put(column.path("name").asText(), column.path("type").asText());
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("version " + version.id() + " has an unreadable schema", e);
    }
    return columns;
  }

  private static String difference(Map<String, String> actual, Map<String, String> expected) {
    List<String> parts = new ArrayList<>();
    Map<String, String> sorted = new TreeMap<>(expected);
    sorted.putAll(actual);
    for (String column : sorted.keySet()) {
      String has = actual.get(column);
      String wants = expected.get(column);
      if (has == null) {
        parts.add("lacks " + column);
      } else if (wants == null) {
        parts.add("has the extra column " + column);
      } else if (!has.equals(wants)) {
        parts.add("has " + column + " as " + has + ", not " + wants);
      }
    }
    return String.join(", ", parts);
  }

  /** The window's files under {@code dir}, as one source the engine opens. */
  DataSource.Files materialize(DatasetWindow window, Path dir) throws StepFailure, IOException {
    try {
      return VersionFiles.materialize(datasets, artifacts, window.versions(), dir);
    } catch (IllegalArgumentException e) {
      throw StepFailure.of(e.getMessage(), e);
    }
  }

  /**
   * Records on the pipeline's tracked run each version a step read, as its input in {@code role}
   * ({@code training}, {@code evaluation}, {@code validation}): the run's lineage.
   */
  void recordRead(StepContext context, DatasetWindow window, String role) {
    DatasetRef ref = window.ref();
    if (ref.versions() > 1) {
      context
          .log()
          .info(
              "window of "
                  + ref
                  + ": "
                  + window.versions().size()
                  + " of "
                  + ref.versions()
                  + " accepted versions ("
                  + window.label()
                  + ")"
                  + (window.versions().size() < ref.versions() ? "; no older ones exist" : ""));
      for (DatasetVersion skipped : window.skipped()) {
        context.log().info("skipped " + label(ref, skipped) + ": " + skipped.status().label());
      }
    }
    tracking.logInputs(context.trackingRunId(), inputs(window, role));
  }

  /** The window's versions as tracked-run inputs in {@code role}, oldest first. */
  static List<RunInput> inputs(DatasetWindow window, String role) {
    List<RunInput> inputs = new ArrayList<>();
    for (DatasetVersion version : window.versions()) {
      inputs.add(
          RunInput.of(
              window.ref().name(),
              version.id(),
              "tend",
              label(window.ref(), version),
              Optional.empty(),
              Optional.empty(),
              Map.of(RunInput.CONTEXT_TAG, role)));
    }
    return inputs;
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
