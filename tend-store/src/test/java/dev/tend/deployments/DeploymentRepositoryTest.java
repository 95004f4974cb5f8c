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
import dev.tend.store.NotFoundException;
import dev.tend.store.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Engine.class)
class DeploymentRepositoryTest {
  @Parameter Engine engine;
  @TempDir Path artifactsDir;
  TestDatabase db;
  DeploymentRepository deployments;
  RegistryRepository registry;
  Project flights;
  Project other;
  RegisteredModel delays;
  ModelVersion v1;
  ModelVersion v2;

  @BeforeEach
  void open() {
    db = TestDatabase.create(engine);
    deployments = DeploymentRepository.of(db.database());
    registry = RegistryRepository.of(db.database(), LocalArtifactStore.open(artifactsDir));
    ProjectRepository projects = ProjectRepository.of(db.database());
    flights = projects.create("flights", "", "alice");
    other = projects.create("other", "", "alice");
    delays = registry.createModel(flights.id(), "delays", Optional.empty(), List.of(), "alice");
    v1 = version(delays);
    v2 = version(delays);
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  ModelVersion version(RegisteredModel model) {
    return registry.createVersion(
        model.id(),
        new NewModelVersion(
            "s3://models/delays",
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            List.of()),
        "alice");
  }

  long audited(String action) {
    return db.database()
        .read(
            h ->
                h.createQuery("SELECT count(*) FROM audit_events WHERE action = :action")
                    .bind("action", action)
                    .mapTo(Long.class)
                    .one());
  }

  @Test
  void createdDeploymentsAreReadBackWithTheirFirstRevision() {
    Deployment created =
        deployments.create(
            flights.id(), "delays-prod", Environment.PROD, Traffic.stable(v1.id()), "go", "alice");

    assertThat(created.current().number()).isEqualTo(1);
    assertThat(created.current().traffic()).isEqualTo(Traffic.stable(v1.id()));
    assertThat(created.environment()).isEqualTo(Environment.PROD);
    assertThat(deployments.get("delays-prod")).contains(created);
    assertThat(deployments.get("nothing")).isEmpty();
    assertThat(deployments.history("delays-prod")).containsExactly(created.current());
    assertThat(audited("deployment.create")).isEqualTo(1);
  }

  @Test
  void updatesAppendRevisionsAndKeepTheHistory() {
    Deployment created =
        deployments.create(
            flights.id(), "delays", Environment.DEV, Traffic.stable(v1.id()), "", "alice");
    db.clock().advance(Duration.ofMinutes(1));
    Candidate canary = new Candidate(v2.id(), RolloutMode.CANARY, 10, Optional.empty());
    Deployment canaried =
        deployments.update("delays", new Traffic(v1.id(), Optional.of(canary)), "try v2", "bob");
    db.clock().advance(Duration.ofMinutes(1));
    Deployment promoted = deployments.update("delays", Traffic.stable(v2.id()), "promote", "bob");

    assertThat(canaried.current().number()).isEqualTo(2);
    assertThat(canaried.current().traffic().candidate()).contains(canary);
    assertThat(promoted.current().number()).isEqualTo(3);
    assertThat(promoted.createdAt()).isEqualTo(created.createdAt());
    assertThat(promoted.createdBy()).isEqualTo("alice");
    assertThat(promoted.current().createdBy()).isEqualTo("bob");
    assertThat(promoted.current().reason()).isEqualTo("promote");
    assertThat(deployments.get("delays")).contains(promoted);
    assertThat(deployments.history("delays"))
        .containsExactly(promoted.current(), canaried.current(), created.current());
    assertThat(audited("deployment.update")).isEqualTo(2);
  }

  @Test
  void candidatesRoundTripEveryModeAndStickyKey() {
    deployments.create(flights.id(), "d", Environment.STAGING, Traffic.stable(v1.id()), "", "a");
    for (Candidate candidate :
        List.of(
            new Candidate(v2.id(), RolloutMode.AB, 50, Optional.of("customer_id")),
            new Candidate(v2.id(), RolloutMode.SHADOW, 100, Optional.empty()),
            new Candidate(v2.id(), RolloutMode.CANARY, 0, Optional.empty()))) {
      deployments.update("d", new Traffic(v1.id(), Optional.of(candidate)), "", "a");
      assertThat(deployments.get("d").orElseThrow().current().traffic().candidate())
          .contains(candidate);
    }
  }

  @Test
  void namesAreUniqueAcrossProjects() {
    RegisteredModel elsewhere =
        registry.createModel(other.id(), "m", Optional.empty(), List.of(), "alice");
    ModelVersion foreign = version(elsewhere);
    deployments.create(flights.id(), "d", Environment.DEV, Traffic.stable(v1.id()), "", "a");

    assertThatThrownBy(
            () ->
                deployments.create(
                    other.id(), "d", Environment.DEV, Traffic.stable(foreign.id()), "", "a"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("'d' already exists in another project");
    assertThatThrownBy(
            () ->
                deployments.create(
                    flights.id(), "d", Environment.PROD, Traffic.stable(v1.id()), "", "a"))
        .isInstanceOf(ConflictException.class);
    assertThat(deployments.list(flights.id())).extracting(Deployment::name).containsExactly("d");
    assertThat(deployments.list(other.id())).isEmpty();
  }

  @Test
  void versionsMustBeLiveVersionsOfTheDeploymentsProject() {
    RegisteredModel elsewhere =
        registry.createModel(other.id(), "m", Optional.empty(), List.of(), "alice");
    ModelVersion foreign = version(elsewhere);

    assertThatThrownBy(
            () ->
                deployments.create(
                    flights.id(), "d", Environment.DEV, Traffic.stable(foreign.id()), "", "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(foreign.id());
    assertThat(deployments.get("d")).isEmpty();

    deployments.create(flights.id(), "d", Environment.DEV, Traffic.stable(v1.id()), "", "a");
    Candidate foreignCandidate =
        new Candidate(foreign.id(), RolloutMode.SHADOW, 5, Optional.empty());
    assertThatThrownBy(
            () ->
                deployments.update(
                    "d", new Traffic(v1.id(), Optional.of(foreignCandidate)), "", "a"))
        .isInstanceOf(IllegalArgumentException.class);
    registry.deleteVersion(delays.id(), v2.version(), "alice");
    assertThatThrownBy(() -> deployments.update("d", Traffic.stable(v2.id()), "", "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(v2.id());
    assertThat(deployments.history("d")).hasSize(1);
    assertThat(audited("deployment.update")).isZero();
  }

  @Test
  void badValuesAreRefusedWithClearMessages() {
    assertThatThrownBy(
            () ->
                deployments.create(
                    flights.id(), "Bad Name", Environment.DEV, Traffic.stable(v1.id()), "", "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deployment name");
    assertThatThrownBy(
            () ->
                deployments.create(
                    "01NOPROJECT0000000000000000",
                    "d",
                    Environment.DEV,
                    Traffic.stable(v1.id()),
                    "",
                    "a"))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> deployments.update("missing", Traffic.stable(v1.id()), "", "a"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("'missing'");
    assertThatThrownBy(() -> deployments.history("missing")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> new Candidate(v2.id(), RolloutMode.CANARY, 101, Optional.empty()))
        .hasMessageContaining("between 0 and 100");
    assertThatThrownBy(() -> new Candidate(v2.id(), RolloutMode.CANARY, 5, Optional.of("user")))
        .hasMessageContaining("only applies to an ab split");
    assertThatThrownBy(
            () ->
                new Traffic(
                    v1.id(),
                    Optional.of(new Candidate(v1.id(), RolloutMode.AB, 5, Optional.empty()))))
        .hasMessageContaining("already the stable version");
    assertThatThrownBy(() -> Environment.fromWireName("production"))
        .hasMessageContaining("dev, staging, prod");
  }

  @Test
  void concurrentUpdatesGetConsecutiveRevisionNumbers() throws Exception {
    deployments.create(flights.id(), "d", Environment.DEV, Traffic.stable(v1.id()), "", "a");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Deployment>> futures = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        String stable = i % 2 == 0 ? v2.id() : v1.id();
        futures.add(pool.submit(() -> deployments.update("d", Traffic.stable(stable), "", "a")));
      }
      for (Future<Deployment> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(deployments.history("d"))
        .extracting(Revision::number)
        .containsExactlyElementsOf(
            java.util.stream.IntStream.rangeClosed(1, 13).map(i -> 14 - i).boxed().toList());
    assertThat(deployments.get("d").orElseThrow().current().number()).isEqualTo(13);
  }

  @Test
  void listingAllSpansProjectsByName() {
    RegisteredModel elsewhere =
        registry.createModel(other.id(), "m", Optional.empty(), List.of(), "alice");
    ModelVersion foreign = version(elsewhere);
    deployments.create(flights.id(), "b", Environment.DEV, Traffic.stable(v1.id()), "", "a");
    deployments.create(other.id(), "a", Environment.PROD, Traffic.stable(foreign.id()), "", "a");
    deployments.update("b", Traffic.stable(v2.id()), "", "a");

    List<Deployment> all = deployments.listAll();
    assertThat(all).extracting(Deployment::name).containsExactly("a", "b");
    assertThat(all.get(1).current().traffic().stableVersionId()).isEqualTo(v2.id());
  }
}
