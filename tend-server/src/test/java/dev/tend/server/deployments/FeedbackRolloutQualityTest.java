package dev.tend.server.deployments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tend.artifacts.LocalArtifactStore;
import dev.tend.feedback.FeedbackRepository;
import dev.tend.feedback.NewFeedback;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.registry.ModelVersion;
import dev.tend.registry.NewModelVersion;
import dev.tend.registry.RegisteredModel;
import dev.tend.registry.RegistryRepository;
import dev.tend.server.deployments.RolloutQuality.Figure;
import dev.tend.server.feedback.LabelledPredictions;
import dev.tend.server.serving.TrafficObserver.Role;
import dev.tend.serving.log.PredictionLog;
import dev.tend.serving.log.PredictionLogOptions;
import dev.tend.serving.log.PredictionRecord;
import dev.tend.store.TestDatabase;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link FeedbackRolloutQuality} over a real prediction log and real feedback (SQLite and
 * PostgreSQL): which logged predictions count for which version and role, the metrics, paging and
 * the cache.
 */
@ParameterizedClass
@EnumSource(dev.tend.store.Engine.class)
class FeedbackRolloutQualityTest {
  static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  static final Instant T1 = T0.plusSeconds(60);

  @Parameter dev.tend.store.Engine engine;
  @TempDir Path dir;
  TestDatabase db;
  PredictionLog log;
  FeedbackRepository feedback;
  RegistryRepository registry;
  String projectId;
  ModelVersion v1;
  ModelVersion v2;
  List<NewFeedback> labels = new ArrayList<>();

  @BeforeEach
  void open() {
    db = TestDatabase.create(engine);
    log =
        PredictionLog.open(
            dir.resolve("log"), PredictionLogOptions.defaults().withoutMaintenance());
    feedback = FeedbackRepository.of(db.database());
    registry = RegistryRepository.of(db.database(), LocalArtifactStore.open(dir.resolve("a")));
    Project project = ProjectRepository.of(db.database()).create("shop", "", "alice");
    projectId = project.id();
    RegisteredModel churn =
        registry.createModel(project.id(), "churn", Optional.empty(), List.of(), "alice");
    NewModelVersion source =
        new NewModelVersion(
            "s3://models/churn",
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            List.of());
    v1 = registry.createVersion(churn.id(), source, "alice");
    v2 = registry.createVersion(churn.id(), source, "alice");
  }

  @AfterEach
  void close() {
    if (log != null) {
      log.close();
    }
    if (db != null) {
      db.close();
    }
  }

  @Test
  void shadowCopiesSharingTheStableIdsCountForTheShadowAndOtherRolesOrWindowsForNeither() {
    double[] p = {0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1, 0.95, 0.05};
    double stableLoss = 0;
    for (int i = 0; i < p.length; i++) {
      boolean churned = i < 5;
      Instant at = T0.plusSeconds(i);
      /* The stable answer and its shadow copy: one id, one instant, two records. */
      binary("c" + i, "prod", v1, p[i], at);
      binary("c" + i, "prod.shadow", v2, 0.6, at);
      label("c" + i, churned ? "true" : "false");
      stableLoss -= Math.log(churned ? p[i] : 1 - p[i]);
    }
    /* v1 as an earlier rollout's candidate, and v1 after the window: neither is stable here. */
    binary("old", "prod.candidate", v1, 0.99, T0.plusSeconds(30));
    label("old", "false");
    binary("late", "prod", v1, 0.99, T1);
    label("late", "false");
    record();

    FeedbackRolloutQuality quality = quality(3);

    assertThat(figure(quality, v1, Role.STABLE, "accuracy"))
        .contains(new Figure(0.8, 10)); // 8 of 10 answers right at the 0.5 boundary they show
    assertThat(figure(quality, v1, Role.STABLE, "log_loss").orElseThrow().value())
        .isCloseTo(stableLoss / p.length, within(1e-12));
    assertThat(figure(quality, v2, Role.SHADOW, "accuracy")).contains(new Figure(0.5, 10));
    assertThat(figure(quality, v1, Role.CANDIDATE, "accuracy")).contains(new Figure(0.0, 1));
    assertThat(figure(quality, v2, Role.CANDIDATE, "accuracy")).isEmpty();
    assertThat(figure(quality, v1, Role.STABLE, "rmse")).isEmpty(); // not a binary metric
  }

