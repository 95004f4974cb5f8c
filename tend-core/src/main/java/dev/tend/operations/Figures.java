package dev.tend.operations;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The operations figures of one period (the whole range or one bucket). See
 * docs/operations-figures.md for how each is computed.
 *
 * @param deployments changes of a stable version
 * @param deploymentsByEnvironment the same, per environment that had any
 * @param deploymentsPerDay deployments divided by the period's length in days
 * @param rolledBackRollouts rollouts whose candidate was removed without becoming stable
 * @param reverts deployments back to an earlier stable version
 * @param changeAttempts deployments plus rolled-back rollouts
 * @param changeFailureRate (rolled-back rollouts + reverts) / change attempts; absent without any
 * @param leadTime from data push to serving as stable, over the deployments that have one
 * @param incidents incidents opened in the period
 * @param resolvedIncidents those of them resolved by now
 * @param actions every action, split in automated and manual
 * @param actionsByKind the same per kind of action
 */
public record Figures(
    int deployments,
    SortedMap<String, Integer> deploymentsByEnvironment,
    double deploymentsPerDay,
    int rolledBackRollouts,
    int reverts,
    int changeAttempts,
    OptionalDouble changeFailureRate,
    Summary leadTime,
    int incidents,
    int resolvedIncidents,
    Summary timeToDetect,
    Summary timeToRecover,
    ActionCount actions,
    SortedMap<String, ActionCount> actionsByKind) {
  public Figures {
    deploymentsByEnvironment =
        Collections.unmodifiableSortedMap(new TreeMap<>(deploymentsByEnvironment));
    requireNonNull(changeFailureRate, "changeFailureRate is null");
    requireNonNull(leadTime, "leadTime is null");
    requireNonNull(timeToDetect, "timeToDetect is null");
    requireNonNull(timeToRecover, "timeToRecover is null");
    requireNonNull(actions, "actions is null");
    actionsByKind = Collections.unmodifiableSortedMap(new TreeMap<>(actionsByKind));
    if (!Double.isFinite(deploymentsPerDay)) {
      throw new IllegalArgumentException("deploymentsPerDay must be finite");
    }
  }
}
