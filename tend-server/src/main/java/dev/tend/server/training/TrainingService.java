package dev.tend.server.training;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.tend.artifacts.ArtifactStore;
import dev.tend.datasets.DatasetRepository;
import dev.tend.datasets.DatasetVersion;
import dev.tend.engine.Engine;
import dev.tend.evaluation.BinaryMetrics;
import dev.tend.evaluation.MetricValue;
import dev.tend.evaluation.MulticlassMetrics;
import dev.tend.evaluation.RegressionMetrics;
import dev.tend.expr.Expr;
import dev.tend.expr.Expressions;
import dev.tend.projects.Project;
import dev.tend.registry.ModelVersion;
import dev.tend.registry.NewModelVersion;
import dev.tend.registry.RegisteredModel;
import dev.tend.registry.RegistryRepository;
import dev.tend.schema.DataType;
import dev.tend.server.internal.PushFolder;
import dev.tend.server.internal.VersionFiles;
import dev.tend.source.DataSource;
import dev.tend.tracking.KeyValue;
import dev.tend.tracking.Metric;
import dev.tend.tracking.NewRun;
import dev.tend.tracking.RunArtifacts;
import dev.tend.tracking.RunInfo;
import dev.tend.tracking.RunInput;
import dev.tend.tracking.RunStatus;
import dev.tend.tracking.TrackingRepository;
import dev.tend.train.Split;
import dev.tend.train.TrainException;
import dev.tend.train.TrainOptions;
import dev.tend.train.Trainer;
import dev.tend.train.TrainingResult;
import dev.tend.train.model.Signature;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Trains a dataset version and records the outcome: an MLflow-compatible run in the project's
 * experiment {@code models/<project>/<model>} (params, holdout metrics, tags, the dataset version
 * as its training input), the model folder as the run's artifacts under {@code model/} with an
 * {@code MLmodel} file, and a model version registered from {@code runs:/<run_id>/model}.
 *
 * <p>Training happens before anything is written, so bad options or data leave nothing behind (a
 * {@link TrainException} or {@link IllegalArgumentException}). Once the run exists, a failure marks
 * it FAILED and registers no version. Thread-safe.
 */
public final class TrainingService {
  /** The model's folder among its run's artifacts. */
  public static final String MODEL_PATH = "model";

  /** The run's {@code mlflow.source.name}. */
  public static final String SOURCE_NAME = "tend train";

  private final DatasetRepository datasets;
  private final TrackingRepository tracking;
  private final RunArtifacts runArtifacts;
  private final RegistryRepository registry;
  private final ArtifactStore artifacts;
  private final Engine engine;
  private final Path workDir;
  private final ObjectMapper mapper = new ObjectMapper();

  /**
   * @param engine opens the materialized dataset version; owned by the caller
   * @param workDir where versions are materialized while they train ({@code <data.dir>/work})
   */
  public TrainingService(
      DatasetRepository datasets,
      TrackingRepository tracking,
      RunArtifacts runArtifacts,
      RegistryRepository registry,
      ArtifactStore artifacts,
      Engine engine,
      Path workDir) {
    this.datasets = requireNonNull(datasets, "datasets is null");
    this.tracking = requireNonNull(tracking, "tracking is null");
    this.runArtifacts = requireNonNull(runArtifacts, "runArtifacts is null");
    this.registry = requireNonNull(registry, "registry is null");
    this.artifacts = requireNonNull(artifacts, "artifacts is null");
    this.engine = requireNonNull(engine, "engine is null");
    this.workDir = requireNonNull(workDir, "workDir is null");
  }

  /**
   * One training: the data (its reference as given, the versions it resolved to, oldest first, the
   * last being the one named, read as one union; and an optional row filter) and options.
   */
  public record Job(
      Project project,
      String modelName,
      String datasetRef,
      List<DatasetVersion> versions,
      Optional<Expr> where,
      TrainOptions options,
      String actor) {
    public Job {
      requireNonNull(project, "project is null");
      requireNonNull(modelName, "modelName is null");
      requireNonNull(datasetRef, "datasetRef is null");
      versions = List.copyOf(versions);
      if (versions.isEmpty()) {
        throw new IllegalArgumentException("a training reads at least one dataset version");
      }
      requireNonNull(where, "where is null");
      requireNonNull(options, "options is null");
      requireNonNull(actor, "actor is null");
    }

    /** A training on every row of one version. */
    public Job(
        Project project,
        String modelName,
        String datasetRef,
        DatasetVersion version,
        TrainOptions options,
        String actor) {
      this(project, modelName, datasetRef, List.of(version), Optional.empty(), options, actor);
    }

    /** The version named, the newest read. */
    public DatasetVersion version() {
      return versions.getLast();
    }
  }

