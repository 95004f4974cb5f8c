package dev.tend.server.alerting.channel;

import dev.tend.alert.AlertEvent;
import dev.tend.alert.RootCause;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/** Alert events as the alerting service would send them, for channel tests. */
final class Events {
  static final Instant STARTS =
      Instant.now()
          .minus(Duration.ofMinutes(10))
          .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

  private Events() {}

  static AlertEvent of(AlertEvent.Kind kind, String fingerprint) {
    return new AlertEvent(
        kind,
        "al-1",
        "in-7",
        fingerprint,
        "flights",
        "f1-floor",
        "critical",
        Map.of(
            "deployment", "flights-prod",
            "model_version", "v3",
            "metric", "f1",
            "team", "ml-ops"),
        "f1 of flights-prod is 0.41 (below 0.5)",
        "f1 fell from 0.62 to 0.41 over 3 windows.\nMost of the drop is in origin=ORD <all>.",
        OptionalDouble.of(0.41),
        STARTS,
        kind == AlertEvent.Kind.RESOLVED
            ? Optional.of(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
            : Optional.empty(),
        Optional.of("http://tend.example/projects/flights/alerts/al-1"));
  }

  /* A quality alert's root cause, with characters Slack and HTML must escape. */
  static final RootCause ROOT_CAUSE =
      new RootCause(
          new RootCause.Window(STARTS, STARTS.plus(Duration.ofHours(1))),
          "flights-prod",
          Optional.of(new RootCause.Model("delays", "3", Optional.of("run-9"))),
          List.of(new RootCause.Dataset("flights", "7")),
          List.of(
              new RootCause.DriftedFeature(
                  "distance", Optional.of("wasserstein"), 3.2, OptionalDouble.of(0.4), STARTS)),
          List.of(
              new RootCause.QualityIssue("origin", "missing_share", 0.48, OptionalDouble.of(0)),
              new RootCause.QualityIssue(
                  "distance", "out_of_range_share", 0.12, OptionalDouble.empty()),
              new RootCause.QualityIssue("dest", "missing_share", 0.1, OptionalDouble.of(0)),
              new RootCause.QualityIssue("carrier", "missing_share", 0.09, OptionalDouble.of(0))),
          List.of(
              new RootCause.FailingCheck(
                  "completeness(origin)", List.of("origin"), "240 of 500 rows missing (48%)"),
              new RootCause.FailingCheck(
                  "rule(<a & b>)", List.of("a", "b"), "12 rows where a > b")),
          List.of(new RootCause.SegmentDrop("origin=ORD", "accuracy", 0.5, 0.8, 0.3, 100)),
          "origin missing in 48% of rows; distance out of range in 12% of values; checks failing:"
              + " completeness(origin), rule(<a & b>)");

  static AlertEvent withRootCause(AlertEvent e) {
    return new AlertEvent(
        e.kind(),
        e.alertId(),
        e.incidentId(),
        e.fingerprint(),
        e.project(),
        e.rule(),
        e.severity(),
        e.labels(),
        e.summary(),
        e.description(),
        e.value(),
        e.startsAt(),
        e.endsAt(),
        e.link(),
        Optional.of(ROOT_CAUSE));
  }

  static AlertEvent firing() {
    return of(AlertEvent.Kind.FIRING, "fp-1");
  }

  static AlertEvent resolved() {
    return of(AlertEvent.Kind.RESOLVED, "fp-1");
  }
}
