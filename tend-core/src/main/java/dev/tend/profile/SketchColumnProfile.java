package dev.tend.profile;

import static java.util.Objects.requireNonNull;
import static org.apache.datasketches.quantilescommon.QuantileSearchCriteria.INCLUSIVE;

import dev.tend.schema.DataType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.DoublesSortedView;

/*
 * Invariants:
 * - Sketches by type: numeric and temporal have kll, hll and longs (exact counts up to a limit);
 *   STRING has hll and strings; BOOLEAN and OTHER have none. Absent sketches are null.
 * - minBits/maxBits hold the raw long for INTEGER/DATE/TIMESTAMP and the double's bits for DOUBLE;
 *   they mean something only when values.n() > 0.
 * - values counts finite values only, so values.n() == count - nanCount - infinities for DOUBLE.
 * - itemsErrorCarry is frequent-items error that no sketch holds any more. DataSketches 5.0.2
 *   treats a frequent-items sketch whose purges left no active items as empty: merge() skips it
 *   and toByteArray() drops its offset, losing the error bound. The constructor moves the offset
 *   of such a sketch here and replaces the sketch with a fresh one, so merges and serialization
 *   stay sound; the reported maximum error is the sketch's plus the carry.
 * - Sketches are never mutated after construction. Reading a KLL sketch builds and caches a sorted
 *   view inside it and frequent-items reads walk a hash map, so those reads are synchronized.
 */
final class SketchColumnProfile implements ColumnProfile {
  private final String column;
  private final DataType type;
  private final ProfileOptions options;
  private final long count;
  private final long missing;
  private final long trueCount;
  private final long nanCount;
  private final long positiveInfinityCount;
  private final long negativeInfinityCount;
  private final long emptyCount;
  private final long itemsErrorCarry;
  private final Moments values;
  private final long minBits;
  private final long maxBits;
  private final Moments lengths;
  private final long minLength;
  private final long maxLength;
  private final KllDoublesSketch kll;
  private final HllSketch hll;
  private final ItemsSketch<String> strings;
  private final ExactCounts longs;
  private final ColumnSummary.Distinct distinct;
  private DoublesSortedView view;

  SketchColumnProfile(
      String column,
      DataType type,
      ProfileOptions options,
      long count,
      long missing,
      long trueCount,
      long nanCount,
      long positiveInfinityCount,
      long negativeInfinityCount,
      long emptyCount,
      long itemsErrorCarry,
      Moments values,
      long minBits,
      long maxBits,
      Moments lengths,
      long minLength,
      long maxLength,
      KllDoublesSketch kll,
      HllSketch hll,
      ItemsSketch<String> strings,
      ExactCounts longs) {
    this.column = requireNonNull(column, "column is null");
    this.type = requireNonNull(type, "type is null");
    this.options = requireNonNull(options, "options is null");
    this.values = requireNonNull(values, "values is null");
    this.lengths = requireNonNull(lengths, "lengths is null");
    if (count < 0 || missing < 0 || trueCount < 0 || nanCount < 0 || positiveInfinityCount < 0) {
      throw new IllegalArgumentException("negative count in profile of column '" + column + "'");
    }
    if (negativeInfinityCount < 0 || emptyCount < 0 || itemsErrorCarry < 0 || trueCount > count) {
      throw new IllegalArgumentException(
          "inconsistent counts in profile of column '" + column + "'");
    }
    boolean numeric = type.isNumeric() || type.isTemporal();
    boolean string = type == DataType.STRING;
    requirePresence("kll", kll, numeric);
    requirePresence("longs", longs, numeric);
    requirePresence("hll", hll, numeric || string);
    requirePresence("strings", strings, string);
    if (numeric && kll.getN() != values.n()) {
      throw new IllegalArgumentException(
          "quantile sketch of column '"
              + column
              + "' holds "
              + kll.getN()
              + " values, not "
              + values.n());
    }
    this.count = count;
    this.missing = missing;
    this.trueCount = trueCount;
    this.nanCount = nanCount;
    this.positiveInfinityCount = positiveInfinityCount;
    this.negativeInfinityCount = negativeInfinityCount;
    this.emptyCount = emptyCount;
    this.minBits = minBits;
    this.maxBits = maxBits;
    this.minLength = minLength;
    this.maxLength = maxLength;
    this.kll = kll;
    this.hll = hll;
    this.longs = longs;
    if (strings != null && strings.isEmpty() && strings.getMaximumError() > 0) {
      this.itemsErrorCarry = itemsErrorCarry + strings.getMaximumError();
      this.strings = new ItemsSketch<>(options.frequentItemsMapSize());
    } else {
      this.itemsErrorCarry = itemsErrorCarry;
      this.strings = strings;
    }
    this.distinct = computeDistinct();
  }

