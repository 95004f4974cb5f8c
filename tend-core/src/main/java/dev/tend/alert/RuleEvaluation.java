package dev.tend.alert;

import static java.util.Objects.requireNonNull;

import dev.tend.alert.Condition.Anomaly;
import dev.tend.alert.Condition.Baseline;
import dev.tend.alert.Condition.Change;
import dev.tend.alert.Condition.Direction;
import dev.tend.alert.Condition.Threshold;
import dev.tend.monitor.MetricPoint;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Judges each window of one series against a rule's condition: a pure function of the rule and the
 * series' points (oldest first, newest last). Conditions that read history read the points before
 * each window; a window without enough history does not breach.
 */
public final class RuleEvaluation {
  /* Scales the median absolute deviation to the standard deviation of a normal distribution. */
  private static final double MAD_SCALE = 0.6745;
  /* Scales the mean absolute deviation likewise, when the median one is zero. */
  private static final double MEAN_AD_SCALE = 1.253314;

  private RuleEvaluation() {}

  /**
   * The judgement of one window.
   *
   * @param point the window's figure
   * @param breached whether the window breaches the condition
   * @param baseline what the value was compared with: the threshold, the change's baseline, or the
   *     median of the history
   * @param explanation the comparison for people, such as {@code below 0.5} or {@code down 25% from
   *     0.55 (mean of the previous 6 windows)}
   */
  public record Verdict(
      MetricPoint point, boolean breached, OptionalDouble baseline, String explanation) {
    public Verdict {
      requireNonNull(point, "point is null");
      requireNonNull(baseline, "baseline is null");
      requireNonNull(explanation, "explanation is null");
    }
  }

  /**
   * A verdict for every window of {@code series}.
   *
   * @throws IllegalArgumentException when the points are not of one series the rule watches, in
   *     order of their windows
   */
  public static List<Verdict> evaluate(AlertRule rule, List<MetricPoint> series) {
    requireNonNull(rule, "rule is null");
    requireNonNull(series, "series is null");
    for (int i = 0; i < series.size(); i++) {
      MetricPoint point = series.get(i);
      if (!rule.matches(point)) {
        throw new IllegalArgumentException(
            "rule " + rule.name() + " does not watch the series of " + point);
      }
      if (i > 0) {
        MetricPoint before = series.get(i - 1);
        if (!SeriesKey.of(before).equals(SeriesKey.of(point))) {
          throw new IllegalArgumentException("the points are of more than one series");
        }
        if (!point.windowStart().isAfter(before.windowStart())) {
          throw new IllegalArgumentException("the points must be in order of their windows");
        }
      }
    }
    List<Verdict> verdicts = new ArrayList<>(series.size());
    for (int i = 0; i < series.size(); i++) {
      verdicts.add(judge(rule.condition(), series, i));
    }
    return verdicts;
  }

  /** The verdict of the newest window of {@code series}, judged against the ones before. */
  public static Verdict latest(AlertRule rule, List<MetricPoint> series) {
    if (series.isEmpty()) {
      throw new IllegalArgumentException("the series has no points");
    }
    return evaluate(rule, series).getLast();
  }

  private static Verdict judge(Condition condition, List<MetricPoint> series, int index) {
    MetricPoint point = series.get(index);
    double value = point.value();
    return switch (condition) {
      case Threshold t -> {
        boolean breached = t.op().holds(value, t.value());
        String words =
            switch (t.op()) {
              case LT -> "below ";
              case LE -> "at most ";
              case GT -> "above ";
              case GE -> "at least ";
            };
        yield new Verdict(
            point,
            breached,
            OptionalDouble.of(t.value()),
            (breached ? "" : "not ") + words + format(t.value()));
      }
      case Change c -> change(c, series, index);
      case Anomaly a -> anomaly(a, series, index);
    };
  }

