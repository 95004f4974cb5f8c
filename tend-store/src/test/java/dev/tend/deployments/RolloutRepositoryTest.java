package dev.tend.deployments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.artifacts.LocalArtifactStore;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.registry.ModelVersion;
import dev.tend.registry.NewModelVersion;
import dev.tend.registry.RegisteredModel;
import dev.tend.registry.RegistryRepository;
import dev.tend.store.ConflictException;
import dev.tend.store.Engine;
import dev.tend.store.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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

/** Rollout state and deployment events on SQLite and PostgreSQL. */
@ParameterizedClass
@EnumSource(Engine.class)
class RolloutRepositoryTest {
  @Parameter Engine engine;
  @TempDir Path artifactsDir;
  TestDatabase db;
  DeploymentRepository deployments;
  ModelVersion v1;
  ModelVersion v2;
  Candidate canary;

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
    canary = new Candidate(v2.id(), RolloutMode.CANARY, 10, Optional.empty());
    deployments.create(
        flights.id(), "delays", Environment.PROD, Traffic.stable(v1.id()), "first", "alice");
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  static RolloutPolicy policy() {
    return new RolloutPolicy(
        Duration.ofSeconds(30),
        5,
        0.95,
        200,
        OptionalDouble.of(0.02),
        Optional.of("accuracy"),
        3,
        Duration.ofMinutes(5),
        RolloutPolicy.Promotion.MANUAL);
  }

