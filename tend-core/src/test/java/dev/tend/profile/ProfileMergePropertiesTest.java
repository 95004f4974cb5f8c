package dev.tend.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tend.schema.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Profiling parts and merging them in any order equals profiling the whole: exact fields exactly
 * (moments to 1e-9 relative), sketch estimates within their error bounds.
 */
class ProfileMergePropertiesTest {
  /** Small sketches, so that compaction and purging happen on small inputs. */
  private static final ProfileOptions SMALL = new ProfileOptions(16, 12, 8, 5, 5);

  record Column(DataType type, List<Object> values) {}

  @Provide
  Arbitrary<Column> columns() {
    Arbitrary<Object> ints =
        Arbitraries.oneOf(
            Arbitraries.longs().between(-20, 20).map(Object.class::cast),
            Arbitraries.longs().map(Object.class::cast));
    Arbitrary<Object> doubles =
        Arbitraries.oneOf(
            Arbitraries.doubles().between(-1e6, 1e6).map(Object.class::cast),
            Arbitraries.of(0.5, -0.0, 3.0).map(Object.class::cast),
            Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)
                .map(Object.class::cast));
    Arbitrary<Object> strings =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(6).map(Object.class::cast),
            Arbitraries.of("a", "b", "", "ü😀").map(Object.class::cast));
    Arbitrary<Object> booleans = Arbitraries.of(true, false).map(Object.class::cast);
    Arbitrary<Object> timestamps =
        Arbitraries.longs().between(0, 2_000_000_000_000_000L).map(Object.class::cast);
    return Arbitraries.oneOf(
        column(DataType.INTEGER, ints),
        column(DataType.DOUBLE, doubles),
        column(DataType.STRING, strings),
        column(DataType.BOOLEAN, booleans),
        column(DataType.TIMESTAMP, timestamps));
  }

  private static Arbitrary<Column> column(DataType type, Arbitrary<Object> values) {
    Arbitrary<Object> withNulls =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(9, values), net.jqwik.api.Tuple.of(1, Arbitraries.just(null)));
    return withNulls.list().ofMaxSize(400).map(v -> new Column(type, v));
  }

  @Property(tries = 300)
  void mergeOfPartsEqualsWhole(
      @ForAll("columns") Column column, @ForAll Random random, @ForAll boolean small) {
    ProfileOptions options = small ? SMALL : ProfileOptions.DEFAULTS;
    ColumnProfile whole = profileRaw(column, options);
    List<ColumnProfile> parts = new ArrayList<>();
    for (List<Object> part : split(column.values(), random)) {
      parts.add(profileGrouped(new Column(column.type(), part), options));
    }
    ColumnProfile merged = mergeRandomTree(parts, random);

    assertExactFieldsEqual(merged, whole);
    assertWithinBounds(merged, column);
    assertWithinBounds(whole, column);
  }

  @Property(tries = 200)
  void mergeIsCommutativeAndAssociativeOnExactFields(
      @ForAll("columns") Column a, @ForAll Random random) {
    List<List<Object>> parts = split(a.values(), random);
    while (parts.size() < 3) {
      parts.add(List.of());
    }
    ColumnProfile x = profileGrouped(new Column(a.type(), parts.get(0)), SMALL);
    ColumnProfile y = profileGrouped(new Column(a.type(), parts.get(1)), SMALL);
    ColumnProfile z = profileGrouped(new Column(a.type(), parts.get(2)), SMALL);
    assertExactFieldsEqual(x.merge(y), y.merge(x));
    assertExactFieldsEqual(x.merge(y).merge(z), x.merge(y.merge(z)));
  }

  @Property(tries = 200)
  void serializationRoundTripPreservesEverything(
      @ForAll("columns") Column column, @ForAll Random random, @ForAll boolean small) {
    ProfileOptions options = small ? SMALL : ProfileOptions.DEFAULTS;
    List<ColumnProfile> parts = new ArrayList<>();
    for (List<Object> part : split(column.values(), random)) {
      parts.add(profileGrouped(new Column(column.type(), part), options));
    }
    ColumnProfile profile = mergeRandomTree(parts, random);
    DatasetProfile dataset =
        DatasetProfile.of(
            column.values().size(),
            List.of(profile),
            ProfileProvenance.of("prop ü", random.nextLong()));
    DatasetProfile back = DatasetProfile.fromBytes(dataset.toBytes());
    assertThat(back.provenance()).isEqualTo(dataset.provenance());
    assertThat(back.rowCount()).isEqualTo(dataset.rowCount());
    ColumnProfile read = back.column("c").orElseThrow();
    assertThat(read.summary()).isEqualTo(profile.summary());
    assertThat(read.options()).isEqualTo(profile.options());
    assertThat(read.topValuesMaxError()).isEqualTo(profile.topValuesMaxError());
    for (int i = 0; i <= 20; i++) {
      assertThat(read.quantile(i / 20.0)).isEqualTo(profile.quantile(i / 20.0));
    }
    assertThat(read.quantileRankError()).isEqualTo(profile.quantileRankError());
  }

  static ColumnProfile profileRaw(Column column, ProfileOptions options) {
    ColumnProfiler profiler = ColumnProfiler.create("c", column.type(), options);
    for (Object value : column.values()) {
      profiler.update(value, 1);
    }
    return profiler.finish();
  }

  /** Feeds (value, count) pairs, as an engine does after a GROUP BY. */
  static ColumnProfile profileGrouped(Column column, ProfileOptions options) {
    Map<Object, Long> counts = new LinkedHashMap<>();
    long nulls = 0;
    for (Object value : column.values()) {
      if (value == null) {
        nulls++;
      } else {
        counts.merge(value, 1L, Long::sum);
      }
    }
    ColumnProfiler profiler = ColumnProfiler.create("c", column.type(), options);
    profiler.update(null, nulls);
    counts.forEach(profiler::update);
    return profiler.finish();
  }

  static List<List<Object>> split(List<Object> values, Random random) {
    int parts = 1 + random.nextInt(6);
    int[] cuts = new int[parts + 1];
    for (int i = 1; i < parts; i++) {
      cuts[i] = random.nextInt(values.size() + 1);
    }
    cuts[parts] = values.size();
    Arrays.sort(cuts);
    List<List<Object>> result = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      result.add(values.subList(cuts[i], cuts[i + 1]));
    }
    return result;
  }

  static ColumnProfile mergeRandomTree(List<ColumnProfile> parts, Random random) {
    List<ColumnProfile> pool = new ArrayList<>(parts);
    while (pool.size() > 1) {
      ColumnProfile a = pool.remove(random.nextInt(pool.size()));
      ColumnProfile b = pool.remove(random.nextInt(pool.size()));
      pool.add(random.nextInt(pool.size() + 1), random.nextBoolean() ? a.merge(b) : b.merge(a));
    }
    return pool.get(0);
  }

  static void assertExactFieldsEqual(ColumnProfile actual, ColumnProfile expected) {
    assertThat(actual.count()).isEqualTo(expected.count());
    assertThat(actual.missing()).isEqualTo(expected.missing());
    assertThat(actual.trueCount()).isEqualTo(expected.trueCount());
    assertThat(actual.nanCount()).isEqualTo(expected.nanCount());
    assertThat(actual.infiniteCount()).isEqualTo(expected.infiniteCount());
    assertThat(actual.emptyCount()).isEqualTo(expected.emptyCount());
    assertThat(actual.min()).isEqualTo(expected.min());
    assertThat(actual.max()).isEqualTo(expected.max());
    assertThat(actual.minLong()).isEqualTo(expected.minLong());
    assertThat(actual.maxLong()).isEqualTo(expected.maxLong());
    double scale = 1;
    if (expected.min().isPresent()) {
      scale =
          Math.max(Math.abs(expected.min().getAsDouble()), Math.abs(expected.max().getAsDouble()));
    }
    assertClose(actual.mean(), expected.mean(), scale);
    assertClose(actual.stddev(), expected.stddev(), scale);
    ColumnSummary.Lengths la = actual.lengths().orElse(null);
    ColumnSummary.Lengths le = expected.lengths().orElse(null);
    assertThat(la == null).isEqualTo(le == null);
    if (la != null) {
      assertThat(la.min()).isEqualTo(le.min());
      assertThat(la.max()).isEqualTo(le.max());
      assertThat(la.mean())
          .isCloseTo(
              le.mean(), org.assertj.core.api.Assertions.within(1e-9 * Math.max(1, le.max())));
    }
  }

  private static void assertClose(OptionalDouble actual, OptionalDouble expected, double scale) {
    assertThat(actual.isPresent()).isEqualTo(expected.isPresent());
    if (expected.isPresent()) {
      double tolerance = 1e-9 * Math.max(1, Math.max(scale, Math.abs(expected.getAsDouble())));
      assertThat(Math.abs(actual.getAsDouble() - expected.getAsDouble()))
          .isLessThanOrEqualTo(tolerance);
    }
  }

  /** Sketch estimates against the truth computed from the raw values. */
  static void assertWithinBounds(ColumnProfile profile, Column column) {
    List<Object> nonNull = column.values().stream().filter(Objects::nonNull).toList();
    Map<Object, Long> truth = new HashMap<>();
    for (Object value : nonNull) {
      truth.merge(normalize(value), 1L, Long::sum);
    }
    SketchColumnProfile p = (SketchColumnProfile) profile;
    if (p.hll() != null) {
      long distinct = truth.size();
      int empty = p.emptyCount() > 0 ? 1 : 0;
      assertThat((double) distinct)
          .isBetween(p.hll().getLowerBound(3) + empty, p.hll().getUpperBound(3) + empty);
    } else if (column.type() == DataType.BOOLEAN) {
      assertThat(profile.distinct().orElseThrow().estimate()).isEqualTo(truth.size());
    }
    for (ColumnSummary.ValueCount top : profile.topValues(100)) {
      long count = truth.getOrDefault(normalize(top.value()), 0L);
      assertThat(count).isBetween(top.lowerBound(), top.upperBound());
    }
    long maxError = profile.topValuesMaxError();
    for (Map.Entry<Object, Long> entry : truth.entrySet()) {
      if (entry.getValue() > 2 * maxError
          && column.type() != DataType.BOOLEAN
          && isFinite(entry.getKey())) {
        // Values clearly above the error threshold are never missed.
        assertThat(profile.topValues(Integer.MAX_VALUE))
            .extracting(v -> normalize(v.value()))
            .contains(entry.getKey());
      }
    }
    if (profile.quantileRankError().isPresent() && column.type() != DataType.STRING) {
      double[] sorted =
          nonNull.stream()
              .mapToDouble(v -> ((Number) v).doubleValue())
              .filter(Double::isFinite)
              .sorted()
              .toArray();
      double eps = 1.5 * profile.quantileRankError().getAsDouble();
      for (double rank : ColumnProfile.SUMMARY_RANKS) {
        OptionalDouble q = profile.quantile(rank);
        assertThat(q.isPresent()).isEqualTo(sorted.length > 0);
        if (q.isPresent()) {
          double value = q.getAsDouble();
          double below = countBelow(sorted, value, false) / (double) sorted.length;
          double atOrBelow = countBelow(sorted, value, true) / (double) sorted.length;
          assertThat(below).isLessThanOrEqualTo(rank + eps);
          assertThat(atOrBelow).isGreaterThanOrEqualTo(rank - eps);
        }
      }
    }
  }

  private static boolean isFinite(Object value) {
    return !(value instanceof Double d) || Double.isFinite(d);
  }

  private static Object normalize(Object value) {
    return value instanceof Double d && d == 0 ? 0.0 : value;
  }

  private static long countBelow(double[] sorted, double value, boolean inclusive) {
    long n = 0;
    for (double x : sorted) {
      if (x < value || (inclusive && x == value)) {
        n++;
      }
    }
    return n;
  }
}