  /**
   * Where a training's run goes: its experiment, name and extra tags (a pipeline's run sets {@code
   * mlflow.parentRunId}).
   */
  public record Placement(long experimentId, String runName, List<KeyValue> tags) {
    public Placement {
      requireNonNull(runName, "runName is null");
      tags = List.copyOf(tags);
    }
  }

  /** A model trained and recorded as a finished run's artifacts under {@link #MODEL_PATH}. */
  public record Recorded(RunInfo run, TrainingResult result, SortedMap<String, Double> metrics) {}

  /** What a training recorded. */
  public record Trained(
      RunInfo run,
      ModelVersion version,
      TrainingResult result,
      SortedMap<String, Double> metrics) {}

  /** Trains {@code job} and records it; see the class comment for what a failure leaves. */
  public Trained train(Job job) {
    Optional<RegisteredModel> existing = registry.model(job.project().id(), job.modelName());
    RegisteredModel model =
        existing.orElseGet(
            () ->
                registry.createModel(
                    job.project().id(), job.modelName(), Optional.empty(), List.of(), job.actor()));
    Recorded recorded;
    try {
      long experiment =
          tracking
              .ensureExperiment(
                  job.project().id(),
                  "models/" + job.project().name() + "/" + job.modelName(),
                  List.of(),
                  job.actor())
              .id();
      recorded = trainRun(job, new Placement(experiment, job.modelName() + "-train", List.of()));
    } catch (RuntimeException e) {
      if (existing.isEmpty()) {
        registry.deleteModel(model.id(), job.actor());
      }
      throw e;
    }
    try {
      ModelVersion version =
          register(
              job.project(),
              job.modelName(),
              recorded.run().runId(),
              "trained on " + job.datasetRef(),
              List.of(),
              job.actor());
      return new Trained(recorded.run(), version, recorded.result(), recorded.metrics());
    } catch (RuntimeException e) {
      markFailed(recorded.run().runId());
      throw e;
    }
  }

