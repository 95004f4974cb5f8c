package dev.tend.server.alerting.channel;

import dev.tend.alert.AlertEvent;
import java.time.Duration;
import java.time.Instant;
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

  static AlertEvent firing() {
    return of(AlertEvent.Kind.FIRING, "fp-1");
  }

  static AlertEvent resolved() {
    return of(AlertEvent.Kind.RESOLVED, "fp-1");
  }
}
