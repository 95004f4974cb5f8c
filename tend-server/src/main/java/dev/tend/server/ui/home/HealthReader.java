package dev.tend.server.ui.home;

import static java.util.Objects.requireNonNull;

import dev.tend.alerting.AlertRepository;
import dev.tend.automations.Action;
import dev.tend.automations.ActionState;
import dev.tend.automations.AutomationRepository;
import dev.tend.datasets.Dataset;
import dev.tend.datasets.DatasetRepository;
import dev.tend.datasets.DatasetVersion;
import dev.tend.deployments.Deployment;
import dev.tend.deployments.DeploymentRepository;
import dev.tend.deployments.Rollout;
import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.MonitorMetric;
import dev.tend.monitors.MonitorRepository;
import dev.tend.projects.Project;
import dev.tend.registry.RegistryRepository;
import dev.tend.server.StoreServices;
import dev.tend.server.ui.home.ProjectHealth.DatasetHealth;
import dev.tend.server.ui.home.ProjectHealth.DeploymentHealth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads the {@link ProjectHealth} of projects for the overview pages with bounded queries: open
 * alerts, deployments, rollouts and open automation actions once for every project; per project its
 * datasets' newest versions (one query); per deployment its stable version and the newest figure of
 * two metrics (indexed reads of one row). No raw predictions, windows or reports are read.
 * Thread-safe.
 */
public final class HealthReader {
  /** The most datasets and deployments shown per project. */
  static final int MAX_PER_PROJECT = 50;

  private final DatasetRepository datasets;
  private final DeploymentRepository deployments;
  private final RegistryRepository registry;
  private final AlertRepository alerts;
  private final MonitorRepository monitors;
  private final AutomationRepository automation;
  private final Clock clock;

  public HealthReader(
      DatasetRepository datasets,
      DeploymentRepository deployments,
      RegistryRepository registry,
      AlertRepository alerts,
      MonitorRepository monitors,
      AutomationRepository automation,
      Clock clock) {
    this.datasets = requireNonNull(datasets, "datasets is null");
    this.deployments = requireNonNull(deployments, "deployments is null");
    this.registry = requireNonNull(registry, "registry is null");
    this.alerts = requireNonNull(alerts, "alerts is null");
    this.monitors = requireNonNull(monitors, "monitors is null");
    this.automation = requireNonNull(automation, "automation is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** A reader over {@code store}'s repositories. */
  public static HealthReader of(StoreServices store, Clock clock) {
    return new HealthReader(
        store.datasets(),
        store.deployments(),
        store.registry(),
        AlertRepository.of(store.database()),
        MonitorRepository.of(store.database()),
        AutomationRepository.of(store.database()),
        clock);
  }

  /** The health of each of {@code projects}, in their order. */
  public List<ProjectHealth> read(List<Project> projects) {
    Map<String, Map<String, Integer>> openAlerts = new HashMap<>();
    for (AlertRepository.OpenCount c : alerts.openCounts()) {
      openAlerts
          .computeIfAbsent(c.project(), p -> new HashMap<>())
          .merge(c.severity(), c.count(), Integer::sum);
    }
    Map<String, List<Deployment>> deploymentsOf =
        deployments.listAll().stream().collect(Collectors.groupingBy(Deployment::projectId));
    Map<String, Rollout> rollouts =
        deployments.rollouts().stream()
            .collect(Collectors.toMap(Rollout::deploymentName, r -> r, (a, b) -> a));
    Map<String, List<Action>> actionsOf =
        automation.openActions().stream().collect(Collectors.groupingBy(Action::projectId));
    /* Figures of windows that start before now (plus a day for clocks running ahead). */
    Instant before = clock.instant().plus(Duration.ofDays(1));

    List<ProjectHealth> health = new ArrayList<>(projects.size());
    for (Project project : projects) {
      List<DeploymentHealth> deployed = new ArrayList<>();
      for (Deployment d :
          deploymentsOf.getOrDefault(project.id(), List.of()).stream()
              .limit(MAX_PER_PROJECT)
              .toList()) {
        deployed.add(deployment(d, Optional.ofNullable(rollouts.get(d.name())), before));
      }
      List<Action> actions = actionsOf.getOrDefault(project.id(), List.of());
      health.add(
          new ProjectHealth(
              project,
              datasets(project),
              deployed,
              openAlerts.getOrDefault(project.name(), Map.of()),
              actions.size(),
              (int)
                  actions.stream()
                      .filter(a -> a.state() == ActionState.AWAITING_APPROVAL)
                      .count()));
    }
    return health;
  }

  private List<DatasetHealth> datasets(Project project) {
    List<DatasetVersion> newest = datasets.newestVersions(project.id(), MAX_PER_PROJECT);
    if (newest.isEmpty()) {
      return List.of();
    }
    Map<String, String> names = new HashMap<>();
    for (Dataset d : datasets.list(project.id(), Optional.empty(), MAX_PER_PROJECT).items()) {
      names.put(d.id(), d.name());
    }
    List<DatasetHealth> result = new ArrayList<>();
    for (DatasetVersion v : newest) {
      result.add(
          new DatasetHealth(
              names.getOrDefault(v.datasetId(), v.datasetId()), v.number(), v.status()));
    }
    return result;
  }

  private DeploymentHealth deployment(Deployment d, Optional<Rollout> rollout, Instant before) {
    String stableId = d.current().traffic().stableVersionId();
    String stable =
        registry
            .versionById(stableId)
            .map(v -> v.modelName() + " v" + v.version())
            .orElse(stableId);
    Optional<MetricPoint> drift = newest(d.name(), MonitorMetric.DRIFTED_FEATURE_SHARE, before);
    Optional<MetricPoint> accuracy = newest(d.name(), MonitorMetric.ACCURACY, before);
    Optional<Instant> lastWindowEnd = drift.or(() -> accuracy).map(MetricPoint::windowEnd);
    return new DeploymentHealth(
        d.name(),
        d.environment().wireName(),
        stable,
        rollout.map(r -> r.state().name().toLowerCase(Locale.ROOT).replace('_', ' ')),
        drift.map(MetricPoint::value),
        accuracy.map(MetricPoint::value),
        lastWindowEnd);
  }

  private Optional<MetricPoint> newest(String deployment, MonitorMetric metric, Instant before) {
    return monitors
        .history(deployment, MetricPoint.ALL_VERSIONS, MetricPoint.ALL_ROWS, metric, "", before, 1)
        .stream()
        .findFirst();
  }
}