  private void requirePresence(String name, Object sketch, boolean expected) {
    if ((sketch != null) != expected) {
      throw new IllegalArgumentException(
          "profile of "
              + type.label()
              + " column '"
              + column
              + "' must "
              + (expected ? "" : "not ")
              + "have a "
              + name
              + " sketch");
    }
  }

  private ColumnSummary.Distinct computeDistinct() {
    if (type == DataType.BOOLEAN) {
      int exact = (trueCount > 0 ? 1 : 0) + (count - trueCount > 0 ? 1 : 0);
      return new ColumnSummary.Distinct(exact, exact, exact);
    }
    if (hll == null) {
      return null;
    }
    // HLL ignores empty strings; they are counted exactly instead.
    int empty = emptyCount > 0 ? 1 : 0;
    return new ColumnSummary.Distinct(
        hll.getEstimate() + empty, hll.getLowerBound(2) + empty, hll.getUpperBound(2) + empty);
  }

  // Accessors for the codec.
  long positiveInfinityCount() {
    return positiveInfinityCount;
  }

  long negativeInfinityCount() {
    return negativeInfinityCount;
  }

  long itemsErrorCarry() {
    return itemsErrorCarry;
  }

  Moments values() {
    return values;
  }

  Moments lengthMoments() {
    return lengths;
  }

  long minBits() {
    return minBits;
  }

  long maxBits() {
    return maxBits;
  }

  long minLength() {
    return minLength;
  }

  long maxLength() {
    return maxLength;
  }

  KllDoublesSketch kll() {
    return kll;
  }

  HllSketch hll() {
    return hll;
  }

  ItemsSketch<String> strings() {
    return strings;
  }

  ExactCounts longs() {
    return longs;
  }

  @Override
  public String column() {
    return column;
  }

  @Override
  public DataType type() {
    return type;
  }

  @Override
  public ProfileOptions options() {
    return options;
  }

  @Override
  public long count() {
    return count;
  }

  @Override
  public long missing() {
    return missing;
  }

  @Override
  public long trueCount() {
    return trueCount;
  }

  @Override
  public long nanCount() {
    return nanCount;
  }

  @Override
  public long infiniteCount() {
    return positiveInfinityCount + negativeInfinityCount;
  }

  @Override
  public long emptyCount() {
    return emptyCount;
  }

  private double asDouble(long bits) {
    return type == DataType.DOUBLE ? Double.longBitsToDouble(bits) : (double) bits;
  }

  @Override
  public OptionalDouble min() {
    return kll == null || values.n() == 0
        ? OptionalDouble.empty()
        : OptionalDouble.of(asDouble(minBits));
  }

  @Override
  public OptionalDouble max() {
    return kll == null || values.n() == 0
        ? OptionalDouble.empty()
        : OptionalDouble.of(asDouble(maxBits));
  }

  private boolean longValued() {
    return type == DataType.INTEGER || type.isTemporal();
  }

  @Override
  public OptionalLong minLong() {
    return longValued() && values.n() > 0 ? OptionalLong.of(minBits) : OptionalLong.empty();
  }