  /**
   * Trains {@code job} and records it as a finished run in {@code placement} with the model under
   * {@link #MODEL_PATH}, without registering it. Nothing is written when training fails; a failure
   * after the run exists marks it FAILED.
   */
  public Recorded trainRun(Job job, Placement placement) {
    try (PushFolder folder = PushFolder.create(workDir)) {
      TrainingResult result = trainIn(folder.path().resolve("data"), job);
      Path modelDir = folder.path().resolve(MODEL_PATH);
      result.model().save(modelDir);
      return record(job, placement, result, modelDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Registers the model a run recorded under {@link #MODEL_PATH} as the next version of {@code
   * modelName}, creating the registered model when it does not exist.
   */
  public ModelVersion register(
      Project project,
      String modelName,
      String runId,
      String description,
      List<KeyValue> tags,
      String actor) {
    RegisteredModel model =
        registry
            .model(project.id(), modelName)
            .orElseGet(
                () ->
                    registry.createModel(
                        project.id(), modelName, Optional.empty(), List.of(), actor));
    return registry.createVersion(
        model.id(),
        new NewModelVersion(
            "runs:/" + runId + "/" + MODEL_PATH,
            Optional.of(runId),
            Optional.empty(),
            Optional.of(description),
            Optional.of(actor),
            tags),
        actor);
  }

  private void markFailed(String runId) {
    tracking.updateRun(
        runId,
        Optional.of(RunStatus.FAILED),
        Optional.of(Instant.now().toEpochMilli()),
        Optional.empty());
  }

  private TrainingResult trainIn(Path dataDir, Job job) throws IOException {
    DataSource.Files source =
        VersionFiles.materialize(datasets, artifacts, job.versions(), dataDir);
    try (dev.tend.engine.Dataset data = engine.open(source)) {
      return Trainer.train(data, job.options(), job.where());
    }
  }

  private Recorded record(Job job, Placement placement, TrainingResult result, Path modelDir)
      throws IOException {
    List<KeyValue> tags = tags(job, result);
    tags.addAll(placement.tags());
    RunInfo run =
        tracking.createRun(
            new NewRun(
                placement.experimentId(),
                Optional.of(placement.runName()),
                Optional.of(job.actor()),
                Optional.empty(),
                tags));
    try {
      if (job.versions().size() > 1) {
        tracking.logInputs(run.runId(), trainingInputs(job));
        tracking.logBatch(run.runId(), List.of(), List.of(), List.of(datasetTag(job)));
      }
      SortedMap<String, Double> metrics = metrics(result);
      long now = Instant.now().toEpochMilli();
      List<Metric> logged = new ArrayList<>();
      metrics.forEach((k, v) -> logged.add(new Metric(k, v, now, 0)));
      tracking.logBatch(run.runId(), logged, params(job, result), List.of());
      uploadModel(run.runId(), result, modelDir);
      RunInfo finished =
          tracking.updateRun(
              run.runId(), Optional.of(RunStatus.FINISHED), Optional.of(now), Optional.empty());
      return new Recorded(finished, result, metrics);
    } catch (RuntimeException | IOException e) {
      markFailed(run.runId());
      throw e;
    }
  }

  private static List<KeyValue> tags(Job job, TrainingResult result) {
    List<KeyValue> tags = new ArrayList<>();
    tags.add(new KeyValue("mlflow.source.name", SOURCE_NAME));
    tags.add(new KeyValue("mlflow.source.type", "JOB"));
    tags.add(new KeyValue("mlflow.user", job.actor()));
    if (job.versions().size() == 1) {
      tags.add(datasetTag(job));
    }
    result
        .model()
        .manifest()
        .libraries()
        .forEach((k, v) -> tags.add(new KeyValue("tend.library." + k, v)));
    Optional.ofNullable(TrainingService.class.getPackage().getImplementationVersion())
        .ifPresent(v -> tags.add(new KeyValue("tend.version", v)));
    return tags;
  }

  /* The version named, which the registry takes as the training dataset of the model. */
  private static KeyValue datasetTag(Job job) {
    return new KeyValue(TrackingRepository.DATASET_TAG, datasetLabel(job, job.version()));
  }

  private static String datasetLabel(Job job, DatasetVersion version) {
    return job.datasetRef().replaceFirst("@.*$", "@" + version.number());
  }

  /*
   * Every version of a window as a training input, oldest first; the named one is logged last so
   * that it is the run's newest training input, the one a registered version records.
   */
  private static List<RunInput> trainingInputs(Job job) {
    String name = job.datasetRef().replaceFirst("@.*$", "");
    return job.versions().stream()
        .map(
            v ->
                RunInput.of(
                    name,
                    v.id(),
                    "tend",
                    datasetLabel(job, v),
                    Optional.empty(),
                    Optional.empty(),
                    Map.of(RunInput.CONTEXT_TAG, "training")))
        .toList();
  }

  private static List<KeyValue> params(Job job, TrainingResult result) {
    TrainOptions o = job.options();
    SortedMap<String, String> params = new TreeMap<>();
    params.put("task", o.task().name().toLowerCase(java.util.Locale.ROOT));
    params.put("label", o.label().describe());
    params.put("features", String.join(",", o.features()));
    params.put("seed", Long.toString(o.seed()));
    params.put("threshold", Double.toString(o.threshold()));
    job.where().ifPresent(w -> params.put("where", Expressions.format(w)));
    if (o.split() instanceof Split.Random random) {
      params.put("split", "random");
      params.put("split.validation", Double.toString(random.validationFraction()));
      params.put("split.test", Double.toString(random.testFraction()));
    } else if (o.split() instanceof Split.ByTime byTime) {
      params.put("split", "time");
      params.put("split.column", byTime.column());
      params.put("split.validation_from", byTime.validationFrom().toString());
      params.put("split.test_from", byTime.testFrom().toString());
    } else {
      params.put("split", o.split().toString());
    }
    params.put("rounds", Integer.toString(o.hyperParameters().rounds()));
    params.put(
        "early_stopping_rounds", Integer.toString(o.hyperParameters().earlyStoppingRounds()));
    params.put("boosted_rounds", Integer.toString(result.boostedRounds()));
    params.put("train_rows", Long.toString(result.trainRows()));
    params.put("validation_rows", Long.toString(result.validationRows()));
    params.put("test_rows", Long.toString(result.testRows()));
    params.put("skipped_rows", Long.toString(result.skippedRows()));
    if (job.versions().size() > 1) {
      params.put(
          "dataset_versions",
          job.datasetRef().replaceFirst("@.*$", "@")
              + String.join(
                  ",", job.versions().stream().map(v -> Integer.toString(v.number())).toList()));
      params.put(
          "dataset_rows",
          Long.toString(job.versions().stream().mapToLong(DatasetVersion::rowCount).sum()));
    }
    result.model().manifest().parameters().forEach((k, v) -> params.put("xgboost." + k, v));
    return params.entrySet().stream().map(e -> new KeyValue(e.getKey(), e.getValue())).toList();
  }

  /* The holdout evaluation's defined metrics; undefined ones are left out, not logged as NaN. */
  private static SortedMap<String, Double> metrics(TrainingResult result) {
    SortedMap<String, Double> out = new TreeMap<>();
    if (result.binary().isPresent()) {
      BinaryMetrics m = result.binary().get();
      put(out, "accuracy", m.accuracy());
      put(out, "precision", m.precision());
      put(out, "recall", m.recall());
      put(out, "f1", m.f1());
      put(out, "roc_auc", m.rocAuc());
      put(out, "average_precision", m.averagePrecision());
      put(out, "log_loss", m.logLoss());
      put(out, "brier", m.brier());
    }
    if (result.multiclass().isPresent()) {
      MulticlassMetrics m = result.multiclass().get();
      put(out, "accuracy", m.accuracy());
      put(out, "f1_macro", m.macro().f1());
      put(out, "f1_weighted", m.weighted().f1());
      put(out, "roc_auc", m.rocAuc());
      put(out, "log_loss", m.logLoss());
    }
    if (result.regression().isPresent()) {
      RegressionMetrics m = result.regression().get();
      put(out, "mae", m.mae());
      put(out, "rmse", m.rmse());
      put(out, "r2", m.r2());
      put(out, "mape", m.mape());
    }
    return out;
  }

  private static void put(Map<String, Double> out, String key, MetricValue value) {
    if (value.isDefined()) {
      out.put(key, value.value());
    }
  }

  private void uploadModel(String runId, TrainingResult result, Path modelDir) throws IOException {
    List<Path> files;
    try (Stream<Path> listed = Files.list(modelDir)) {
      files = listed.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        runArtifacts.put(runId, MODEL_PATH + "/" + file.getFileName(), in);
      }
    }
    byte[] mlModel = mlModel(runId, result).getBytes(StandardCharsets.UTF_8);
    runArtifacts.put(runId, MODEL_PATH + "/MLmodel", new ByteArrayInputStream(mlModel));
  }

  /* MLflow's MLmodel shape: the xgboost flavor over model.ubj, Tend's files, the signature. */
  private String mlModel(String runId, TrainingResult result) throws IOException {
    Signature signature = result.model().signature();
    ArrayNode inputs = mapper.createArrayNode();
    signature
        .inputs()
        .forEach(i -> inputs.addObject().put("name", i.name()).put("type", mlflowType(i.type())));
    ArrayNode outputs = mapper.createArrayNode();
    signature
        .outputs()
        .forEach(o -> outputs.addObject().put("name", o.name()).put("type", mlflowType(o.type())));
    String libraries = mapper.writeValueAsString(result.model().manifest().libraries());
    return String.join(
        "\n",
        "artifact_path: " + MODEL_PATH,
        "flavors:",
        "  xgboost:",
        "    data: model.ubj",
        "    model_format: ubj",
        "    xgb_version: " + Trainer.XGBOOST_VERSION,
        "  tend:",
        "    manifest: manifest.json",
        "    preprocessing: preprocessing.json",
        "    libraries: " + libraries,
        "run_id: " + runId,
        "signature:",
        "  inputs: " + mapper.writeValueAsString(mapper.writeValueAsString(inputs)),
        "  outputs: " + mapper.writeValueAsString(mapper.writeValueAsString(outputs)),
        "");
  }

  private static String mlflowType(DataType type) {
    return switch (type) {
      case BOOLEAN -> "boolean";
      case INTEGER -> "long";
      case DOUBLE -> "double";
      case DATE, TIMESTAMP -> "datetime";
      default -> "string";
    };
  }
}
