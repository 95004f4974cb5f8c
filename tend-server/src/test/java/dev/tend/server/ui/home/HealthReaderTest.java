package dev.tend.server.ui.home;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tend.alerting.AlertRepository;
import dev.tend.artifacts.LocalArtifactStore;
import dev.tend.automations.AutomationRepository;
import dev.tend.datasets.Dataset;
import dev.tend.datasets.DatasetRepository;
import dev.tend.datasets.ManifestFile;
import dev.tend.datasets.PendingVersion;
import dev.tend.datasets.VersionContent;
import dev.tend.datasets.VersionStatus;
import dev.tend.deployments.DeploymentRepository;
import dev.tend.monitors.MonitorRepository;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.registry.RegistryRepository;
import dev.tend.server.ui.home.ProjectHealth.DatasetHealth;
import dev.tend.server.ui.home.ProjectHealth.Status;
import dev.tend.store.Engine;
import dev.tend.store.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The overview's health model: what turns a project's badge amber or red, read from a store. */
class HealthReaderTest {
  @TempDir Path dir;
  TestDatabase db;
  ProjectRepository projects;
  DatasetRepository datasets;
  HealthReader reader;

  @BeforeEach
  void open() {
    db = TestDatabase.create(Engine.SQLITE);
    projects = ProjectRepository.of(db.database());
    datasets = DatasetRepository.of(db.database());
    reader =
        new HealthReader(
            datasets,
            DeploymentRepository.of(db.database()),
            RegistryRepository.of(db.database(), LocalArtifactStore.open(dir.resolve("artifacts"))),
            AlertRepository.of(db.database()),
            MonitorRepository.of(db.database()),
            AutomationRepository.of(db.database()),
            Clock.systemUTC());
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void aDatasetWhoseNewestVersionWasRejectedTurnsItsProjectRed() {
    Project flights = projects.create("flights", "", "root");
    Project zoo = projects.create("zoo", "", "root");
    Dataset january = datasets.create(flights.id(), "january", "alice");
    push(january, VersionStatus.ACCEPTED);
    push(january, VersionStatus.REJECTED);
    Dataset penguins = datasets.create(zoo.id(), "penguins", "alice");
    push(penguins, VersionStatus.REJECTED);
    push(penguins, VersionStatus.ACCEPTED);
    datasets.reserveVersion(penguins.id(), "upload", "alice");

    List<ProjectHealth> health = reader.read(List.of(zoo, flights));

    assertThat(health).extracting(h -> h.project().name()).containsExactly("zoo", "flights");
    assertThat(health.get(0).datasets())
        .containsExactly(new DatasetHealth("penguins", 2, VersionStatus.ACCEPTED));
    assertThat(health.get(0).status()).isEqualTo(Status.OK);
    assertThat(health.get(1).datasets())
        .containsExactly(new DatasetHealth("january", 2, VersionStatus.REJECTED));
    assertThat(health.get(1).status()).isEqualTo(Status.BAD);
    assertThat(health.get(1).deployments()).isEmpty();
    assertThat(health.get(1).openAlerts()).isZero();
  }

  @Test
  void criticalAlertsAreRedOtherAlertsAndApprovalsAmber() {
    Project project = new Project("01J0000000000000000000000A", "p", "", Instant.EPOCH, "root");
    assertThat(health(project, Map.of(), 0).status()).isEqualTo(Status.OK);
    assertThat(health(project, Map.of("info", 2), 0).status()).isEqualTo(Status.WARN);
    assertThat(health(project, Map.of(), 1).status()).isEqualTo(Status.WARN);
    ProjectHealth critical = health(project, Map.of("critical", 1, "warning", 3), 0);
    assertThat(critical.status()).isEqualTo(Status.BAD);
    assertThat(critical.openAlerts()).isEqualTo(4);
    assertThat(critical.openAlerts("warning")).isEqualTo(3);
    assertThat(critical.openAlerts("info")).isZero();
  }

  private static ProjectHealth health(Project project, Map<String, Integer> alerts, int approvals) {
    return new ProjectHealth(project, List.of(), List.of(), alerts, approvals, approvals);
  }

  private void push(Dataset dataset, VersionStatus outcome) {
    PendingVersion pending = datasets.reserveVersion(dataset.id(), "upload", "alice");
    datasets.commitVersion(
        pending.id(),
        outcome,
        new VersionContent(
            List.of(new ManifestFile("part-0.parquet", 10, "a".repeat(64))),
            10,
            100,
            "{\"columns\":[]}",
            "profile".getBytes(StandardCharsets.UTF_8),
            "{\"passed\":true}"),
        "alice");
  }
}
