package dev.tend.evaluation;

/**
 * A mergeable state of numeric predictions: compensated sums of absolute, squared and relative
 * errors, and of the labels shifted by the first label seen ({@code y - K} and {@code (y - K)^2}),
 * which keeps {@code SS_tot} accurate when the labels sit far from zero (1e6 plus noise of 1e-3,
 * where a running mean loses digits). Merging two accumulators gives the metrics of all their rows
 * up to rounding.
 *
 * <p>Not thread-safe.
 */
public final class RegressionAccumulator {
  private long rows;
  private final CompensatedSum absoluteErrors = new CompensatedSum();
  private final CompensatedSum squaredErrors = new CompensatedSum();
  private final CompensatedSum relativeErrors = new CompensatedSum();
  private double shift;
  private final CompensatedSum shifted = new CompensatedSum();
  private final CompensatedSum shiftedSquares = new CompensatedSum();

  private RegressionAccumulator() {}

  public static RegressionAccumulator create() {
    return new RegressionAccumulator();
  }

  /** Evaluates all rows at once. */
  public static RegressionMetrics evaluate(double[] actual, double[] predicted) {
    Checks.sameLength(actual.length, predicted.length, "predictions");
    RegressionAccumulator accumulator = create();
    for (int i = 0; i < actual.length; i++) {
      accumulator.add(actual[i], predicted[i]);
    }
    return accumulator.metrics();
  }

  public void add(double actual, double predicted) {
    Checks.finite(actual, "a label");
    Checks.finite(predicted, "a prediction");
    double error = predicted - actual;
    absoluteErrors.add(Math.abs(error));
    squaredErrors.add(error * error);
    relativeErrors.add(Math.abs(error) / Math.max(Math.abs(actual), LogLoss.EPSILON));
    if (rows == 0) {
      shift = actual;
    }
    rows++;
    double d = actual - shift;
    shifted.add(d);
    shiftedSquares.add(d * d);
  }

  public void merge(RegressionAccumulator other) {
    if (other.rows == 0) {
      return;
    }
    absoluteErrors.merge(other.absoluteErrors);
    squaredErrors.merge(other.squaredErrors);
    relativeErrors.merge(other.relativeErrors);
    if (rows == 0) {
      shift = other.shift;
    }
    // Re-shift the other's sums from its shift K2 to ours K: y - K = (y - K2) + (K2 - K).
    double move = other.shift - shift;
    double otherSum = other.shifted.value();
    shifted.merge(other.shifted);
    shifted.add(other.rows * move);
    shiftedSquares.merge(other.shiftedSquares);
    shiftedSquares.add(2 * move * otherSum);
    shiftedSquares.add(other.rows * move * move);
    rows += other.rows;
  }

  public long rows() {
    return rows;
  }

  public RegressionMetrics metrics() {
    if (rows == 0) {
      MetricValue none = MetricValue.undefined("no rows");
      return new RegressionMetrics(0, none, none, none, none);
    }
    double sum = shifted.value();
    double squaredDeviations = Math.max(0, shiftedSquares.value() - sum * (sum / rows));
    MetricValue r2 =
        squaredDeviations == 0
            ? MetricValue.undefined("all labels are equal")
            : MetricValue.of(1 - squaredErrors.value() / squaredDeviations);
    return new RegressionMetrics(
        rows,
        MetricValue.of(absoluteErrors.value() / rows),
        MetricValue.of(Math.sqrt(squaredErrors.value() / rows)),
        r2,
        MetricValue.of(relativeErrors.value() / rows));
  }
}
