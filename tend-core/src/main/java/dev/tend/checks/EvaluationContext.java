package dev.tend.checks;

import static java.util.Objects.requireNonNull;

import dev.tend.schema.Schema;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * What a check evaluation may consult besides metrics: the data's schema, the time the run
 * considers "now" (freshness), and past values of a metric, newest first (anomaly checks).
 */
public record EvaluationContext(
    Schema schema, Instant now, Function<String, List<Double>> history) {
  public EvaluationContext {
    requireNonNull(schema, "schema is null");
    requireNonNull(now, "now is null");
    requireNonNull(history, "history is null");
  }

  public static EvaluationContext withoutHistory(Schema schema, Instant now) {
    return new EvaluationContext(schema, now, key -> List.of());
  }
}
