package dev.tend.profile;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * A plain view of a {@link ColumnProfile} made of numbers, strings, lists and maps, for JSON
 * reports. Statistics that do not apply to the column's type, or have no value (the mean of an
 * empty column), are null. Temporal values are epoch microseconds.
 *
 * @param column column name
 * @param type type label ({@code integer}, {@code string}, ...)
 * @param count non-null values (NaN and infinities included)
 * @param missing null values
 * @param missingFraction {@code missing / (count + missing)}; null without rows
 * @param distinct approximate distinct non-null values; null for {@code other}
 * @param min exact minimum (Long for integer and temporal, Double for double, finite values only)
 * @param max exact maximum, like {@code min}
 * @param mean exact mean (fraction true for booleans, finite values for doubles)
 * @param stddev exact sample standard deviation (ddof = 1)
 * @param quantiles approximate quantiles keyed by rank ({@code "0.5"}), from the KLL sketch
 * @param histogram approximate equal-width histogram between min and max
 * @param topValues most frequent values, most frequent first
 * @param lengths string length statistics, in Unicode code points
 * @param nanCount NaN values of a double column
 * @param infiniteCount infinite values of a double column
 * @param emptyCount empty strings of a string column
 */
public record ColumnSummary(
    String column,
    String type,
    long count,
    long missing,
    Double missingFraction,
    Distinct distinct,
    Number min,
    Number max,
    Double mean,
    Double stddev,
    Map<String, Double> quantiles,
    Histogram histogram,
    List<ValueCount> topValues,
    Lengths lengths,
    long nanCount,
    long infiniteCount,
    long emptyCount) {
  public ColumnSummary {
    requireNonNull(column, "column is null");
    requireNonNull(type, "type is null");
    requireNonNull(quantiles, "quantiles is null");
    requireNonNull(topValues, "topValues is null");
    topValues = List.copyOf(topValues);
  }

  /** An approximate distinct count with bounds of about 95% confidence (two standard errors). */
  public record Distinct(double estimate, double lowerBound, double upperBound) {}

  /**
   * Approximate counts in equal-width bins: bin {@code i} holds values in {@code (edges[i],
   * edges[i+1]]}, the first bin also its lower edge. Counts add up to the column's count.
   */
  public record Histogram(List<Double> edges, List<Long> counts) {
    public Histogram {
      edges = List.copyOf(edges);
      counts = List.copyOf(counts);
      if (edges.size() != counts.size() + 1) {
        throw new IllegalArgumentException(
            "a histogram needs one more edge than bins: "
                + edges.size()
                + " edges, "
                + counts.size()
                + " bins");
      }
    }
  }

  /**
   * A frequent value and its estimated count; the true count lies in {@code [lowerBound,
   * upperBound]}. The value is a String, Long, Double or Boolean.
   */
  public record ValueCount(Object value, long count, long lowerBound, long upperBound) {
    public ValueCount {
      requireNonNull(value, "value is null");
    }
  }

  /**
   * Exact length statistics of a string column. No length quantiles: a KLL update per string cost
   * about a third of the string hot path.
   */
  public record Lengths(long min, long max, double mean, Double stddev) {}
}
