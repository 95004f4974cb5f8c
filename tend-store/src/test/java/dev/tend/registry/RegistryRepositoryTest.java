package dev.tend.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.artifacts.LocalArtifactStore;
import dev.tend.audit.AuditEvent;
import dev.tend.audit.AuditLog;
import dev.tend.datasets.Dataset;
import dev.tend.datasets.DatasetRepository;
import dev.tend.datasets.DatasetVersion;
import dev.tend.datasets.ManifestFile;
import dev.tend.datasets.PendingVersion;
import dev.tend.datasets.VersionContent;
import dev.tend.datasets.VersionStatus;
import dev.tend.datasets.VersionUsage;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.store.ConflictException;
import dev.tend.store.Engine;
import dev.tend.store.NotFoundException;
import dev.tend.store.Page;
import dev.tend.store.TestDatabase;
import dev.tend.tracking.Experiment;
import dev.tend.tracking.KeyValue;
import dev.tend.tracking.Metric;
import dev.tend.tracking.NewRun;
import dev.tend.tracking.RunArtifacts;
import dev.tend.tracking.TrackingRepository;
import dev.tend.tracking.search.FilterSyntaxException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Engine.class)
class RegistryRepositoryTest {
  static final String MLMODEL =
      """
      artifact_path: model
      flavors:
        python_function:
          loader_module: mlflow.xgboost
        xgboost:
          data: model.xgb
          model_class: xgboost.sklearn.XGBClassifier
      signature:
        inputs: '[{"type": "long", "name": "hour", "required": true}, {"type": "double",
          "name": "distance", "required": true}, {"type": "string", "name": "origin"}]'
        outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1]}}]'
      """;

  @Parameter Engine engine;
  @TempDir Path artifactsDir;
  TestDatabase db;
  LocalArtifactStore store;
  RegistryRepository registry;
  TrackingRepository tracking;
  RunArtifacts runArtifacts;
  DatasetRepository datasets;
  Project flights;
  Project other;
  Experiment experiment;