  @Test
  void regressionLabelsGiveRmseAndMseAndTextLabelsAreLeftOut() {
    regression("r1", 10, 12, T0);
    regression("r2", 20, 17, T0.plusSeconds(1));
    regression("r3", 30, 30, T0.plusSeconds(2));
    record();
    log.append(
            new PredictionRecord(
                "r4",
                "fares",
                "prod",
                "churn",
                "1",
                "{}",
                "{\"value\": 5.0}",
                1,
                T0.plusSeconds(3),
                Optional.empty()))
        .join();
    labels.add(
        new NewFeedback(
            "r4",
            "label",
            "\"n/a\"",
            OptionalDouble.empty(),
            Optional.empty(),
            "fares",
            projectId,
            false));
    record();

    FeedbackRolloutQuality quality = quality(FeedbackRolloutQuality.PAGE);

    Figure rmse = quality.figure("fares", v1.id(), Role.STABLE, "rmse", T0, T1).orElseThrow();
    assertThat(rmse.labelled()).isEqualTo(3);
    assertThat(rmse.value()).isCloseTo(Math.sqrt((4 + 9 + 0) / 3.0), within(1e-12));
    assertThat(quality.figure("fares", v1.id(), Role.STABLE, "mse", T0, T1).orElseThrow().value())
        .isCloseTo(13 / 3.0, within(1e-12));
  }

  @Test
  void labelsArrivingAfterAWindowWasReadAreNotSeenUntilTheCacheExpires() {
    binary("a", "prod", v1, 0.9, T0);
    FeedbackRolloutQuality quality = quality(FeedbackRolloutQuality.PAGE);
    assertThat(figure(quality, v1, Role.STABLE, "accuracy")).isEmpty();

    label("a", "true");
    record();

    assertThat(figure(quality, v1, Role.STABLE, "accuracy")).isEmpty();
    assertThat(
            quality(FeedbackRolloutQuality.PAGE)
                .figure("shop", v1.id(), Role.STABLE, "accuracy", T0, T1))
        .contains(new Figure(1.0, 1));
  }

  private FeedbackRolloutQuality quality(int page) {
    return new FeedbackRolloutQuality(new LabelledPredictions(log, feedback), registry, page);
  }

  private static Optional<Figure> figure(
      FeedbackRolloutQuality quality, ModelVersion version, Role role, String metric) {
    return quality.figure("shop", version.id(), role, metric, T0, T1);
  }

  private void binary(String id, String environment, ModelVersion version, double p, Instant at) {
    String outputs =
        "{\"probability\": " + p + ", \"label\": \"" + (p > 0.5 ? "true" : "false") + "\"}";
    log.append(
            new PredictionRecord(
                id,
                "shop",
                environment,
                version.modelName(),
                Integer.toString(version.version()),
                "{}",
                outputs,
                1,
                at,
                Optional.empty()))
        .join();
  }

  private void regression(String id, double actual, double predicted, Instant at) {
    log.append(
            new PredictionRecord(
                id,
                "fares",
                "prod",
                "churn",
                "1",
                "{}",
                "{\"value\": " + predicted + "}",
                1,
                at,
                Optional.empty()))
        .join();
    labels.add(
        new NewFeedback(
            id,
            "label",
            Double.toString(actual),
            OptionalDouble.of(actual),
            Optional.empty(),
            "fares",
            projectId,
            false));
  }

  private void label(String id, String value) {
    labels.add(
        new NewFeedback(
            id,
            "label",
            value,
            OptionalDouble.empty(),
            Optional.empty(),
            "shop",
            projectId,
            false));
  }

  private void record() {
    feedback.record(labels, "app");
    labels.clear();
  }
}