  private static Verdict change(Change change, List<MetricPoint> series, int index) {
    MetricPoint point = series.get(index);
    double base;
    String from;
    switch (change.baseline()) {
      case Baseline.Previous p -> {
        if (index < p.windows()) {
          return new Verdict(
              point,
              false,
              OptionalDouble.empty(),
              "no baseline yet: needs " + p.windows() + " earlier windows, has " + index);
        }
        double sum = 0;
        for (int i = index - p.windows(); i < index; i++) {
          sum += series.get(i).value();
        }
        base = sum / p.windows();
        from =
            p.windows() == 1
                ? "the previous window"
                : "the mean of the previous " + p.windows() + " windows";
      }
      case Baseline.First f -> {
        if (index == 0) {
          return new Verdict(
              point,
              false,
              OptionalDouble.of(point.value()),
              "the first window is the baseline itself");
        }
        base = series.getFirst().value();
        from = "the first window";
      }
      case Baseline.Reference r -> {
        base = r.value();
        from = "the reference";
      }
    }
    double delta = point.value() - base;
    double size;
    String amount;
    if (change.relative()) {
      size = base == 0 ? (delta == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.abs(delta / base);
      amount = Double.isInfinite(size) ? "from zero" : format(100 * size) + "%";
    } else {
      size = Math.abs(delta);
      amount = format(size);
    }
    boolean breached = change.direction().counts(delta) && size >= change.amount();
    String way = delta > 0 ? "up " : delta < 0 ? "down " : "unchanged ";
    String text =
        (delta == 0 ? way : way + amount + " ")
            + "from "
            + format(base)
            + " ("
            + from
            + "; alerts at "
            + (change.relative() ? format(100 * change.amount()) + "%" : format(change.amount()))
            + (change.direction() == Direction.EITHER ? "" : " " + change.direction().label())
            + ")";
    return new Verdict(point, breached, OptionalDouble.of(base), text);
  }

  private static Verdict anomaly(Anomaly anomaly, List<MetricPoint> series, int index) {
    MetricPoint point = series.get(index);
    int from = Math.max(0, index - anomaly.windows());
    int count = index - from;
    if (count < anomaly.minHistory()) {
      return new Verdict(
          point,
          false,
          OptionalDouble.empty(),
          "not enough history: needs " + anomaly.minHistory() + " earlier windows, has " + count);
    }
    double[] history = new double[count];
    for (int i = 0; i < count; i++) {
      history[i] = series.get(from + i).value();
    }
    double z = robustZ(point.value(), history);
    double median = median(history);
    boolean breached =
        anomaly.direction().counts(z) && Math.abs(z) >= anomaly.z() && !Double.isNaN(z);
    String text =
        "robust z-score "
            + (Double.isInfinite(z) ? (z > 0 ? "+inf" : "-inf") : format(z))
            + " against the previous "
            + count
            + " windows (median "
            + format(median)
            + "; alerts at "
            + format(anomaly.z())
            + (anomaly.direction() == Direction.EITHER ? "" : " " + anomaly.direction().label())
            + ")";
    return new Verdict(point, breached, OptionalDouble.of(median), text);
  }

  /**
   * The robust z-score of {@code value} against {@code history}: {@code 0.6745 (x - median) / MAD};
   * when the MAD is zero, the mean absolute deviation scaled by 1.2533 stands in (as in IBM's
   * modified z-score); when both are zero (a constant history), any other value is infinitely far.
   */
  public static double robustZ(double value, double[] history) {
    if (history.length == 0) {
      throw new IllegalArgumentException("history is empty");
    }
    double median = median(history);
    double[] deviations = new double[history.length];
    double meanDeviation = 0;
    for (int i = 0; i < history.length; i++) {
      deviations[i] = Math.abs(history[i] - median);
      meanDeviation += deviations[i];
    }
    meanDeviation /= history.length;
    double mad = median(deviations);
    double delta = value - median;
    if (mad > 0) {
      return MAD_SCALE * delta / mad;
    }
    if (meanDeviation > 0) {
      return delta / (MEAN_AD_SCALE * meanDeviation);
    }
    return delta == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, delta);
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** A figure for people: four significant digits, no trailing zeros. */
  public static String format(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return Double.toString(value);
    }
    if (value == 0) {
      return "0";
    }
    double magnitude = Math.abs(value);
    if (magnitude < 1e-4 || magnitude >= 1e9) {
      return String.format(Locale.ROOT, "%.3e", value);
    }
    return new BigDecimal(value).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }
}
