package dev.tend.server.alerting;

import dev.tend.alert.AlertRule;
import dev.tend.alert.RootCause;
import dev.tend.alert.SeriesKey;
import dev.tend.monitor.MetricPoint;
import java.util.Optional;

/**
 * Explains why an alert fires: the {@link RootCause} of the window whose figure {@code point} fired
 * {@code rule} on series {@code key}, or empty when there is nothing to explain with (the window's
 * figures are gone). The monitoring side provides it from its stored windows, figures and lineage.
 * Implementations must be thread-safe; a failure throws and is logged by {@link Alerting}, which
 * fires the alert anyway.
 */
@FunctionalInterface
public interface RootCauses {
  Optional<RootCause> explain(String projectId, AlertRule rule, SeriesKey key, MetricPoint point);

  /** No explanations: alerts fire without a root cause. */
  RootCauses NONE = (projectId, rule, key, point) -> Optional.empty();
}
