package dev.tend.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.audit.AuditLog;
import dev.tend.datasets.Dataset;
import dev.tend.datasets.DatasetRepository;
import dev.tend.datasets.DatasetVersion;
import dev.tend.datasets.ManifestFile;
import dev.tend.datasets.PendingVersion;
import dev.tend.datasets.VersionContent;
import dev.tend.datasets.VersionStatus;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.store.ConflictException;
import dev.tend.store.Engine;
import dev.tend.store.NotFoundException;
import dev.tend.store.Page;
import dev.tend.store.TestDatabase;
import dev.tend.tracking.search.FilterSyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Engine.class)
class TrackingRepositoryTest {
  @Parameter Engine engine;
  TestDatabase db;
  TrackingRepository tracking;
  Project project;
  Experiment experiment;

  @BeforeEach
  void open() {
    db = TestDatabase.create(engine);
    tracking = TrackingRepository.of(db.database());
    project = ProjectRepository.of(db.database()).create("flights", "", "alice");
    experiment =
        tracking.createExperiment(project.id(), "delays", Optional.empty(), List.of(), "alice");
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void createsExperimentsWithIncreasingIdsAndDefaultsAndAuditsThem() {
    Experiment second =
        tracking.createExperiment(
            project.id(),
            "delays v2",
            Optional.of("s3://bucket/x"),
            List.of(new KeyValue("team", "ops")),
            "bob");

    assertThat(experiment.id()).isEqualTo(1);
    assertThat(experiment.artifactLocation()).isEqualTo("mlflow-artifacts:/1");
    assertThat(experiment.lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
    assertThat(experiment.creationTime()).isEqualTo(db.clock().instant().toEpochMilli());
    assertThat(second.id()).isEqualTo(2);
    assertThat(second.artifactLocation()).isEqualTo("s3://bucket/x");
    assertThat(tracking.experimentByName("delays v2")).contains(second);
    assertThat(tracking.experiment(2)).map(Experiment::tags).contains(second.tags());
    assertThat(second.tags()).containsEntry("team", "ops");
    assertThat(
            AuditLog.of(db.database())
                .list(Optional.of(project.id()), Optional.empty(), 10)
                .items())
        .extracting(e -> e.action())
        .as("newest first")
        .containsExactly("experiment.create", "experiment.create", "project.create");
  }

  @Test
  void aTakenNameIsAConflictAndLeavesNothingBehind() {
    assertThatThrownBy(
            () ->
                tracking.createExperiment(
                    project.id(), "delays", Optional.empty(), List.of(), "alice"))
        .isInstanceOf(ConflictException.class)
        .hasMessage("Experiment(name=delays) already exists.");
    assertThat(db.count("experiments")).isEqualTo(1);
    assertThat(
            tracking
                .createExperiment(project.id(), "other", Optional.empty(), List.of(), "alice")
                .id())
        .as("the refused create did not use up an id")
        .isEqualTo(2);
  }

  @Test
  void theDefaultExperimentIsCreatedOnce() {
    Experiment first = tracking.ensureDefaultExperiment(project.id());
    Experiment again = tracking.ensureDefaultExperiment(project.id());

    assertThat(first.id()).isZero();
    assertThat(first.name()).isEqualTo("Default");
    assertThat(again).isEqualTo(first);
  }

  @Test
  void aRunStartsRunningWithItsNameAsTagAndAnArtifactUriUnderItsExperiment() {
    RunInfo info = tracking.createRun(newRun("first", List.of(new KeyValue("mlflow.user", "al"))));

    assertThat(info.runId()).matches("[0-9a-f]{32}");
    assertThat(info.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(info.artifactUri()).isEqualTo("mlflow-artifacts:/1/" + info.runId() + "/artifacts");
    Run run = tracking.run(info.runId()).orElseThrow();
    assertThat(run.tags())
        .containsEntry("mlflow.runName", "first")
        .containsEntry("mlflow.user", "al");
    assertThat(tracking.createRun(newRun(null, List.of())).runName())
        .as("a generated name")
        .matches("[a-z]+-[a-z]+-[0-9a-f]{2}");
  }

  @Test
  void metricsKeepTheirFullHistoryIncludingNanAndInfinitiesAndTheLatestByStepThenTime() {
    String run = tracking.createRun(newRun("r", List.of())).runId();

    tracking.logBatch(
        run,
        List.of(
            new Metric("loss", 0.9, 1000, 0),
            new Metric("loss", 0.5, 900, 2),
            new Metric("loss", 0.7, 2000, 1),
            new Metric("odd", Double.NaN, 1, 0),
            new Metric("big", Double.POSITIVE_INFINITY, 1, 0),
            new Metric("small", Double.NEGATIVE_INFINITY, 1, 0)),
        List.of(),
        List.of());

    List<Metric> history = tracking.metricHistory(run, "loss", Optional.empty(), 100).items();
    assertThat(history).extracting(Metric::step).containsExactly(0L, 1L, 2L);
    Run read = tracking.run(run).orElseThrow();
    assertThat(latest(read, "loss")).isEqualTo(new Metric("loss", 0.5, 900, 2));
    assertThat(latest(read, "odd").value()).isNaN();
    assertThat(latest(read, "big").value()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(latest(read, "small").value()).isEqualTo(Double.NEGATIVE_INFINITY);

    tracking.logBatch(run, List.of(new Metric("loss", 0.4, 950, 2)), List.of(), List.of());
    assertThat(latest(tracking.run(run).orElseThrow(), "loss").value())
        .as("same step, newer time wins")
        .isEqualTo(0.4);
    tracking.logBatch(run, List.of(new Metric("loss", 0.1, 5000, 1)), List.of(), List.of());
    assertThat(latest(tracking.run(run).orElseThrow(), "loss").value())
        .as("an older step does not replace the latest")
        .isEqualTo(0.4);
    tracking.logBatch(run, List.of(new Metric("odd", 3.0, 1, 0)), List.of(), List.of());
    assertThat(latest(tracking.run(run).orElseThrow(), "odd").value()).isEqualTo(3.0);
  }

  @Test
  void historyPagesWithTokens() {
    String run = tracking.createRun(newRun("r", List.of())).runId();
    List<Metric> points = new ArrayList<>();
    IntStream.range(0, 25).forEach(i -> points.add(new Metric("acc", i / 25.0, 1000 + i, i)));
    tracking.logBatch(run, points, List.of(), List.of());

    List<Long> steps = new ArrayList<>();
    Optional<String> token = Optional.empty();
    int pages = 0;
    do {
      Page<Metric> page = tracking.metricHistory(run, "acc", token, 10);
      page.items().forEach(m -> steps.add(m.step()));
      token = page.nextCursor();
      pages++;
    } while (token.isPresent());

    assertThat(pages).isEqualTo(3);
    assertThat(steps)
        .containsExactlyElementsOf(IntStream.range(0, 25).mapToObj(i -> (long) i).toList());
    assertThatThrownBy(() -> tracking.metricHistory("nope", "acc", Optional.empty(), 10))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void aChangedParamIsRefusedAndTheWholeBatchIsLeftUnwritten() {
    String run = tracking.createRun(newRun("r", List.of())).runId();
    tracking.logBatch(run, List.of(), List.of(new KeyValue("lr", "0.01")), List.of());
    tracking.logBatch(run, List.of(), List.of(new KeyValue("lr", "0.01")), List.of());

    assertThatThrownBy(
            () ->
                tracking.logBatch(
                    run,
                    List.of(new Metric("acc", 1, 1, 0)),
                    List.of(new KeyValue("depth", "3"), new KeyValue("lr", "0.1")),
                    List.of(new KeyValue("t", "v"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Changing param values is not allowed")
        .hasMessageContaining("key='lr'");
    Run read = tracking.run(run).orElseThrow();
    assertThat(read.params()).containsExactly(Map.entry("lr", "0.01"));
    assertThat(read.latestMetrics()).isEmpty();
    assertThat(read.tags()).doesNotContainKey("t");
  }

  @Test
  void batchLimitsAndKeyRulesAreMlflows() {
    String run = tracking.createRun(newRun("r", List.of())).runId();
    List<Metric> tooMany =
        IntStream.range(0, 1001).mapToObj(i -> new Metric("m", i, 1, i)).toList();
    assertThatThrownBy(() -> tracking.logBatch(run, tooMany, List.of(), List.of()))
        .hasMessageContaining("at most 1000 metrics. Got 1001");
    List<KeyValue> params =
        IntStream.range(0, 101).mapToObj(i -> new KeyValue("p" + i, "v")).toList();
    assertThatThrownBy(() -> tracking.logBatch(run, List.of(), params, List.of()))
        .hasMessageContaining("at most 100 params");
    assertThatThrownBy(
            () ->
                tracking.logBatch(
                    run,
                    List.of(),
                    List.of(new KeyValue("a", "1"), new KeyValue("a", "1")),
                    List.of()))
        .hasMessageContaining("Duplicate parameter keys");
    for (String bad : List.of("", "a//b", "/a", "a/", "..x", "a/./b", "bad*key")) {
      assertThatThrownBy(
              () -> tracking.logBatch(run, List.of(new Metric(bad, 1, 1, 0)), List.of(), List.of()))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Invalid metric name");
    }
    assertThatThrownBy(
            () ->
                tracking.logBatch(
                    run, List.of(), List.of(new KeyValue("p", "x".repeat(6001))), List.of()))
        .hasMessageContaining("exceeded length limit of 6000");
    assertThatThrownBy(
            () ->
                tracking.logBatch(
                    run, List.of(), List.of(), List.of(new KeyValue("t", "x".repeat(5001)))))
        .hasMessageContaining("exceeded length limit of 5000");
    tracking.logBatch(
        run,
        List.of(new Metric("val/loss é", 1, 1, 0)),
        List.of(new KeyValue("p", "x".repeat(6000))),
        List.of());
    assertThat(db.count("metrics")).isEqualTo(1);
  }

  @Test
  void deletedRunsRefuseWritesAndAreSearchedByViewType() {
    String kept = tracking.createRun(newRun("kept", List.of())).runId();
    String gone = tracking.createRun(newRun("gone", List.of())).runId();
    tracking.deleteRun(gone, "alice");

    assertThatThrownBy(
            () -> tracking.logBatch(gone, List.of(new Metric("a", 1, 1, 0)), List.of(), List.of()))
        .hasMessageContaining("must be in the 'active' state");
    assertThat(names(search("", ViewType.ACTIVE_ONLY, List.of()))).containsExactly("kept");
    assertThat(names(search("", ViewType.DELETED_ONLY, List.of()))).containsExactly("gone");
    assertThat(names(search("", ViewType.ALL, List.of("attributes.run_name"))))
        .containsExactly("gone", "kept");
    tracking.restoreRun(gone, "alice");
    assertThat(names(search("", ViewType.ACTIVE_ONLY, List.of("run_name DESC"))))
        .containsExactly("kept", "gone");

    tracking.deleteExperiment(experiment.id(), "alice");
    assertThat(search("", ViewType.ACTIVE_ONLY, List.of()).items()).isEmpty();
    assertThatThrownBy(() -> tracking.createRun(newRun("late", List.of())))
        .hasMessageContaining("must be in the 'active' state");
    tracking.restoreExperiment(experiment.id(), "alice");
    assertThat(search("", ViewType.ACTIVE_ONLY, List.of()).items()).hasSize(2);
    assertThat(kept).isNotEqualTo(gone);
  }

  @Test
  void searchFiltersOnMetricsParamsTagsAndAttributesWithAndOrAndParentheses() {
    String a = run("a", 0.9, "0.01", "cnn", 100);
    String b = run("b", 0.6, "0.1", "CNN-large", 200);
    String c = run("c", 0.3, "0.01", "rnn", 300);
    run("d", Double.NaN, "0.001", "mlp", 400);

    assertThat(names(search("metrics.acc > 0.5"))).containsExactly("b", "a");
    assertThat(names(search("metrics.acc > 0.5 AND params.lr = '0.01'"))).containsExactly("a");
    assertThat(names(search("metrics.acc < 0.5 OR params.lr = '0.1'"))).containsExactly("c", "b");
    assertThat(names(search("(metrics.acc < 0.5 OR params.lr = '0.1') AND tags.model LIKE 'CNN%'")))
        .containsExactly("b");
    assertThat(names(search("tags.model LIKE 'cnn%'")))
        .as("LIKE is case-sensitive")
        .containsExactly("a");
    assertThat(names(search("tags.model ILIKE 'cnn%'"))).containsExactly("b", "a");
    assertThat(names(search("tags.model LIKE '_nn'"))).containsExactly("c", "a");
    assertThat(names(search("metrics.acc != 0.9")))
        .as("NaN is not equal")
        .containsExactly("d", "c", "b");
    assertThat(names(search("metrics.missing > 0 OR metrics.`acc` >= 0.9"))).containsExactly("a");
    assertThat(names(search("params.lr != '0.01'"))).containsExactly("d", "b");
    assertThat(names(search("attributes.run_id IN ('" + a + "', '" + c + "')")))
        .containsExactly("c", "a");
    assertThat(names(search("run_id NOT IN ('" + a + "')"))).containsExactly("d", "c", "b");
    assertThat(names(search("attributes.start_time >= 200 AND attributes.start_time < 400")))
        .containsExactly("c", "b");
    assertThat(names(search("attributes.status = 'RUNNING' and run_name = 'b'")))
        .containsExactly("b");
    assertThat(names(search("tags.\"mlflow.runName\" = 'c'"))).containsExactly("c");
    assertThat(names(search("tags.mlflow.runName = 'c'"))).containsExactly("c");
    assertThat(names(search("attributes.`Run name` = 'a'"))).containsExactly("a");
    assertThat(b).isNotEqualTo(c);
  }

  @Test
  void orderByPutsValuesThenNanThenMissingInBothDirections() {
    run("a", 0.9, "0.01", "cnn", 100);
    run("b", 0.6, "0.1", "cnn", 200);
    run("nan", Double.NaN, "0.1", "cnn", 300);
    String none = tracking.createRun(newRun("none", 400L)).runId();
    assertThat(none).hasSize(32);

    assertThat(names(search("", ViewType.ACTIVE_ONLY, List.of("metrics.acc DESC"))))
        .containsExactly("a", "b", "nan", "none");
    assertThat(names(search("", ViewType.ACTIVE_ONLY, List.of("metrics.acc"))))
        .containsExactly("b", "a", "nan", "none");
    assertThat(
            names(search("", ViewType.ACTIVE_ONLY, List.of("params.lr DESC", "metrics.acc ASC"))))
        .containsExactly("b", "nan", "a", "none");
    assertThat(names(search("", ViewType.ACTIVE_ONLY, List.of())))
        .as("default: newest start first")
        .containsExactly("none", "nan", "b", "a");
    assertThatThrownBy(
            () -> search("", ViewType.ACTIVE_ONLY, List.of("metrics.acc", "metrics.acc DESC")))
        .hasMessageContaining("duplicate");
  }

  @Test
  void searchPagesThroughAllRunsWithTokens() {
    for (int i = 0; i < 7; i++) {
      run("r" + i, i / 10.0, "0.01", "cnn", 1000 + i);
    }
    List<String> seen = new ArrayList<>();
    Optional<String> token = Optional.empty();
    do {
      Page<Run> page =
          tracking.searchRuns(
              new RunSearch(
                  List.of(experiment.id()),
                  "",
                  ViewType.ACTIVE_ONLY,
                  3,
                  List.of("metrics.acc DESC"),
                  token));
      page.items().forEach(r -> seen.add(r.info().runName()));
      token = page.nextCursor();
    } while (token.isPresent());

    assertThat(seen).containsExactly("r6", "r5", "r4", "r3", "r2", "r1", "r0");
    assertThatThrownBy(
            () ->
                tracking.searchRuns(
                    new RunSearch(
                        List.of(experiment.id()),
                        "",
                        ViewType.ALL,
                        3,
                        List.of(),
                        Optional.of("%%%"))))
        .hasMessageContaining("Invalid page token");
  }

  @Test
  void aMalformedFilterIsRefusedWithItsPosition() {
    assertThatThrownBy(() -> search("metrics.acc > 0.5 AND params.lr == '1'"))
        .isInstanceOf(FilterSyntaxException.class)
        .hasMessageContaining("at position 33");
  }

  @Test
  void searchesExperimentsByNameAndTagsAndRestrictsToReadableProjects() {
    tracking.setExperimentTag(experiment.id(), "team", "ops");
    Project other = ProjectRepository.of(db.database()).create("other", "", "alice");
    tracking.createExperiment(other.id(), "hidden", Optional.empty(), List.of(), "alice");
    String carol =
        dev.tend.access.AccessRepository.of(db.database())
            .createPrincipal("carol", false, "alice")
            .id();
    dev.tend.access.AccessRepository.of(db.database())
        .grant(project.id(), carol, dev.tend.access.Role.VIEWER, "alice");

    assertThat(experimentNames("", Optional.empty()))
        .as("created at the same time: by id")
        .containsExactly("delays", "hidden");
    assertThat(experimentNames("", Optional.of(carol))).containsExactly("delays");
    assertThat(experimentNames("tags.team = 'ops'", Optional.empty())).containsExactly("delays");
    assertThat(
            tracking
                .searchExperiments(
                    new ExperimentSearch(
                        "",
                        ViewType.ACTIVE_ONLY,
                        100,
                        List.of(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(other.id())))
                .items())
        .as("only the project asked for")
        .extracting(Experiment::name)
        .containsExactly("hidden");
    assertThat(experimentNames("attributes.name LIKE 'hid%'", Optional.empty()))
        .containsExactly("hidden");
    assertThatThrownBy(() -> experimentNames("metrics.a > 1", Optional.empty()))
        .isInstanceOf(FilterSyntaxException.class)
        .hasMessageContaining("cannot filter on metrics");
  }

  @Test
  void renamingToATakenNameIsAConflict() {
    tracking.createExperiment(project.id(), "other", Optional.empty(), List.of(), "alice");

    assertThatThrownBy(() -> tracking.renameExperiment(experiment.id(), "other", "alice"))
        .isInstanceOf(ConflictException.class);
    assertThat(tracking.renameExperiment(experiment.id(), "renamed", "alice").name())
        .isEqualTo("renamed");
    assertThatThrownBy(() -> tracking.renameExperiment(99, "x", "alice"))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("No Experiment with id=99 exists");
  }

  @Test
  void aRunNamingATendDatasetVersionIsLinkedToIt() {
    DatasetRepository datasets = DatasetRepository.of(db.database());
    Dataset trips = datasets.create(project.id(), "trips", "alice");
    PendingVersion pending = datasets.reserveVersion(trips.id(), "upload", "alice");
    DatasetVersion version =
        datasets.commitVersion(
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
    String run =
        tracking
            .createRun(newRun("train", List.of(new KeyValue("tend.dataset", "trips@1"))))
            .runId();

    Run read = tracking.run(run).orElseThrow();
    assertThat(read.inputs()).hasSize(1);
    assertThat(read.inputs().get(0).datasetVersionId()).contains(version.id());
    assertThat(read.inputs().get(0).name()).isEqualTo("trips");
    assertThat(datasets.usages(version.id()))
        .extracting(u -> u.usedByKind() + ":" + u.usedById())
        .containsExactly("run:" + run);
    assertThat(names(search("datasets.name = 'trips'"))).containsExactly("train");

    assertThatThrownBy(
            () ->
                tracking.logBatch(
                    run, List.of(), List.of(), List.of(new KeyValue("tend.dataset", "trips@9"))))
        .hasMessageContaining("names no committed version");
    tracking.logInputs(
        run,
        List.of(
            RunInput.of(
                "eval",
                "abc",
                "tend",
                "flights/trips@1",
                Optional.of("{}"),
                Optional.empty(),
                Map.of("mlflow.data.context", "eval"))));
    assertThat(tracking.run(run).orElseThrow().inputs()).hasSize(2);
    assertThat(names(search("datasets.context = 'eval'"))).containsExactly("train");
  }

  private String run(String name, double acc, String lr, String model, long startTime) {
    String id = tracking.createRun(newRun(name, startTime)).runId();
    tracking.logBatch(
        id,
        List.of(new Metric("acc", acc, 1, 0)),
        List.of(new KeyValue("lr", lr)),
        List.of(new KeyValue("model", model)));
    return id;
  }

  private NewRun newRun(String name, List<KeyValue> tags) {
    return new NewRun(
        experiment.id(), Optional.ofNullable(name), Optional.of("alice"), Optional.empty(), tags);
  }

  private NewRun newRun(String name, long startTime) {
    return new NewRun(
        experiment.id(), Optional.of(name), Optional.empty(), Optional.of(startTime), List.of());
  }

  private Page<Run> search(String filter) {
    return search(filter, ViewType.ACTIVE_ONLY, List.of());
  }

  private Page<Run> search(String filter, ViewType view, List<String> orderBy) {
    return tracking.searchRuns(
        new RunSearch(List.of(experiment.id()), filter, view, 100, orderBy, Optional.empty()));
  }

  private List<String> experimentNames(String filter, Optional<String> reader) {
    return tracking
        .searchExperiments(
            new ExperimentSearch(
                filter, ViewType.ACTIVE_ONLY, 100, List.of(), Optional.empty(), reader))
        .items()
        .stream()
        .map(Experiment::name)
        .toList();
  }

  private static List<String> names(Page<Run> page) {
    return page.items().stream().map(r -> r.info().runName()).toList();
  }

  private static Metric latest(Run run, String key) {
    return run.latestMetrics().stream().filter(m -> m.key().equals(key)).findFirst().orElseThrow();
  }
}
