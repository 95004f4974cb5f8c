package dev.tend.profile;

import dev.tend.schema.DataType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.apache.datasketches.kll.KllDoublesSketch;

/**
 * The statistics of one column: exact counts, extremes and moments plus quantile, distinct-count
 * and frequent-value sketches. Immutable, thread-safe, and mergeable across partitions and time
 * windows; made by a {@link ColumnProfiler}.
 *
 * <p>For double columns, NaN and infinities count as values but are kept out of min, max, moments,
 * quantiles and top values; {@link #nanCount()} and {@link #infiniteCount()} report them. Temporal
 * statistics are epoch microseconds. String lengths count Unicode code points.
 */
public sealed interface ColumnProfile permits SketchColumnProfile {
  /** The ranks a {@link #summary()} reports quantiles at. */
  List<Double> SUMMARY_RANKS = List.of(0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99);

  String column();

  DataType type();

  ProfileOptions options();

  /** Non-null values. */
  long count();

  /** Null values. */
  long missing();

  /** {@code count() + missing()}. */
  default long rows() {
    return count() + missing();
  }

  /** True values of a boolean column. */
  long trueCount();

  /** NaN values of a double column. */
  long nanCount();

  /** Positive and negative infinities of a double column. */
  long infiniteCount();

  /** Empty strings of a string column. */
  long emptyCount();

  /** Exact minimum of a numeric or temporal column (finite values only); empty otherwise. */
  OptionalDouble min();

  OptionalDouble max();

  /** Exact minimum of an integer or temporal column without rounding to double. */
  OptionalLong minLong();

  OptionalLong maxLong();

  /** Exact mean; for booleans the fraction of true values. */
  OptionalDouble mean();

  /** Exact sample standard deviation (ddof = 1); empty below two values. */
  OptionalDouble stddev();

  /** Approximate quantile at {@code rank} in [0, 1] of a numeric or temporal column. */
  OptionalDouble quantile(double rank);

  /** Approximate fraction of values less than or equal to {@code value}. */
  OptionalDouble rank(double value);

  /**
   * The quantile sketch's normalized rank error (99% confidence, single-sided); empty where there
   * is no quantile sketch.
   */
  OptionalDouble quantileRankError();

  /** Approximate equal-width histogram between the exact min and max. */
  Optional<ColumnSummary.Histogram> histogram(int bins);

  /** Approximate distinct count of non-null values; exact for booleans, empty for OTHER. */
  Optional<ColumnSummary.Distinct> distinct();

  /**
   * Up to {@code limit} most frequent values, most frequent first, ties by value. Only values whose
   * frequency is certain to exceed {@link #topValuesMaxError()} are reported, so a column of mostly
   * unique values has none.
   */
  List<ColumnSummary.ValueCount> topValues(int limit);

  /**
   * The largest amount by which a top value's count may be off, and the most a value not reported
   * can occur.
   */
  long topValuesMaxError();

  /** Length statistics of a string column. */
  Optional<ColumnSummary.Lengths> lengths();

  /**
   * The profile of both inputs together.
   *
   * @throws IllegalArgumentException if the column names or types differ
   */
  ColumnProfile merge(ColumnProfile other);

  /** A plain view for reports. */
  ColumnSummary summary();

  /**
   * A copy of the quantile sketch of a numeric or temporal column, for drift measures; empty for
   * other types.
   */
  Optional<KllDoublesSketch> quantileSketch();

  /**
   * Counts per value of a string or boolean column, for drift measures: exact while the column has
   * fewer distinct values than the frequent-items sketch holds, otherwise the frequent values with
   * the rest under {@link #OTHER_VALUES}. Empty for other types.
   */
  Map<String, Long> categoryCounts();

  /** The category that collects values too rare to be tracked one by one. */
  String OTHER_VALUES = "\u0000other";
}
