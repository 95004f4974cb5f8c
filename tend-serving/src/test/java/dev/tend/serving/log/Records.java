package dev.tend.serving.log;

import java.time.Instant;
import java.util.Optional;

/** Predictions for tests, varied enough to exercise every field. */
final class Records {
  static final Instant T0 = Instant.parse("2026-11-20T10:15:30.123456Z");

  private Records() {}

  static PredictionRecord record(String id, String deployment, Instant timestamp) {
    return new PredictionRecord(
        id,
        deployment,
        "prod",
        "churn",
        "3",
        "{\"age\":41,\"plan\":\"gold\",\"note\":\"caf\u00e9 \u2713\"}",
        "{\"score\":0.82}",
        1234,
        timestamp,
        id.hashCode() % 2 == 0 ? Optional.empty() : Optional.of("req-" + id));
  }

  static PredictionRecord record(String id) {
    return record(id, "churn-prod", T0);
  }
}
