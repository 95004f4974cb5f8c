package dev.tend.server.deployments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tend.artifacts.LocalArtifactStore;
import dev.tend.deployments.Candidate;
import dev.tend.deployments.Deployment;
import dev.tend.deployments.DeploymentEvent;
import dev.tend.deployments.DeploymentRepository;
import dev.tend.deployments.Environment;
import dev.tend.deployments.RolloutMode;
import dev.tend.deployments.RolloutPolicy;
import dev.tend.deployments.RolloutState;
import dev.tend.deployments.Traffic;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.registry.ModelVersion;
import dev.tend.registry.NewModelVersion;
import dev.tend.registry.RegisteredModel;
import dev.tend.registry.RegistryRepository;
import dev.tend.server.serving.TrafficObserver.Role;
import dev.tend.store.Engine;
import dev.tend.store.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The rollout controller over the real store (SQLite and PostgreSQL) and the real monitor, with a
 * clock the test moves and synthetic traffic heard as the serving path reports it.
 */
@ParameterizedClass
@EnumSource(Engine.class)
class RolloutControllerTest {
  static final Duration WINDOW = Duration.ofMinutes(1);

  @Parameter Engine engine;
  @TempDir Path artifactsDir;
  TestDatabase db;
  DeploymentRepository deployments;
  RolloutMonitor monitor;
  List<String> changed = new ArrayList<>();
  Map<String, RolloutQuality.Figure> labels = new ConcurrentHashMap<>();
  RolloutController controller;
  ModelVersion v1;
  ModelVersion v2;

  @BeforeEach
  void open() {
    db = TestDatabase.create(engine);
    deployments = DeploymentRepository.of(db.database());
    RegistryRepository registry =
        RegistryRepository.of(db.database(), LocalArtifactStore.open(artifactsDir));
    Project flights = ProjectRepository.of(db.database()).create("flights", "", "alice");
    RegisteredModel delays =
        registry.createModel(flights.id(), "delays", Optional.empty(), List.of(), "alice");
    NewModelVersion source =
        new NewModelVersion(
            "s3://models/delays",
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            List.of());
    v1 = registry.createVersion(delays.id(), source, "alice");
    v2 = registry.createVersion(delays.id(), source, "alice");
    deployments.create(
        flights.id(), "delays", Environment.PROD, Traffic.stable(v1.id()), "", "alice");
    monitor = new RolloutMonitor(db.clock());
    controller = controller(monitor);
  }

  RolloutController controller(RolloutMonitor monitor) {
    RolloutQuality quality =
        (deployment, versionId, role, metric, from, to) ->
            Optional.ofNullable(labels.get(versionId));
    return new RolloutController(deployments, monitor, quality, changed::add, db.clock());
  }

  @AfterEach
  void close() {
    if (controller != null) {
      controller.close();
    }
    if (db != null) {
      db.close();
    }
  }

  static RolloutPolicy policy(RolloutPolicy.Promotion promotion) {
    return new RolloutPolicy(
        WINDOW,
        20,
        0.99,
        500,
        OptionalDouble.of(0.02),
        Optional.of("accuracy"),
        2,
        Duration.ofMinutes(5),
        promotion);
  }

  void start(RolloutMode mode, RolloutPolicy policy) {
    deployments.startRollout(
        "delays", new Candidate(v2.id(), mode, 10, Optional.empty()), policy, "try v2", "bob");
  }

  /* One window of traffic for both versions, then the clock moves into the next window. */
  void window(RolloutMonitor monitor, int candidateFailures, double candidateMillis) {
    for (int i = 0; i < 100; i++) {
      monitor.served("delays", v1.id(), Role.STABLE, millis(20), false);
    }
    for (int i = 0; i < 30; i++) {
      monitor.served(
          "delays", v2.id(), Role.CANDIDATE, millis(candidateMillis), i < candidateFailures);
    }
    db.clock().advance(WINDOW);
  }

  static long millis(double ms) {
    return (long) (ms * 1_000_000);
  }

