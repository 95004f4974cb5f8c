package dev.tend.server.monitoring;

import static java.util.Objects.requireNonNull;

import dev.tend.checks.Suite;
import dev.tend.datasets.DatasetRepository;
import dev.tend.deployments.DeploymentRepository;
import dev.tend.monitor.WindowSketchSchema;
import dev.tend.monitors.MonitorConfig;
import dev.tend.profile.DatasetProfile;
import dev.tend.registry.ModelVersion;
import dev.tend.registry.RegisteredModel;
import dev.tend.registry.RegistryRepository;
import dev.tend.registry.SignatureColumn;
import dev.tend.schema.DataType;
import dev.tend.suite.SuiteParser;
import dev.tend.tracking.RunInput;
import dev.tend.tracking.TrackingRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a monitor needs to know about the model versions it watches: their registry ids, input
 * schemas and reference profiles (the training dataset version's, found through the registry's
 * model version, its source run and the run's inputs, unless the monitor names one). Model versions
 * and dataset versions never change, so lookups are cached (a bounded cache, cleared when full).
 * Thread-safe.
 */
final class Lineage {
  private static final int MAX_CACHED = 1_000;

  /**
   * The profile drift and quality are measured against, or why there is none.
   *
   * @param profile the reference profile
   * @param datasetVersionId the dataset version it is the profile of
   * @param note why there is no reference, or where it comes from
   * @param suite the check suite of the reference's dataset, when it has one that parses
   * @param suiteProblem why the dataset's suite cannot be applied (it does not parse)
   */
  record Reference(
      Optional<DatasetProfile> profile,
      Optional<String> datasetVersionId,
      String note,
      Optional<Suite> suite,
      Optional<String> suiteProblem) {
    Reference {
      requireNonNull(profile, "profile is null");
      requireNonNull(datasetVersionId, "datasetVersionId is null");
      requireNonNull(note, "note is null");
      requireNonNull(suite, "suite is null");
      requireNonNull(suiteProblem, "suiteProblem is null");
    }

    static Reference none(String why) {
      return new Reference(
          Optional.empty(), Optional.empty(), why, Optional.empty(), Optional.empty());
    }
  }

  private final RegistryRepository registry;
  private final TrackingRepository tracking;
  private final DatasetRepository datasets;
  private final DeploymentRepository deployments;
  private final Map<String, Optional<ModelVersion>> versions = new ConcurrentHashMap<>();
  private final Map<String, String> versionIds = new ConcurrentHashMap<>();
  private final Map<String, Optional<DatasetProfile>> profiles = new ConcurrentHashMap<>();
  private final Map<String, ParsedSuite> suites = new ConcurrentHashMap<>();

  /* A dataset's suite text parsed, or why it does not parse. */
  private record ParsedSuite(Optional<Suite> suite, Optional<String> problem) {}

  Lineage(
      RegistryRepository registry,
      TrackingRepository tracking,
      DatasetRepository datasets,
      DeploymentRepository deployments) {
    this.registry = requireNonNull(registry, "registry is null");
    this.tracking = requireNonNull(tracking, "tracking is null");
    this.datasets = requireNonNull(datasets, "datasets is null");
    this.deployments = requireNonNull(deployments, "deployments is null");
  }

  /**
   * The registry id of the version a logged prediction names (model name and version number), or
   * the logged version text itself when the registry has no such version (external predictions).
   */
  String versionId(String projectId, String modelName, String versionText) {
    String key = projectId + '\u0000' + modelName + '\u0000' + versionText;
    String cached = versionIds.get(key);
    if (cached != null) {
      return cached;
    }
    Optional<ModelVersion> found = Optional.empty();
    try {
      int number = Integer.parseInt(versionText);
      found =
          registry
              .model(projectId, modelName)
              .map(RegisteredModel::id)
              .flatMap(id -> registry.version(id, number));
    } catch (NumberFormatException e) {
      // Not a registry version number: an external model's own version text.
    }
    String id = found.map(ModelVersion::id).orElse(versionText);
    found.ifPresent(v -> versions.put(v.id(), Optional.of(v)));
    bounded(versionIds).put(key, id);
    return id;
  }

  Optional<ModelVersion> version(String versionId) {
    Optional<ModelVersion> cached = versions.get(versionId);
    if (cached != null) {
      return cached;
    }
    Optional<ModelVersion> found = registry.versionById(versionId);
    bounded(versions).put(versionId, found);
    return found;
  }

  /** The version the deployment's stable traffic goes to, for a served deployment. */
  Optional<String> stableVersionId(String deployment) {
    return deployments.get(deployment).map(d -> d.current().traffic().stableVersionId());
  }

  /**
   * The input schema of a registry version, from its signature; empty when the version is unknown
   * or its signature names no prediction Tend can sketch.
   */
  Optional<WindowSketchSchema> schema(String versionId) {
    return version(versionId).flatMap(Lineage::schemaOf);
  }

  static Optional<WindowSketchSchema> schemaOf(ModelVersion version) {
    List<WindowSketchSchema.Input> inputs = new ArrayList<>();
    for (SignatureColumn column : version.signature().inputs()) {
      Optional<DataType> type = DataType.parse(column.type());
      if (column.name().isEmpty() || type.isEmpty() || type.get() == DataType.OTHER) {
        return Optional.empty();
      }
      inputs.add(new WindowSketchSchema.Input(column.name().get(), type.get()));
    }
    List<String> outputs = new ArrayList<>();
    version.signature().outputs().forEach(c -> c.name().ifPresent(outputs::add));
    return WindowSketchSchema.Task.fromOutputs(outputs)
        .filter(task -> !inputs.isEmpty())
        .map(task -> new WindowSketchSchema(inputs, task));
  }

  /**
   * The reference of a window of {@code versionId} ({@code *} for all versions: the stable
   * version's): the dataset version the monitor names, else the training data of the version.
   */
  Reference reference(MonitorConfig config, String versionId) {
    if (config.referenceVersionId().isPresent()) {
      String id = config.referenceVersionId().get();
      return profile(id)
          .map(p -> withSuite(p, id, "the monitor's reference"))
          .orElseGet(
              () -> Reference.none("the reference dataset version " + id + " has no profile"));
    }
    String version = versionId;
    if (version.equals(dev.tend.monitor.MetricPoint.ALL_VERSIONS)) {
      Optional<String> stable = stableVersionId(config.deployment());
      if (stable.isEmpty()) {
        return Reference.none(
            "no reference: the deployment serves no registered model; set one with PUT .../monitor");
      }
      version = stable.get();
    }
    Optional<ModelVersion> model = version(version);
    if (model.isEmpty()) {
      return Reference.none(
          "no reference: model version "
              + version
              + " is not in the registry; set one with PUT .../monitor");
    }
    Optional<String> dataset = model.get().datasetVersionId();
    if (dataset.isEmpty() && model.get().runId().isPresent()) {
      dataset =
          tracking
              .run(model.get().runId().get())
              .flatMap(
                  run ->
                      run.inputs().stream()
                          .filter(i -> i.datasetVersionId().isPresent())
                          .sorted((a, b) -> Boolean.compare(isTraining(b), isTraining(a)))
                          .findFirst()
                          .flatMap(RunInput::datasetVersionId));
    }
    if (dataset.isEmpty()) {
      return Reference.none(
          "no reference: model version "
              + model.get().modelName()
              + " v"
              + model.get().version()
              + " names no training dataset version; set one with PUT .../monitor");
    }
    String id = dataset.get();
    return profile(id)
        .map(
            p ->
                withSuite(
                    p,
                    id,
                    "the training data of "
                        + model.get().modelName()
                        + " v"
                        + model.get().version()))
        .orElseGet(() -> Reference.none("the training dataset version " + id + " has no profile"));
  }

  /*
   * The reference with its dataset's suite, read now (a dataset's suite may be attached or
   * replaced at any time) and parsed once per text.
   */
  private Reference withSuite(DatasetProfile profile, String datasetVersionId, String note) {
    Optional<dev.tend.datasets.Dataset> dataset =
        datasets.versionById(datasetVersionId).flatMap(v -> datasets.get(v.datasetId()));
    Optional<dev.tend.datasets.Suite> attached = dataset.flatMap(dev.tend.datasets.Dataset::suite);
    if (attached.isEmpty()) {
      return new Reference(
          Optional.of(profile),
          Optional.of(datasetVersionId),
          note,
          Optional.empty(),
          Optional.empty());
    }
    String name = dataset.get().name();
    ParsedSuite parsed =
        bounded(suites)
            .computeIfAbsent(
                attached.get().sha256() + '\u0000' + name,
                k -> {
                  try {
                    Suite suite = SuiteParser.parse(attached.get().yaml(), "suite.yaml", name);
                    return new ParsedSuite(Optional.of(suite), Optional.empty());
                  } catch (RuntimeException e) {
                    return new ParsedSuite(
                        Optional.empty(),
                        Optional.of(
                            "the suite of dataset '"
                                + name
                                + "' does not parse: "
                                + e.getMessage()));
                  }
                });
    return new Reference(
        Optional.of(profile),
        Optional.of(datasetVersionId),
        note,
        parsed.suite(),
        parsed.problem());
  }

  private static boolean isTraining(RunInput input) {
    return "training".equals(input.tags().get(RunInput.CONTEXT_TAG));
  }

  private Optional<DatasetProfile> profile(String datasetVersionId) {
    Optional<DatasetProfile> cached = profiles.get(datasetVersionId);
    if (cached != null) {
      return cached;
    }
    Optional<DatasetProfile> found =
        datasets.profile(datasetVersionId).map(DatasetProfile::fromBytes);
    bounded(profiles).put(datasetVersionId, found);
    return found;
  }

  private static <K, V> Map<K, V> bounded(Map<K, V> cache) {
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    return cache;
  }
}