  @Test
  void aStartedRolloutKeepsItsPolicyAndASecondStartConflicts() {
    Instant start = db.database().now();
    Rollout rollout = deployments.startRollout("delays", canary, policy(), "try v2", "bob");

    assertThat(rollout.policy()).isEqualTo(policy());
    assertThat(rollout.revision()).isEqualTo(2);
    assertThat(rollout.state()).isEqualTo(RolloutState.IN_PROGRESS);
    assertThat(rollout.startedBy()).isEqualTo("bob");
    assertThat(rollout.bakeEndsAt()).isEqualTo(start.plus(Duration.ofMinutes(5)));
    assertThat(rollout.lastWindowEnd()).isEmpty();
    assertThat(deployments.rollout("delays")).contains(rollout);
    assertThat(deployments.rollouts()).containsExactly(rollout);
    assertThat(deployments.get("delays").orElseThrow().current().traffic().candidate())
        .contains(canary);
    assertThatThrownBy(() -> deployments.startRollout("delays", canary, policy(), "", "carol"))
        .isInstanceOf(ConflictException.class);
    assertThat(deployments.history("delays")).hasSize(2);
    assertThat(deployments.events("delays", 10))
        .extracting(DeploymentEvent::kind, DeploymentEvent::createdBy)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(DeploymentEvent.Kind.ROLLOUT_STARTED, "bob"));
  }

  @Test
  void windowsAreCompareAndSetSoOnlyOneServerRecordsEach() {
    Rollout seen = deployments.startRollout("delays", canary, policy(), "", "bob");
    Instant end = db.database().now().plus(Duration.ofMinutes(1));

    Rollout failed =
        deployments.recordWindow(seen, end, true, "success 50% < 95%", true).orElseThrow();
    assertThat(deployments.recordWindow(seen, end, true, "again", true)).isEmpty();

    assertThat(failed.windowsEvaluated()).isEqualTo(1);
    assertThat(failed.windowsFailed()).isEqualTo(1);
    assertThat(failed.failingStreak()).isEqualTo(1);
    assertThat(failed.bakeEndsAt()).isEqualTo(end.plus(Duration.ofMinutes(5)));
    assertThat(failed.lastVerdict()).contains("success 50% < 95%");
    Rollout passed =
        deployments.recordWindow(failed, end.plusSeconds(30), false, "ok", false).orElseThrow();
    assertThat(passed.failingStreak()).isZero();
    assertThat(passed.windowsFailed()).isEqualTo(1);
    assertThat(passed.bakeEndsAt()).isEqualTo(failed.bakeEndsAt());
    assertThat(deployments.events("delays", 10))
        .extracting(DeploymentEvent::kind)
        .containsExactly(
            DeploymentEvent.Kind.WINDOW_EVALUATED, DeploymentEvent.Kind.ROLLOUT_STARTED);

    /* A stale view can neither end the rollout nor mark it awaiting approval. */
    assertThat(deployments.endRollout(seen, DeploymentRepository.Ending.ROLLBACK, "x")).isEmpty();
    assertThat(deployments.awaitApproval(seen, "x")).isEmpty();
    Deployment rolledBack =
        deployments
            .endRollout(passed, DeploymentRepository.Ending.ROLLBACK, "p99 900ms > 200ms")
            .orElseThrow();
    assertThat(rolledBack.current().traffic()).isEqualTo(Traffic.stable(v1.id()));
    assertThat(rolledBack.current().createdBy()).isEqualTo(DeploymentEvent.CONTROLLER);
    assertThat(deployments.rollout("delays")).isEmpty();
    assertThat(deployments.endRollout(passed, DeploymentRepository.Ending.PROMOTE, "x")).isEmpty();
    DeploymentEvent last = deployments.events("delays", 1).get(0);
    assertThat(last.kind()).isEqualTo(DeploymentEvent.Kind.ROLLED_BACK);
    assertThat(last.reason()).isEqualTo("p99 900ms > 200ms");
    assertThat(last.revision()).isEqualTo(3);
  }

  @Test
  void aUserPromotingARolloutAwaitingApprovalApprovesIt() {
    Rollout seen = deployments.startRollout("delays", canary, policy(), "", "bob");
    Rollout awaiting = deployments.awaitApproval(seen, "baked 5m cleanly").orElseThrow();
    assertThat(awaiting.state()).isEqualTo(RolloutState.AWAITING_APPROVAL);

    Deployment promoted = deployments.promote("delays", "looks good", "carol");

    assertThat(promoted.current().traffic()).isEqualTo(Traffic.stable(v2.id()));
    assertThat(deployments.rollout("delays")).isEmpty();
    assertThat(deployments.events("delays", 10))
        .extracting(DeploymentEvent::kind)
        .containsExactly(
            DeploymentEvent.Kind.PROMOTED,
            DeploymentEvent.Kind.APPROVED,
            DeploymentEvent.Kind.AWAITING_APPROVAL,
            DeploymentEvent.Kind.ROLLOUT_STARTED);
    assertThatThrownBy(() -> deployments.rollback("delays", "", "carol"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("no rollout in progress");
  }

  @Test
  void repointingTheDeploymentSupersedesItsRollout() {
    deployments.startRollout("delays", canary, policy(), "", "bob");

    deployments.update("delays", Traffic.stable(v2.id()), "hotfix", "carol");

    assertThat(deployments.rollout("delays")).isEmpty();
    DeploymentEvent last = deployments.events("delays", 5).get(0);
    assertThat(last.kind()).isEqualTo(DeploymentEvent.Kind.ROLLOUT_SUPERSEDED);
    assertThat(last.createdBy()).isEqualTo("carol");
    deployments.startRollout(
        "delays",
        new Candidate(v1.id(), RolloutMode.SHADOW, 100, Optional.empty()),
        RolloutPolicy.defaults(),
        "",
        "bob");
    assertThat(deployments.rollout("delays").orElseThrow().policy())
        .isEqualTo(RolloutPolicy.defaults());
  }

  @Test
  void projectListingsFilterByEnvironmentAndTime() {
    Project flights = ProjectRepository.of(db.database()).findByName("flights").orElseThrow();
    deployments.create(
        flights.id(), "delays-dev", Environment.DEV, Traffic.stable(v2.id()), "", "carol");
    db.clock().advance(Duration.ofHours(1));
    Instant middle = db.database().now();
    deployments.startRollout("delays", canary, policy(), "", "bob");
    deployments.rollback("delays", "too slow", "bob");
    db.clock().advance(Duration.ofHours(1));
    deployments.startRollout("delays", canary, policy(), "", "bob");
    deployments.promote("delays", "", "bob");
    Instant end = db.database().now().plusMillis(1);

    assertThat(deployments.projectRevisions(flights.id(), Optional.empty(), end))
        .extracting(r -> r.deployment() + "/" + r.revision().number())
        .containsExactly(
            "delays/1", "delays/2", "delays/3", "delays/4", "delays/5", "delays-dev/1");
    assertThat(deployments.projectRevisions(flights.id(), Optional.of(Environment.DEV), end))
        .extracting(r -> r.environment() + " " + r.revision().createdBy())
        .containsExactly("DEV carol");
    assertThat(deployments.projectRevisions(flights.id(), Optional.empty(), middle))
        .extracting(r -> r.deployment() + "/" + r.revision().number())
        .containsExactly("delays/1", "delays-dev/1");
    assertThat(
            deployments.projectEvents(
                flights.id(),
                Optional.of(Environment.PROD),
                DeploymentEvent.Kind.ROLLED_BACK,
                middle,
                end))
        .extracting(e -> e.deployment() + " " + e.event().reason())
        .containsExactly("delays too slow");
    assertThat(
            deployments.projectEvents(
                flights.id(),
                Optional.of(Environment.DEV),
                DeploymentEvent.Kind.PROMOTED,
                middle,
                end))
        .isEmpty();
  }
}