  @Test
  void aCandidateFailingTwoWindowsInARowIsRolledBackWithTheFigures() {
    start(RolloutMode.CANARY, policy(RolloutPolicy.Promotion.AUTO));
    db.clock().advance(WINDOW);

    window(monitor, 6, 20);
    assertThat(controller.tick()).isEmpty();
    assertThat(deployments.rollout("delays").orElseThrow().failingStreak()).isEqualTo(1);
    /* Judging again before the next window changes nothing. */
    assertThat(controller.tick()).isEmpty();
    assertThat(deployments.rollout("delays").orElseThrow().windowsEvaluated()).isEqualTo(1);

    window(monitor, 0, 900);
    List<String> actions = controller.tick();

    assertThat(actions).hasSize(1);
    Deployment after = deployments.get("delays").orElseThrow();
    assertThat(after.current().traffic()).isEqualTo(Traffic.stable(v1.id()));
    assertThat(after.current().createdBy()).isEqualTo(DeploymentEvent.CONTROLLER);
    assertThat(after.current().reason())
        .contains("2 failing windows")
        .contains("candidate p99")
        .contains("> 500 ms");
    assertThat(deployments.rollout("delays")).isEmpty();
    assertThat(changed).containsExactly("delays");
    List<DeploymentEvent> events = deployments.events("delays", 10);
    assertThat(events)
        .extracting(DeploymentEvent::kind)
        .containsExactly(
            DeploymentEvent.Kind.ROLLED_BACK,
            DeploymentEvent.Kind.WINDOW_EVALUATED,
            DeploymentEvent.Kind.WINDOW_EVALUATED,
            DeploymentEvent.Kind.ROLLOUT_STARTED);
    assertThat(events.get(2).reason()).contains("candidate success rate 80.00% < 99.00%");
  }

  @Test
  void aPassingWindowResetsTheStreakAndMovesTheBake() {
    start(RolloutMode.AB, policy(RolloutPolicy.Promotion.AUTO));
    db.clock().advance(WINDOW);
    window(monitor, 6, 20);
    controller.tick();
    window(monitor, 0, 20);
    controller.tick();
    window(monitor, 6, 20);
    controller.tick();

    var rollout = deployments.rollout("delays").orElseThrow();
    assertThat(rollout.failingStreak()).isEqualTo(1);
    assertThat(rollout.windowsFailed()).isEqualTo(2);
    assertThat(rollout.bakeEndsAt())
        .isEqualTo(rollout.lastWindowEnd().orElseThrow().plus(Duration.ofMinutes(5)));
    assertThat(deployments.get("delays").orElseThrow().current().traffic().candidate()).isPresent();
  }

  @Test
  void aCleanBakePromotesAutomatically() {
    start(RolloutMode.CANARY, policy(RolloutPolicy.Promotion.AUTO));
    db.clock().advance(WINDOW);
    /* The bake of 5m ends with the fourth judged window (the first minute had no traffic). */
    for (int i = 0; i < 3; i++) {
      window(monitor, 0, 30);
      assertThat(controller.tick()).isEmpty();
    }
    window(monitor, 0, 30);
    assertThat(controller.tick())
        .singleElement()
        .asString()
        .contains("promoted: baked 5m with no failing window (4 judged");

    Deployment after = deployments.get("delays").orElseThrow();
    assertThat(after.current().traffic()).isEqualTo(Traffic.stable(v2.id()));
    assertThat(after.current().createdBy()).isEqualTo(DeploymentEvent.CONTROLLER);
    assertThat(deployments.events("delays", 1).get(0).kind())
        .isEqualTo(DeploymentEvent.Kind.PROMOTED);
    /* Only the first verdict and the end are events: passing windows do not flood the log. */
    assertThat(deployments.events("delays", 10)).hasSize(3);
  }

  @Test
  void withoutEnoughRequestsNothingIsJudgedAndNothingPromoted() {
    start(RolloutMode.CANARY, policy(RolloutPolicy.Promotion.AUTO));
    for (int w = 0; w < 10; w++) {
      for (int i = 0; i < 19; i++) {
        monitor.served("delays", v1.id(), Role.STABLE, millis(5), false);
        monitor.served("delays", v2.id(), Role.CANDIDATE, millis(5), true);
      }
      db.clock().advance(WINDOW);
      assertThat(controller.tick()).isEmpty();
    }
    assertThat(deployments.rollout("delays").orElseThrow().windowsEvaluated()).isZero();
  }

