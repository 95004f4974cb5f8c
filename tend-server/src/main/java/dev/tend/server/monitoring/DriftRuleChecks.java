package dev.tend.server.monitoring;

import static java.util.Objects.requireNonNull;

import dev.tend.alert.AlertRule;
import dev.tend.deployments.Deployment;
import dev.tend.deployments.DeploymentRepository;
import dev.tend.monitor.DriftFigures;
import dev.tend.monitor.MonitorMetric;
import dev.tend.registry.ModelVersion;
import dev.tend.registry.SignatureColumn;
import dev.tend.schema.DataType;
import dev.tend.server.alerting.RuleChecks;
import java.util.Optional;
import java.util.Set;

/**
 * Refuses a per-column drift rule ({@code feature_drift}, {@code feature_drift_previous}, {@code
 * drift_detected}) on a date or timestamp input of the deployment it names: such inputs get no
 * drift figure ({@link DriftFigures}), so the rule would never fire. The input's type is read from
 * the signature of the version serving the deployment's stable traffic; a rule on every deployment
 * or every column, or on a deployment or version not known yet, is accepted. Thread-safe.
 */
final class DriftRuleChecks implements RuleChecks {
  private static final Set<MonitorMetric> PER_COLUMN_DRIFT =
      Set.of(
          MonitorMetric.FEATURE_DRIFT,
          MonitorMetric.FEATURE_DRIFT_PREVIOUS,
          MonitorMetric.DRIFT_DETECTED);

  private final DeploymentRepository deployments;
  private final Lineage lineage;

  DriftRuleChecks(DeploymentRepository deployments, Lineage lineage) {
    this.deployments = requireNonNull(deployments, "deployments is null");
    this.lineage = requireNonNull(lineage, "lineage is null");
  }

  @Override
  public Optional<Problem> problem(String projectId, AlertRule rule) {
    requireNonNull(projectId, "projectId is null");
    requireNonNull(rule, "rule is null");
    if (!PER_COLUMN_DRIFT.contains(rule.metric())
        || rule.column().equals(AlertRule.EVERY)
        || rule.deployment().equals(AlertRule.EVERY)) {
      return Optional.empty();
    }
    Optional<Deployment> deployment =
        deployments.get(rule.deployment()).filter(d -> d.projectId().equals(projectId));
    Optional<ModelVersion> version =
        deployment.flatMap(d -> lineage.version(d.current().traffic().stableVersionId()));
    if (version.isEmpty()) {
      return Optional.empty();
    }
    for (SignatureColumn input : version.get().signature().inputs()) {
      Optional<DataType> type = DataType.parse(input.type());
      if (input.name().equals(Optional.of(rule.column()))
          && type.isPresent()
          && type.get().isTemporal()) {
        return Optional.of(
            new Problem(
                "column",
                "column '"
                    + rule.column()
                    + "' is a "
                    + type.get().label()
                    + " input of deployment '"
                    + rule.deployment()
                    + "' (model "
                    + version.get().modelName()
                    + " version "
                    + version.get().version()
                    + "): date and timestamp inputs get no "
                    + rule.metric().label()
                    + " figure, as every window's times differ from the reference's, so this"
                    + " rule would never fire; watch the column's quality instead (missing_share,"
                    + " or a freshness check of the dataset's suite with checks_failed)"));
      }
    }
    return Optional.empty();
  }
}
