package dev.tend.server.ui.home;

import static java.util.Objects.requireNonNull;

import dev.tend.datasets.VersionStatus;
import dev.tend.projects.Project;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One project's health at a glance: the newest version of each dataset, each deployment's stable
 * version, rollout and last monitor window, the open alerts by severity and the automation actions
 * under way. {@link #status()} folds them into one word for the overview's badge.
 *
 * @param alertsBySeverity open (firing or acknowledged) alerts by severity: critical, warning, info
 * @param openActions automation actions not finished yet
 * @param awaitingApproval those of them waiting for someone to approve
 */
public record ProjectHealth(
    Project project,
    List<DatasetHealth> datasets,
    List<DeploymentHealth> deployments,
    Map<String, Integer> alertsBySeverity,
    int openActions,
    int awaitingApproval) {
  /** Alert severities, most urgent first. */
  public static final List<String> SEVERITIES = List.of("critical", "warning", "info");

  public ProjectHealth {
    requireNonNull(project, "project is null");
    datasets = List.copyOf(requireNonNull(datasets, "datasets is null"));
    deployments = List.copyOf(requireNonNull(deployments, "deployments is null"));
    alertsBySeverity = Map.copyOf(requireNonNull(alertsBySeverity, "alertsBySeverity is null"));
  }

  /** The newest committed version of a dataset, and whether its checks accepted it. */
  public record DatasetHealth(String name, int version, VersionStatus status) {
    public DatasetHealth {
      requireNonNull(name, "name is null");
      requireNonNull(status, "status is null");
    }

    public boolean accepted() {
      return status == VersionStatus.ACCEPTED;
    }
  }

  /**
   * A deployment's stable model version, its rollout in progress, and the share of drifted features
   * and the accuracy of its newest monitor window that had them (over all versions and rows).
   *
   * @param stable the stable version as {@code model v3}, or its id when the registry lost it
   * @param rollout the rollout's state ({@code in progress}, {@code awaiting approval}), if any
   */
  public record DeploymentHealth(
      String name,
      String environment,
      String stable,
      Optional<String> rollout,
      Optional<Double> driftedShare,
      Optional<Double> accuracy,
      Optional<Instant> lastWindowEnd) {
    public DeploymentHealth {
      requireNonNull(name, "name is null");
      requireNonNull(environment, "environment is null");
      requireNonNull(stable, "stable is null");
      requireNonNull(rollout, "rollout is null");
      requireNonNull(driftedShare, "driftedShare is null");
      requireNonNull(accuracy, "accuracy is null");
      requireNonNull(lastWindowEnd, "lastWindowEnd is null");
    }
  }

  /** What the overview's badge says. */
  public enum Status {
    /** Nothing open, every newest dataset version accepted. */
    OK("ok", "healthy"),
    /** Something needs a look: a warning or info alert, or an action awaiting approval. */
    WARN("warn", "attention"),
    /** A critical alert is open, or a dataset's newest version was rejected. */
    BAD("bad", "failing");

    private final String badge;
    private final String label;

    Status(String badge, String label) {
      this.badge = badge;
      this.label = label;
    }

    /** The CSS class of its badge: ok, warn or bad. */
    public String badge() {
      return badge;
    }

    public String label() {
      return label;
    }
  }

  public Status status() {
    if (openAlerts("critical") > 0 || rejectedDatasets() > 0) {
      return Status.BAD;
    }
    if (openAlerts() > 0 || awaitingApproval > 0) {
      return Status.WARN;
    }
    return Status.OK;
  }

  /** The badge class of an alert severity: bad, warn or info. */
  public static String badge(String severity) {
    return switch (severity) {
      case "critical" -> "bad";
      case "warning" -> "warn";
      default -> "info";
    };
  }

  /** Open alerts of one severity. */
  public int openAlerts(String severity) {
    return alertsBySeverity.getOrDefault(severity, 0);
  }

  /** Open alerts of every severity. */
  public int openAlerts() {
    return alertsBySeverity.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Datasets whose newest version was rejected. */
  public long rejectedDatasets() {
    return datasets.stream().filter(d -> !d.accepted()).count();
  }

  /** Deployments with a rollout in progress. */
  public long rollouts() {
    return deployments.stream().filter(d -> d.rollout().isPresent()).count();
  }
}
