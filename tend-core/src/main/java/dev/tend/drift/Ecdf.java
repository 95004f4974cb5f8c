package dev.tend.drift;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.DoublesSortedView;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * An empirical distribution function over either an exact sample or a KLL sketch, so the CDF-based
 * measures share one implementation.
 */
sealed interface Ecdf {
  /** Number of values the distribution summarises. */
  long count();

  /** The sorted points where the step function may jump: all values, or retained items. */
  double[] support();

  /** Fraction of values less than or equal to {@code x}. */
  double cdf(double x);

  /** The {@code q}-quantile of the reference binning (linear interpolation for samples). */
  double quantile(double q);

  /** Population standard deviation (weighted by retained-item weights for sketches). */
  double standardDeviation();

  /** True when the values are exact, false when a sketch approximates them. */
  boolean exact();

  static Ecdf of(double[] values, String role) {
    requireNonNull(values, role + " is null");
    if (values.length == 0) {
      throw new IllegalArgumentException(role + " sample is empty; drift needs at least one value");
    }
    double[] sorted = values.clone();
    for (int i = 0; i < sorted.length; i++) {
      if (!Double.isFinite(sorted[i])) {
        throw new IllegalArgumentException(
            role + " value at index " + i + " is " + sorted[i] + "; drop missing values first");
      }
    }
    Arrays.sort(sorted);
    return new Sample(sorted);
  }

  static Ecdf of(KllDoublesSketch sketch, String role) {
    requireNonNull(sketch, role + " sketch is null");
    if (sketch.isEmpty()) {
      throw new IllegalArgumentException(role + " sketch is empty; drift needs at least one value");
    }
    return new Sketch(sketch, sketch.getSortedView());
  }

  /** An exact sample, sorted ascending. */
  record Sample(double[] sorted) implements Ecdf {
    public Sample {
      requireNonNull(sorted, "sorted is null");
    }

    @Override
    public long count() {
      return sorted.length;
    }

    @Override
    public double[] support() {
      return sorted;
    }

    @Override
    public double cdf(double x) {
      return (double) countAtMost(x) / sorted.length;
    }

    /** Number of values {@code <= x}, like numpy's {@code searchsorted(side='right')}. */
    int countAtMost(double x) {
      int lo = 0;
      int hi = sorted.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (sorted[mid] <= x) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }

    @Override
    public double quantile(double q) {
      double position = (sorted.length - 1) * q;
      int lo = (int) Math.floor(position);
      int hi = Math.min(lo + 1, sorted.length - 1);
      double t = position - lo;
      double a = sorted[lo];
      double b = sorted[hi];
      double diff = b - a;
      return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
    }

    @Override
    public double standardDeviation() {
      CompensatedSum sum = new CompensatedSum();
      for (double v : sorted) {
        sum.add(v);
      }
      double mean = sum.value() / sorted.length;
      CompensatedSum squares = new CompensatedSum();
      for (double v : sorted) {
        double d = v - mean;
        squares.add(d * d);
      }
      return Math.sqrt(squares.value() / sorted.length);
    }

    @Override
    public boolean exact() {
      return true;
    }
  }

  /** A KLL sketch; ranks and quantiles carry the sketch's rank error. */
  record Sketch(KllDoublesSketch sketch, DoublesSortedView view) implements Ecdf {
    public Sketch {
      requireNonNull(sketch, "sketch is null");
      requireNonNull(view, "view is null");
    }

    @Override
    public long count() {
      return sketch.getN();
    }

    @Override
    public double[] support() {
      return view.getQuantiles();
    }

    @Override
    public double cdf(double x) {
      return view.getRank(x, QuantileSearchCriteria.INCLUSIVE);
    }

    @Override
    public double quantile(double q) {
      return view.getQuantile(q, QuantileSearchCriteria.INCLUSIVE);
    }

    @Override
    public double standardDeviation() {
      double[] items = view.getQuantiles();
      long[] cumulative = view.getCumulativeWeights();
      double n = view.getN();
      CompensatedSum sum = new CompensatedSum();
      for (int i = 0; i < items.length; i++) {
        sum.add(items[i] * weight(cumulative, i));
      }
      double mean = sum.value() / n;
      CompensatedSum squares = new CompensatedSum();
      for (int i = 0; i < items.length; i++) {
        double d = items[i] - mean;
        squares.add(d * d * weight(cumulative, i));
      }
      return Math.sqrt(squares.value() / n);
    }

    private static long weight(long[] cumulative, int i) {
      return i == 0 ? cumulative[0] : cumulative[i] - cumulative[i - 1];
    }

    @Override
    public boolean exact() {
      return false;
    }
  }
}
