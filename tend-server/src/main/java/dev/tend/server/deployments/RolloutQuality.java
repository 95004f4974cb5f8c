package dev.tend.server.deployments;

import static java.util.Objects.requireNonNull;

import dev.tend.server.serving.TrafficObserver.Role;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Model quality of one version of a deployment over a time range, once labels for its predictions
 * have arrived: the rollout controller compares a candidate's with the stable version's. An
 * implementation joins the prediction log with the feedback received. Thread-safe.
 */
public interface RolloutQuality {
  /** No labels are known yet: quality never judges a rollout. */
  RolloutQuality NO_LABELS = (deployment, versionId, role, metric, from, to) -> Optional.empty();

  /**
   * The {@code metric} of the predictions {@code versionId} answered in {@code role} in [{@code
   * from}, {@code to}) that have a label; empty when none has, or when the metric is not one of the
   * model's task.
   */
  Optional<Figure> figure(
      String deployment, String versionId, Role role, String metric, Instant from, Instant to);

  /** A metric's value over {@code labelled} labelled predictions. */
  record Figure(double value, long labelled) {
    public Figure {
      if (labelled < 0) {
        throw new IllegalArgumentException("labelled must be 0 or more, got " + labelled);
      }
    }
  }

  /** Metrics where a smaller value is better (errors and losses); all others grow with quality. */
  Set<String> LOWER_IS_BETTER =
      Set.of(
          "rmse",
          "mse",
          "mae",
          "mape",
          "log_loss",
          "logloss",
          "brier",
          "expected_calibration_error");

  /**
   * How much worse {@code candidate} is than {@code stable} on {@code metric}: positive when worse,
   * whichever direction the metric improves in.
   */
  static double drop(String metric, double stable, double candidate) {
    requireNonNull(metric, "metric is null");
    return LOWER_IS_BETTER.contains(metric.toLowerCase(Locale.ROOT))
        ? candidate - stable
        : stable - candidate;
  }
}
