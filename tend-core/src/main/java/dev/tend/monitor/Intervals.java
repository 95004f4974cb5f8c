package dev.tend.monitor;

import static java.util.Objects.requireNonNull;

import org.hipparchus.distribution.continuous.TDistribution;
import org.hipparchus.special.Gamma;

/**
 * 95% confidence intervals for business outcomes: Wilson's score interval for a proportion ({@link
 * MonitorMetric#OUTCOME_RATE}, such as a conversion rate) and Student's t interval for a mean
 * ({@link MonitorMetric#OUTCOME_MEAN}, such as revenue per prediction). Stateless and thread-safe.
 */
public final class Intervals {
  /** The standard normal quantile at 0.975. */
  static final double Z_975 = 1.959963984540054;

  private Intervals() {}

  /**
   * An estimate and its 95% confidence interval.
   *
   * @param estimate the proportion or mean
   * @param lower lower end
   * @param upper upper end
   * @param count the observations it rests on
   */
  public record Interval(double estimate, double lower, double upper, long count) {
    public Interval {
      if (!(lower <= estimate && estimate <= upper)) {
        throw new IllegalArgumentException(
            "expected lower <= estimate <= upper, got " + lower + ", " + estimate + ", " + upper);
      }
    }
  }

  /**
   * Wilson's score interval (without continuity correction) for {@code successes} out of {@code
   * trials}, as scipy's {@code binomtest(k, n).proportion_ci(method='wilson')}: exactly 0 below
   * when there are no successes and 1 above when all are.
   */
  public static Interval wilson(long successes, long trials) {
    if (trials <= 0) {
      throw new IllegalArgumentException("a proportion needs at least one trial, got " + trials);
    }
    if (successes < 0 || successes > trials) {
      throw new IllegalArgumentException(
          "successes must be in [0, " + trials + "], got " + successes);
    }
    double n = trials;
    double p = successes / n;
    double z2 = Z_975 * Z_975;
    double denominator = 2 * (n + z2);
    double center = (2 * n * p + z2) / denominator;
    double delta = Z_975 / denominator * Math.sqrt(4 * n * p * (1 - p) + z2);
    double lower = successes == 0 ? 0 : center - delta;
    double upper = successes == trials ? 1 : center + delta;
    return new Interval(p, Math.min(lower, p), Math.max(upper, p), trials);
  }

  /**
   * Student's t interval for the mean of {@code count} values with sample standard deviation {@code
   * stddev} (ddof = 1), as scipy's {@code t.interval(0.95, n - 1, mean, sd / sqrt(n))}.
   */
  public static Interval studentT(long count, double mean, double stddev) {
    if (count < 2) {
      throw new IllegalArgumentException("a t interval needs at least two values, got " + count);
    }
    if (!Double.isFinite(mean) || !(stddev >= 0) || Double.isInfinite(stddev)) {
      throw new IllegalArgumentException(
          "mean and stddev must be finite and stddev >= 0, got " + mean + ", " + stddev);
    }
    double t = tQuantile975(count - 1.0);
    double half = t * stddev / Math.sqrt(count);
    return new Interval(mean, mean - half, mean + half, count);
  }

  /**
   * The t distribution's 0.975 quantile: Hipparchus's estimate (good to about 1e-9) polished by
   * Newton steps on an upper tail computed to about 1e-15.
   */
  static double tQuantile975(double degreesOfFreedom) {
    TDistribution t = new TDistribution(degreesOfFreedom);
    double x = t.inverseCumulativeProbability(0.975);
    for (int i = 0; i < 6; i++) {
      x += (upperTail(x, degreesOfFreedom) - 0.025) / t.density(x);
    }
    return x;
  }

  /** P(T > x) for x >= 0: half the regularized incomplete beta I_{v/(v+x^2)}(v/2, 1/2). */
  private static double upperTail(double x, double v) {
    return 0.5 * regularizedBeta(v / (v + x * x), v / 2, 0.5);
  }

  /** I_x(a, b) by the continued fraction of Numerical Recipes (modified Lentz), to 1e-16. */
  private static double regularizedBeta(double x, double a, double b) {
    if (x <= 0) {
      return 0;
    }
    if (x >= 1) {
      return 1;
    }
    if (x > (a + 1) / (a + b + 2)) {
      return 1 - regularizedBeta(1 - x, b, a);
    }
    double front =
        Math.exp(
            Gamma.logGamma(a + b)
                - Gamma.logGamma(a)
                - Gamma.logGamma(b)
                + a * Math.log(x)
                + b * Math.log1p(-x));
    double tiny = 1e-300;
    double c = 1;
    double d = 1 - (a + b) * x / (a + 1);
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    double h = d;
    for (int m = 1; m <= 10_000; m++) {
      int m2 = 2 * m;
      double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
      d = 1 + aa * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + aa / c;
      c = Math.abs(c) < tiny ? tiny : c;
      h *= d * c;
      aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
      d = 1 + aa * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + aa / c;
      c = Math.abs(c) < tiny ? tiny : c;
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < 1e-16) {
        break;
      }
    }
    return front * h / a;
  }

  /** Student's t interval for the mean of {@code values}. */
  public static Interval studentT(double[] values) {
    requireNonNull(values, "values is null");
    long n = values.length;
    if (n < 2) {
      throw new IllegalArgumentException("a t interval needs at least two values, got " + n);
    }
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    double mean = sum / n;
    double squares = 0;
    for (double v : values) {
      squares += (v - mean) * (v - mean);
    }
    return studentT(n, mean, Math.sqrt(squares / (n - 1)));
  }

  /** {@link MonitorMetric#OUTCOME_RATE} of the boolean outcome {@code outcome}. */
  public static MetricPoint outcomeRate(
      FigureScope scope, String outcome, long successes, long trials) {
    Interval i = wilson(successes, trials);
    return scope.point(
        MonitorMetric.OUTCOME_RATE, outcome, i.estimate(), trials, i.lower(), i.upper());
  }

  /** {@link MonitorMetric#OUTCOME_MEAN} of the numeric outcome {@code outcome}. */
  public static MetricPoint outcomeMean(
      FigureScope scope, String outcome, long count, double mean, double stddev) {
    Interval i = studentT(count, mean, stddev);
    return scope.point(
        MonitorMetric.OUTCOME_MEAN, outcome, i.estimate(), count, i.lower(), i.upper());
  }
}
