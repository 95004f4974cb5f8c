package dev.tend.server.monitoring;

import static java.util.Objects.requireNonNull;

import dev.tend.datasets.DatasetRepository;
import dev.tend.deployments.DeploymentRepository;
import dev.tend.feedback.FeedbackRepository;
import dev.tend.monitors.MonitorRepository;
import dev.tend.projects.ProjectRepository;
import dev.tend.registry.RegistryRepository;
import dev.tend.server.alerting.RuleChecks;
import dev.tend.server.feedback.LabelledPredictions;
import dev.tend.server.serving.TrafficObserver;
import dev.tend.serving.log.PredictionLog;
import dev.tend.store.Database;
import dev.tend.tracking.TrackingRepository;
import java.time.Clock;

/**
 * Production monitoring put together: the failed-request counter the serving path reports to, the
 * runner that ingests the prediction log and feedback into windows and figures, and the monitor
 * API. Thread-safe.
 */
public final class Monitoring implements AutoCloseable {
  private final FailedRequests failures;
  private final MonitorRunner runner;
  private final MonitoringApi api;
  private final MonitorRepository monitors;
  private final WindowRootCauses rootCauses;
  private final RuleChecks ruleChecks;

  /** The repositories monitoring reads and writes. */
  public record Store(
      Database database,
      ProjectRepository projects,
      RegistryRepository registry,
      TrackingRepository tracking,
      DatasetRepository datasets,
      DeploymentRepository deployments) {
    public Store {
      requireNonNull(database, "database is null");
      requireNonNull(projects, "projects is null");
      requireNonNull(registry, "registry is null");
      requireNonNull(tracking, "tracking is null");
      requireNonNull(datasets, "datasets is null");
      requireNonNull(deployments, "deployments is null");
    }
  }

  public Monitoring(Store store, PredictionLog log, MonitorRunner.Settings settings, Clock clock) {
    requireNonNull(store, "store is null");
    requireNonNull(log, "log is null");
    this.monitors = MonitorRepository.of(store.database());
    Lineage lineage =
        new Lineage(store.registry(), store.tracking(), store.datasets(), store.deployments());
    this.failures = new FailedRequests(clock);
    this.runner =
        new MonitorRunner(
            monitors,
            log,
            new LabelledPredictions(log, FeedbackRepository.of(store.database())),
            lineage,
            failures,
            settings,
            clock);
    this.api =
        new MonitoringApi(store.projects(), store.datasets(), monitors, runner, lineage, clock);
    this.rootCauses = new WindowRootCauses(monitors, lineage, store.datasets());
    this.ruleChecks = new DriftRuleChecks(store.deployments(), lineage);
  }

  /** Hears failed requests; chain it with the rollout monitor on the serving path. */
  public TrafficObserver failures() {
    return failures;
  }

  public MonitorRunner runner() {
    return runner;
  }

  public MonitoringApi api() {
    return api;
  }

  /** The monitors' store, for figures' history (alert conditions read it). */
  public MonitorRepository monitors() {
    return monitors;
  }

  /** Explains alerts from the stored windows and figures, for {@code Alerting}. */
  public WindowRootCauses rootCauses() {
    return rootCauses;
  }

  /** Refuses alert rules that can never fire on the deployments' inputs, for {@code Alerting}. */
  public RuleChecks ruleChecks() {
    return ruleChecks;
  }

  /** Runs the runner every interval until closed. */
  public void start() {
    runner.start();
  }

  @Override
  public void close() {
    runner.close();
  }
}