  @BeforeEach
  void open() {
    db = TestDatabase.create(engine);
    store = LocalArtifactStore.open(artifactsDir);
    registry = RegistryRepository.of(db.database(), store);
    tracking = TrackingRepository.of(db.database());
    runArtifacts = RunArtifacts.of(db.database(), store);
    datasets = DatasetRepository.of(db.database());
    ProjectRepository projects = ProjectRepository.of(db.database());
    flights = projects.create("flights", "", "alice");
    other = projects.create("other", "", "alice");
    experiment =
        tracking.createExperiment(flights.id(), "delays", Optional.empty(), List.of(), "alice");
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void modelNamesAreUniquePerProjectAndChangesAreAudited() {
    RegisteredModel model =
        registry.createModel(
            flights.id(),
            "delays",
            Optional.of("late flights"),
            List.of(new KeyValue("team", "ops")),
            "alice");
    RegisteredModel elsewhere =
        registry.createModel(other.id(), "delays", Optional.empty(), List.of(), "bob");

    assertThat(model.description()).contains("late flights");
    assertThat(model.tags()).containsEntry("team", "ops");
    assertThat(registry.model(flights.id(), "delays")).contains(model);
    assertThat(registry.modelsNamed("delays"))
        .extracting(RegisteredModel::id)
        .containsExactlyInAnyOrder(model.id(), elsewhere.id());
    assertThatThrownBy(
            () -> registry.createModel(flights.id(), "delays", Optional.empty(), List.of(), "x"))
        .isInstanceOf(ConflictException.class)
        .hasMessage("Registered Model (name=delays) already exists.");
    assertThatThrownBy(
            () -> registry.createModel(flights.id(), "", Optional.empty(), List.of(), "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be empty");
    assertThatThrownBy(
            () -> registry.createModel(flights.id(), "a/b", Optional.empty(), List.of(), "x"))
        .hasMessageContaining("cannot contain '/'");

    db.clock().advance(java.time.Duration.ofSeconds(5));
    RegisteredModel renamed = registry.renameModel(model.id(), "delays-v2", "alice");
    RegisteredModel described = registry.updateModel(model.id(), "new text", "alice");
    registry.setModelTag(model.id(), "stage", "dev");
    registry.deleteModelTag(model.id(), "team");

    assertThat(renamed.name()).isEqualTo("delays-v2");
    assertThat(renamed.lastUpdatedTime()).isGreaterThan(model.lastUpdatedTime());
    assertThat(described.description()).contains("new text");
    assertThat(registry.model(model.id()).orElseThrow().tags()).containsOnlyKeys("stage");
    assertThatThrownBy(() -> registry.deleteModelTag(model.id(), "team"))
        .isInstanceOf(NotFoundException.class);
    registry.deleteModel(elsewhere.id(), "bob");
    assertThat(registry.model(elsewhere.id())).isEmpty();
    assertThat(actions()).contains("model.create", "model.rename", "model.update", "model.delete");
  }

  @Test
  void aVersionFromRunArtifactsRecordsFilesFormatSignatureMetricsAndTrainingData()
      throws IOException {
    DatasetVersion january = datasetVersion();
    String runId =
        tracking
            .createRun(
                new NewRun(
                    experiment.id(),
                    Optional.of("train"),
                    Optional.empty(),
                    Optional.empty(),
                    List.of(new KeyValue(TrackingRepository.DATASET_TAG, "trips@1"))))
            .runId();
    tracking.logBatch(
        runId,
        List.of(new Metric("auc", 0.71, 1, 0), new Metric("auc", 0.74, 2, 1)),
        List.of(),
        List.of());
    put(runId, "model/MLmodel", MLMODEL);
    put(runId, "model/model.xgb", "binary model");
    put(runId, "notes.txt", "not part of the model");
    RegisteredModel model =
        registry.createModel(flights.id(), "delays", Optional.empty(), List.of(), "alice");

    ModelVersion version =
        registry.createVersion(
            model.id(),
            new NewModelVersion(
                "runs:/" + runId + "/model",
                Optional.of(runId),
                Optional.empty(),
                Optional.of("first"),
                Optional.of("alice"),
                List.of(new KeyValue("k", "v"))),
            "alice");

    assertThat(version.version()).isEqualTo(1);
    assertThat(version.status()).isEqualTo(ModelVersionStatus.READY);
    assertThat(version.stage()).isEqualTo(ModelStage.NONE);
    assertThat(version.format()).isEqualTo(ModelFormat.XGBOOST);
    assertThat(version.runId()).contains(runId);
    assertThat(version.storageLocation())
        .contains("mlflow-artifacts:/" + experiment.id() + "/" + runId + "/artifacts/model");
    assertThat(version.signature().inputs())
        .extracting(c -> c.name().orElse("?") + ":" + c.type())
        .containsExactly("hour:long", "distance:double", "origin:string");
    assertThat(version.signature().outputs())
        .extracting(SignatureColumn::type)
        .containsExactly("tensor<float32>");
    assertThat(version.metrics()).containsEntry("auc", 0.74);
    assertThat(version.files()).extracting(f -> f.path()).containsExactly("MLmodel", "model.xgb");
    assertThat(version.datasetVersionId()).contains(january.id());
    assertThat(version.tags()).containsEntry("k", "v");
    assertThat(datasets.usages(january.id()))
        .extracting(VersionUsage::usedByKind, VersionUsage::usedById)
        .contains(
            org.assertj.core.groups.Tuple.tuple("run", runId),
            org.assertj.core.groups.Tuple.tuple(RegistryRepository.USAGE_KIND, version.id()));

    ModelManifest manifest;
    try (InputStream in = store.open(version.manifestSha256().orElseThrow())) {
      manifest = ModelManifest.parse(in.readAllBytes());
    }
    assertThat(manifest.model()).isEqualTo("delays");
    assertThat(manifest.version()).isEqualTo(1);
    assertThat(manifest.format()).isEqualTo(ModelFormat.XGBOOST);
    assertThat(manifest.runId()).contains(runId);
    assertThat(manifest.trainingDatasetVersionId()).contains(january.id());
    assertThat(manifest.signature()).isEqualTo(version.signature());
    assertThat(manifest.metrics()).isEqualTo(version.metrics());
    assertThat(manifest.files()).isEqualTo(version.files());
    assertThat(actions()).contains("model_version.create");
  }

  @Test
  void versionsAreNumberedPerModelAndNumbersOfDeletedVersionsAreNotReused() {
    RegisteredModel model =
        registry.createModel(flights.id(), "m", Optional.empty(), List.of(), "a");
    RegisteredModel second =
        registry.createModel(flights.id(), "n", Optional.empty(), List.of(), "a");
    assertThat(external(model).version()).isEqualTo(1);
    assertThat(external(model).version()).isEqualTo(2);
    assertThat(external(second).version()).isEqualTo(1);
    registry.setAlias(model.id(), "champion", 2, "a");
    String deletedId = registry.version(model.id(), 2).orElseThrow().id();
    assertThat(registry.versionById(deletedId)).isEqualTo(registry.version(model.id(), 2));

    registry.deleteVersion(model.id(), 2, "a");

    assertThat(registry.versionById(deletedId)).isEmpty();

    assertThat(registry.version(model.id(), 2)).isEmpty();
    assertThat(registry.versionByAlias(model.id(), "champion")).isEmpty();
    assertThat(external(model).version()).isEqualTo(3);
    assertThatThrownBy(() -> registry.deleteVersion(model.id(), 2, "a"))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("Model Version (name=m, version=2) not found");
    ModelVersion plain = registry.version(model.id(), 1).orElseThrow();
    assertThat(plain.format()).isEqualTo(ModelFormat.OTHER);
    assertThat(plain.files()).isEmpty();
    assertThat(plain.status()).isEqualTo(ModelVersionStatus.READY);
  }

  @Test
  void aRunSourceWithoutArtifactsFailsRegistrationAndAForeignRunIsRefusedWithNothingWritten() {
    RegisteredModel model =
        registry.createModel(flights.id(), "m", Optional.empty(), List.of(), "a");
    String runId = tracking.createRun(newRun(experiment)).runId();
    ModelVersion failed =
        registry.createVersion(model.id(), source("runs:/" + runId + "/model"), "a");
    assertThat(failed.status()).isEqualTo(ModelVersionStatus.FAILED_REGISTRATION);
    assertThat(failed.statusMessage().orElseThrow()).contains("no artifacts under 'model'");
    assertThat(failed.manifestSha256()).isEmpty();

    Experiment foreign =
        tracking.createExperiment(other.id(), "foreign", Optional.empty(), List.of(), "a");
    String foreignRun = tracking.createRun(newRun(foreign)).runId();
    long before = db.count("model_versions");
    assertThatThrownBy(
            () -> registry.createVersion(model.id(), source("runs:/" + foreignRun + "/m"), "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("another Tend project");
    assertThatThrownBy(
            () ->
                registry.createVersion(
                    model.id(), source("runs:/0123456789abcdef0123456789abcdef/m"), "a"))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(
            () -> registry.createVersion(model.id(), source("runs:/" + runId + "/../x"), "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'..' segment");
    assertThat(db.count("model_versions")).isEqualTo(before);
    assertThat(external(model).version()).as("refused versions used no number").isEqualTo(2);
  }

  @Test
  void transitionsArchiveExistingVersionsOfActiveStagesOnly() {
    RegisteredModel model =
        registry.createModel(flights.id(), "m", Optional.empty(), List.of(), "a");
    for (int i = 0; i < 3; i++) {
      external(model);
    }
    registry.transitionStage(model.id(), 1, ModelStage.PRODUCTION, false, "a");
    registry.transitionStage(model.id(), 2, ModelStage.PRODUCTION, false, "a");

    ModelVersion third = registry.transitionStage(model.id(), 3, ModelStage.PRODUCTION, true, "a");

    assertThat(third.stage()).isEqualTo(ModelStage.PRODUCTION);
    assertThat(registry.version(model.id(), 1).orElseThrow().stage())
        .isEqualTo(ModelStage.ARCHIVED);
    assertThat(registry.version(model.id(), 2).orElseThrow().stage())
        .isEqualTo(ModelStage.ARCHIVED);
    assertThat(registry.latestVersions(model.id(), List.of()))
        .extracting(v -> v.stage().label() + "=" + v.version())
        .containsExactly("Archived=2", "Production=3");
    assertThat(registry.latestVersions(model.id(), List.of(ModelStage.STAGING))).isEmpty();
    assertThatThrownBy(
            () -> registry.transitionStage(model.id(), 1, ModelStage.ARCHIVED, true, "a"))
        .hasMessageContaining("is not an Active stage");
    assertThatThrownBy(() -> ModelStage.parse("prod"))
        .hasMessage(
            "Invalid Model Version stage: prod. Value must be one of None, Staging, Production,"
                + " Archived.");
    assertThat(ModelStage.parse("staging")).isEqualTo(ModelStage.STAGING);
    assertThat(actions()).contains("model_version.transition");
  }

  @Test
  void aliasesPointAtVersionsAndFollowMoves() {
    RegisteredModel model =
        registry.createModel(flights.id(), "m", Optional.empty(), List.of(), "a");
    external(model);
    external(model);
    registry.setAlias(model.id(), "champion", 1, "a");
    registry.setAlias(model.id(), "champion", 2, "a");
    registry.setAlias(model.id(), "challenger", 1, "a");

    assertThat(registry.versionByAlias(model.id(), "champion").orElseThrow().version())
        .isEqualTo(2);
    assertThat(registry.model(model.id()).orElseThrow().aliases())
        .containsEntry("champion", 2)
        .containsEntry("challenger", 1);
    assertThat(registry.version(model.id(), 1).orElseThrow().aliases())
        .containsExactly("challenger");
    assertThatThrownBy(() -> registry.setAlias(model.id(), "latest", 1, "a"))
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> registry.setAlias(model.id(), "v3", 1, "a"))
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> registry.setAlias(model.id(), "x", 9, "a"))
        .isInstanceOf(NotFoundException.class);
    registry.deleteAlias(model.id(), "challenger", "a");
    assertThat(registry.versionByAlias(model.id(), "challenger")).isEmpty();
  }

  @Test
  void searchesUseMlflowsGrammarOnNamesTagsRunsAndSources() {
    RegisteredModel delays =
        registry.createModel(
            flights.id(), "Delays", Optional.empty(), List.of(new KeyValue("team", "ops")), "a");
    registry.createModel(flights.id(), "delays-small", Optional.empty(), List.of(), "a");
    registry.createModel(other.id(), "hidden", Optional.empty(), List.of(), "a");
    String runA = tracking.createRun(newRun(experiment)).runId();
    String runB = tracking.createRun(newRun(experiment)).runId();
    registry.createVersion(delays.id(), withRun("s3://bucket/a", runA), "a");
    registry.createVersion(delays.id(), withRun("s3://bucket/b", runB), "a");
    registry.setVersionTag(delays.id(), 2, "quality", "good");

    assertThat(models("name LIKE 'delays%'")).containsExactly("delays-small");
    assertThat(models("name ILIKE 'delays%'")).containsExactly("Delays", "delays-small");
    assertThat(models("tags.team = 'ops'")).containsExactly("Delays");
    assertThat(models("")).containsExactly("Delays", "delays-small", "hidden");
    Page<RegisteredModel> first =
        registry.searchModels(
            new ModelSearch("", 2, List.of("name DESC"), Optional.empty(), Optional.empty()));
    assertThat(first.items())
        .extracting(RegisteredModel::name)
        .containsExactly("hidden", "delays-small");
    assertThat(
            registry
                .searchModels(
                    new ModelSearch(
                        "", 2, List.of("name DESC"), first.nextCursor(), Optional.empty()))
                .items())
        .extracting(RegisteredModel::name)
        .containsExactly("Delays");

    assertThat(
            registry
                .searchModels(
                    new ModelSearch(
                        "",
                        100,
                        List.of(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(flights.id())))
                .items())
        .as("only the project asked for")
        .extracting(RegisteredModel::name)
        .containsExactly("Delays", "delays-small");
    assertThat(
            registry
                .searchVersions(
                    new ModelSearch(
                        "name = 'Delays'",
                        100,
                        List.of(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(other.id())))
                .items())
        .isEmpty();

    assertThat(versions("run_id = '" + runA + "'")).containsExactly("Delays/1");
    assertThat(versions("run_id IN ('" + runA + "', '" + runB + "')"))
        .containsExactly("Delays/2", "Delays/1");
    assertThat(versions("name = 'Delays' AND version_number > 1")).containsExactly("Delays/2");
    assertThat(versions("source_path LIKE 's3://bucket/%' AND tags.quality = 'good'"))
        .containsExactly("Delays/2");
    assertThatThrownBy(() -> models("name == 'x'"))
        .isInstanceOf(FilterSyntaxException.class)
        .hasMessageContaining("at position 6");
    assertThatThrownBy(() -> models("metrics.acc > 1"))
        .isInstanceOf(FilterSyntaxException.class)
        .hasMessageContaining("cannot filter on metrics");
    assertThatThrownBy(() -> versions("source_path IN ('a')"))
        .isInstanceOf(FilterSyntaxException.class);
    assertThatThrownBy(
            () ->
                registry.searchModels(
                    new ModelSearch("", 1001, List.of(), Optional.empty(), Optional.empty())))
        .hasMessageContaining("at most 1000");
  }

  private List<String> models(String filter) {
    return registry
        .searchModels(new ModelSearch(filter, 100, List.of(), Optional.empty(), Optional.empty()))
        .items()
        .stream()
        .map(RegisteredModel::name)
        .toList();
  }

  private List<String> versions(String filter) {
    return registry
        .searchVersions(new ModelSearch(filter, 100, List.of(), Optional.empty(), Optional.empty()))
        .items()
        .stream()
        .map(v -> v.modelName() + "/" + v.version())
        .toList();
  }

  private ModelVersion external(RegisteredModel model) {
    return registry.createVersion(model.id(), source("s3://bucket/model"), "a");
  }

  private static NewModelVersion source(String source) {
    return new NewModelVersion(
        source, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of());
  }

  private static NewModelVersion withRun(String source, String runId) {
    return new NewModelVersion(
        source,
        Optional.of(runId),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        List.of());
  }

  private static NewRun newRun(Experiment experiment) {
    return new NewRun(
        experiment.id(), Optional.empty(), Optional.empty(), Optional.empty(), List.of());
  }

  private void put(String runId, String path, String content) {
    runArtifacts.put(
        runId, path, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
  }

  private List<String> actions() {
    return AuditLog.of(db.database()).list(Optional.empty(), Optional.empty(), 500).items().stream()
        .map(AuditEvent::action)
        .toList();
  }

  private DatasetVersion datasetVersion() {
    Dataset trips = datasets.create(flights.id(), "trips", "alice");
    PendingVersion pending = datasets.reserveVersion(trips.id(), "upload", "alice");
    return datasets.commitVersion(
        pending.id(),
        VersionStatus.ACCEPTED,
        new VersionContent(
            List.of(new ManifestFile("a.csv", 1, "0".repeat(64))),
            1,
            1,
            "{}",
            "p".getBytes(StandardCharsets.UTF_8),
            "{}"),
        "alice");
  }
}