  @Test
  void manualPromotionAndShadowsWaitForApproval() {
    start(RolloutMode.SHADOW, policy(RolloutPolicy.Promotion.AUTO));
    db.clock().advance(WINDOW);
    for (int i = 0; i < 5; i++) {
      window(monitor, 0, 30);
      controller.tick();
    }
    var rollout = deployments.rollout("delays").orElseThrow();
    assertThat(rollout.state()).isEqualTo(RolloutState.AWAITING_APPROVAL);
    assertThat(deployments.events("delays", 1).get(0).reason()).contains("shadow");
    /* Awaiting approval, it is no longer judged and stays until a user acts. */
    window(monitor, 30, 30);
    window(monitor, 30, 30);
    controller.tick();
    assertThat(deployments.rollout("delays").orElseThrow().state())
        .isEqualTo(RolloutState.AWAITING_APPROVAL);
    deployments.promote("delays", "checked the shadow's answers", "carol");
    assertThat(deployments.events("delays", 2))
        .extracting(DeploymentEvent::kind)
        .containsExactly(DeploymentEvent.Kind.PROMOTED, DeploymentEvent.Kind.APPROVED);
  }

  @Test
  void aCandidateWorseInQualityBeyondTheLimitFailsOnceLabelsSuffice() {
    start(RolloutMode.CANARY, policy(RolloutPolicy.Promotion.MANUAL));
    db.clock().advance(WINDOW);
    labels.put(v1.id(), new RolloutQuality.Figure(0.91, 500));
    labels.put(v2.id(), new RolloutQuality.Figure(0.80, 10)); // too few labels to judge
    window(monitor, 0, 20);
    controller.tick();
    assertThat(deployments.rollout("delays").orElseThrow().failingStreak()).isZero();

    labels.put(v2.id(), new RolloutQuality.Figure(0.895, 400)); // within 0.02
    window(monitor, 0, 20);
    controller.tick();
    assertThat(deployments.rollout("delays").orElseThrow().failingStreak()).isZero();

    labels.put(v2.id(), new RolloutQuality.Figure(0.85, 400));
    window(monitor, 0, 20);
    controller.tick();
    var rollout = deployments.rollout("delays").orElseThrow();
    assertThat(rollout.failingStreak()).isEqualTo(1);
    assertThat(rollout.lastVerdict().orElseThrow())
        .contains("candidate accuracy 0.8500 is worse than stable 0.9100 by 0.0600 > 0.0200");
  }

  @Test
  void lowerIsBetterMetricsCountAnIncreaseAsADrop() {
    assertThat(RolloutQuality.drop("rmse", 10, 12)).isEqualTo(2);
    assertThat(RolloutQuality.drop("accuracy", 0.9, 0.8))
        .isCloseTo(0.1, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(RolloutQuality.drop("brier", 0.1, 0.25))
        .isCloseTo(0.15, org.assertj.core.api.Assertions.within(1e-12));
  }

  @Test
  void twoServersJudgingTheSameWindowActOnce() {
    RolloutMonitor other = new RolloutMonitor(db.clock());
    try (RolloutController second = controller(other)) {
      start(RolloutMode.CANARY, policy(RolloutPolicy.Promotion.AUTO));
      db.clock().advance(WINDOW);
      for (int w = 0; w < 2; w++) {
        for (int i = 0; i < 100; i++) {
          for (RolloutMonitor m : List.of(monitor, other)) {
            m.served("delays", v1.id(), Role.STABLE, millis(5), false);
            m.served("delays", v2.id(), Role.CANDIDATE, millis(5), i < 50);
          }
        }
        db.clock().advance(WINDOW);
        controller.tick();
        second.tick();
      }
      assertThat(deployments.history("delays")).hasSize(3);
      assertThat(deployments.events("delays", 10))
          .extracting(DeploymentEvent::kind)
          .containsExactly(
              DeploymentEvent.Kind.ROLLED_BACK,
              DeploymentEvent.Kind.WINDOW_EVALUATED,
              DeploymentEvent.Kind.WINDOW_EVALUATED,
              DeploymentEvent.Kind.ROLLOUT_STARTED);
    }
  }

  @Test
  void aDeploymentRepointedDuringAJudgementIsLeftAlone() {
    start(RolloutMode.CANARY, policy(RolloutPolicy.Promotion.AUTO));
    db.clock().advance(WINDOW);
    window(monitor, 30, 20);
    var seen = deployments.rollout("delays").orElseThrow();
    deployments.update("delays", Traffic.stable(v2.id()), "hotfix", "carol");
    assertThat(deployments.recordWindow(seen, Instant.EPOCH, true, "late", true)).isEmpty();
    assertThat(controller.tick()).isEmpty();
    assertThat(deployments.get("delays").orElseThrow().current().createdBy()).isEqualTo("carol");
  }
}
