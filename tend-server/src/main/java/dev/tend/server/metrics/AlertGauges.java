package dev.tend.server.metrics;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Alerts firing now, as {@code tend_alerts_firing{project,rule,severity}}: the alerting service
 * calls {@link #update} with every count whenever alerts open or close. Thread-safe.
 */
public final class AlertGauges {
  public static final int MAX_SERIES = 2_000;

  /** How many alerts of one rule fire now. */
  public record Firing(String project, String rule, String severity, int count) {
    public Firing {
      requireNonNull(project, "project is null");
      requireNonNull(rule, "rule is null");
      requireNonNull(severity, "severity is null");
      if (count < 0) {
        throw new IllegalArgumentException("count must not be negative");
      }
    }
  }

  private final GaugeFamily firing;

  AlertGauges(MeterRegistry registry) {
    this.firing =
        new GaugeFamily(
            registry,
            "tend.alerts.firing",
            "Alerts firing now, per rule",
            List.of("project", "rule", "severity"),
            MAX_SERIES);
  }

  /** Replaces every count; rules left out fire no alert (their series go). */
  public void update(List<Firing> counts) {
    Map<List<String>, Double> values = new HashMap<>();
    for (Firing f : counts) {
      values.merge(List.of(f.project(), f.rule(), f.severity()), (double) f.count(), Double::sum);
    }
    firing.replace(values, key -> true);
  }
}