  @Override
  public OptionalLong maxLong() {
    return longValued() && values.n() > 0 ? OptionalLong.of(maxBits) : OptionalLong.empty();
  }

  @Override
  public OptionalDouble mean() {
    return switch (type) {
      case BOOLEAN ->
          count == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) trueCount / count);
      case INTEGER, DOUBLE, DATE, TIMESTAMP -> values.meanValue();
      case STRING, OTHER -> OptionalDouble.empty();
    };
  }

  @Override
  public OptionalDouble stddev() {
    return switch (type) {
      case BOOLEAN -> {
        if (count < 2) {
          yield OptionalDouble.empty();
        }
        double p = (double) trueCount / count;
        yield OptionalDouble.of(Math.sqrt(p * (1 - p) * count / (count - 1)));
      }
      case INTEGER, DOUBLE, DATE, TIMESTAMP -> values.stddev();
      case STRING, OTHER -> OptionalDouble.empty();
    };
  }

  private synchronized DoublesSortedView view() {
    if (view == null && kll != null && !kll.isEmpty()) {
      view = kll.getSortedView();
    }
    return view;
  }

  @Override
  public OptionalDouble quantile(double rank) {
    checkRank(rank);
    DoublesSortedView v = view();
    return v == null ? OptionalDouble.empty() : OptionalDouble.of(v.getQuantile(rank, INCLUSIVE));
  }

  private static void checkRank(double rank) {
    if (!(rank >= 0 && rank <= 1)) {
      throw new IllegalArgumentException("rank must be in [0, 1]: " + rank);
    }
  }

  @Override
  public OptionalDouble rank(double value) {
    DoublesSortedView v = view();
    return v == null || Double.isNaN(value)
        ? OptionalDouble.empty()
        : OptionalDouble.of(v.getRank(value, INCLUSIVE));
  }

  @Override
  public OptionalDouble quantileRankError() {
    return kll == null
        ? OptionalDouble.empty()
        : OptionalDouble.of(kll.getNormalizedRankError(false));
  }

  @Override
  public Optional<ColumnSummary.Histogram> histogram(int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be >= 1: " + bins);
    }
    DoublesSortedView v = view();
    if (v == null) {
      return Optional.empty();
    }
    double lo = asDouble(minBits);
    double hi = asDouble(maxBits);
    List<Double> edges = new ArrayList<>();
    edges.add(lo);
    double width = (hi - lo) / bins;
    for (int i = 1; i < bins; i++) {
      double edge = lo + width * i;
      if (edge > edges.get(edges.size() - 1) && edge < hi) {
        edges.add(edge);
      }
    }
    edges.add(hi); // when hi == lo, a single bin [lo, lo]
    double[] splits = new double[edges.size() - 2];
    for (int i = 0; i < splits.length; i++) {
      splits[i] = edges.get(i + 1);
    }
    double[] cdf = splits.length == 0 ? new double[] {1.0} : v.getCDF(splits, INCLUSIVE);
    long n = values.n();
    List<Long> counts = new ArrayList<>(cdf.length);
    long previous = 0;
    for (int i = 0; i < cdf.length; i++) {
      long cumulative = i == cdf.length - 1 ? n : Math.round(cdf[i] * n);
      counts.add(cumulative - previous);
      previous = cumulative;
    }
    return Optional.of(new ColumnSummary.Histogram(edges, counts));
  }

  @Override
  public Optional<ColumnSummary.Distinct> distinct() {
    return Optional.ofNullable(distinct);
  }

  @Override
  public synchronized List<ColumnSummary.ValueCount> topValues(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0: " + limit);
    }
    List<ColumnSummary.ValueCount> rows = new ArrayList<>();
    long threshold = topValuesMaxError();
    switch (type) {
      case BOOLEAN -> {
        if (trueCount > 0) {
          rows.add(new ColumnSummary.ValueCount(true, trueCount, trueCount, trueCount));
        }
        long falseCount = count - trueCount;
        if (falseCount > 0) {
          rows.add(new ColumnSummary.ValueCount(false, falseCount, falseCount, falseCount));
        }
      }
      case STRING -> {
        for (ItemsSketch.Row<String> row :
            strings.getFrequentItems(threshold, ErrorType.NO_FALSE_POSITIVES)) {
          rows.add(
              new ColumnSummary.ValueCount(
                  row.getItem(),
                  row.getEstimate(),
                  row.getLowerBound(),
                  row.getUpperBound() + itemsErrorCarry));
        }
      }
      case INTEGER, DOUBLE, DATE, TIMESTAMP -> {
        longs.forEach(
            (key, n) -> {
              Object value;
              if (type == DataType.DOUBLE) {
                value = Double.longBitsToDouble(key);
              } else {
                value = key;
              }
              rows.add(new ColumnSummary.ValueCount(value, n, n, n));
            });
      }
      case OTHER -> {}
    }
    rows.sort(
        Comparator.comparingLong(ColumnSummary.ValueCount::count)
            .reversed()
            .thenComparing(ColumnSummary.ValueCount::value, SketchColumnProfile::compareValues));
    return List.copyOf(rows.subList(0, Math.min(limit, rows.size())));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compareValues(Object a, Object b) {
    return ((Comparable) a).compareTo(b);
  }

  @Override
  public synchronized long topValuesMaxError() {
    return switch (type) {
      case STRING -> strings.getMaximumError() + itemsErrorCarry;
      case INTEGER, DOUBLE, DATE, TIMESTAMP -> longs.isOverflowed() ? values.n() : 0;
      case BOOLEAN, OTHER -> 0;
    };
  }

  @Override
  public Optional<ColumnSummary.Lengths> lengths() {
    if (type != DataType.STRING || lengths.n() == 0) {
      return Optional.empty();
    }
    return Optional.of(
        new ColumnSummary.Lengths(minLength, maxLength, lengths.mean(), boxed(lengths.stddev())));
  }

  private static Map<String, Double> quantiles(DoublesSortedView v) {
    if (v == null) {
      return Map.of();
    }
    Map<String, Double> result = new LinkedHashMap<>();
    for (double rank : SUMMARY_RANKS) {
      result.put(Double.toString(rank), v.getQuantile(rank, INCLUSIVE));
    }
    return Collections.unmodifiableMap(result);
  }

  private static Double boxed(OptionalDouble value) {
    return value.isPresent() ? value.getAsDouble() : null;
  }

  private Number boxedExtreme(long bits) {
    if (values.n() == 0 || kll == null) {
      return null;
    }
    return type == DataType.DOUBLE ? (Number) Double.longBitsToDouble(bits) : (Number) bits;
  }

  @Override
  public ColumnSummary summary() {
    long rows = rows();
    return new ColumnSummary(
        column,
        type.label(),
        count,
        missing,
        rows == 0 ? null : (double) missing / rows,
        distinct,
        boxedExtreme(minBits),
        boxedExtreme(maxBits),
        boxed(mean()),
        boxed(stddev()),
        quantiles(view()),
        histogram(options.histogramBins()).orElse(null),
        topValues(options.topValues()),
        lengths().orElse(null),
        nanCount,
        infiniteCount(),
        emptyCount);
  }

  @Override
  public ColumnProfile merge(ColumnProfile other) {
    requireNonNull(other, "other is null");
    SketchColumnProfile o = (SketchColumnProfile) other;
    if (!column.equals(o.column) || type != o.type) {
      throw new IllegalArgumentException(
          "cannot merge the profile of "
              + type.label()
              + " column '"
              + column
              + "' with that of "
              + o.type.label()
              + " column '"
              + o.column
              + "'");
    }
    ProfileOptions merged = options.mergedWith(o.options);
    long mergedMin;
    long mergedMax;
    if (values.n() == 0) {
      mergedMin = o.minBits;
      mergedMax = o.maxBits;
    } else if (o.values.n() == 0) {
      mergedMin = minBits;
      mergedMax = maxBits;
    } else if (type == DataType.DOUBLE) {
      mergedMin = Double.doubleToLongBits(Math.min(asDouble(minBits), asDouble(o.minBits)));
      mergedMax = Double.doubleToLongBits(Math.max(asDouble(maxBits), asDouble(o.maxBits)));
    } else {
      mergedMin = Math.min(minBits, o.minBits);
      mergedMax = Math.max(maxBits, o.maxBits);
    }
    return new SketchColumnProfile(
        column,
        type,
        merged,
        count + o.count,
        missing + o.missing,
        trueCount + o.trueCount,
        nanCount + o.nanCount,
        positiveInfinityCount + o.positiveInfinityCount,
        negativeInfinityCount + o.negativeInfinityCount,
        emptyCount + o.emptyCount,
        itemsErrorCarry + o.itemsErrorCarry,
        values.merge(o.values),
        mergedMin,
        mergedMax,
        lengths.merge(o.lengths),
        lengths.n() == 0
            ? o.minLength
            : o.lengths.n() == 0 ? minLength : Math.min(minLength, o.minLength),
        lengths.n() == 0
            ? o.maxLength
            : o.lengths.n() == 0 ? maxLength : Math.max(maxLength, o.maxLength),
        mergeKll(kll, o.kll, merged.kllK()),
        mergeHll(hll, o.hll, merged.hllLgK()),
        mergeStrings(strings, o.strings, merged.frequentItemsMapSize()),
        mergeLongs(longs, o.longs, merged.exactValueLimit()));
  }

  private static KllDoublesSketch mergeKll(KllDoublesSketch a, KllDoublesSketch b, int k) {
    if (a == null) {
      return null;
    }
    KllDoublesSketch result = KllDoublesSketch.newHeapInstance(k);
    result.merge(a);
    result.merge(b);
    return result;
  }

  private static HllSketch mergeHll(HllSketch a, HllSketch b, int lgK) {
    if (a == null) {
      return null;
    }
    Union union = new Union(lgK);
    union.update(a);
    union.update(b);
    return union.getResult(TgtHllType.HLL_8);
  }

  private static ItemsSketch<String> mergeStrings(
      ItemsSketch<String> a, ItemsSketch<String> b, int mapSize) {
    if (a == null) {
      return null;
    }
    ItemsSketch<String> result = new ItemsSketch<>(mapSize);
    result.merge(a);
    result.merge(b);
    return result;
  }

  private static ExactCounts mergeLongs(ExactCounts a, ExactCounts b, int limit) {
    return a == null ? null : ExactCounts.merge(a, b, limit);
  }

  @Override
  public String toString() {
    return "ColumnProfile["
        + column
        + " "
        + type.label()
        + ", count="
        + count
        + ", missing="
        + missing
        + "]";
  }

  @Override
  public Optional<KllDoublesSketch> quantileSketch() {
    if (kll == null) {
      return Optional.empty();
    }
    return Optional.of(
        KllDoublesSketch.heapify(org.apache.datasketches.memory.Memory.wrap(kll.toByteArray())));
  }

  @Override
  public synchronized Map<String, Long> categoryCounts() {
    Map<String, Long> counts = new LinkedHashMap<>();
    if (type == DataType.BOOLEAN) {
      if (trueCount > 0) {
        counts.put("true", trueCount);
      }
      if (count - trueCount > 0) {
        counts.put("false", count - trueCount);
      }
      return counts;
    }
    if (strings == null) {
      return counts;
    }
    long tracked = 0;
    for (ItemsSketch.Row<String> row : strings.getFrequentItems(0, ErrorType.NO_FALSE_NEGATIVES)) {
      counts.put(row.getItem(), row.getEstimate());
      tracked += row.getEstimate();
    }
    if (count > tracked) {
      counts.merge(OTHER_VALUES, count - tracked, Long::sum);
    }
    return counts;
  }
}
