package dev.tend.operations;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A project's operations figures over a period: totals, the same per bucket (every bucket of the
 * period, empty ones included), and the deployments and incidents they were computed from.
 */
public record OperationsFigures(
    Period period,
    Figures totals,
    List<BucketFigures> buckets,
    List<Change> changes,
    List<IncidentFigure> incidents) {
  public OperationsFigures {
    requireNonNull(period, "period is null");
    requireNonNull(totals, "totals is null");
    buckets = List.copyOf(buckets);
    changes = List.copyOf(changes);
    incidents = List.copyOf(incidents);
  }
}
