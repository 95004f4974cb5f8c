package dev.tend.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tend.schema.DataType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColumnProfilerTest {
  @Test
  void integerColumnHasExactStatsAndSketches() {
    ColumnProfiler profiler = ColumnProfiler.create("x", DataType.INTEGER);
    for (long i = 1; i <= 100; i++) {
      profiler.update(i, 1);
    }
    profiler.update(null, 3);
    profiler.updateLong(7, 10);
    ColumnProfile p = profiler.finish();
    assertThat(p.count()).isEqualTo(110);
    assertThat(p.missing()).isEqualTo(3);
    assertThat(p.minLong()).hasValue(1);
    assertThat(p.maxLong()).hasValue(100);
    assertThat(p.min()).hasValue(1.0);
    double mean = (5050 + 70) / 110.0;
    assertThat(p.mean().getAsDouble()).isCloseTo(mean, within(1e-12));
    assertThat(p.quantile(0.5).getAsDouble()).isBetween(40.0, 55.0);
    assertThat(p.distinct().orElseThrow().estimate()).isCloseTo(100, within(1.0));
    assertThat(p.topValues(1)).containsExactly(new ColumnSummary.ValueCount(7L, 11, 11, 11));
    ColumnSummary summary = p.summary();
    assertThat(summary.type()).isEqualTo("integer");
    assertThat(summary.min()).isEqualTo(1L);
    assertThat(summary.quantiles())
        .containsOnlyKeys("0.01", "0.05", "0.25", "0.5", "0.75", "0.95", "0.99");
    assertThat(summary.histogram().counts().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(110);
    assertThat(summary.missingFraction()).isCloseTo(3 / 113.0, within(1e-15));
  }

  @Test
  void doubleColumnCountsNanAndInfinitiesApart() {
    ColumnProfiler profiler = ColumnProfiler.create("d", DataType.DOUBLE);
    profiler.updateDouble(Double.NaN, 2);
    profiler.updateDouble(Double.POSITIVE_INFINITY, 1);
    profiler.updateDouble(Double.NEGATIVE_INFINITY, 1);
    profiler.updateDouble(1.5, 1);
    profiler.updateDouble(-0.0, 1);
    ColumnProfile p = profiler.finish();
    assertThat(p.count()).isEqualTo(6);
    assertThat(p.nanCount()).isEqualTo(2);
    assertThat(p.infiniteCount()).isEqualTo(2);
    assertThat(p.min()).hasValue(0.0);
    assertThat(p.max()).hasValue(1.5);
    assertThat(p.mean()).hasValue(0.75);
  }

  @Test
  void stringColumnHasLengthsEmptiesAndTopValues() {
    ColumnProfiler profiler = ColumnProfiler.create("s", DataType.STRING);
    profiler.updateString("a", 5);
    profiler.updateString("", 2);
    profiler.updateString("héllo😀", 1);
    profiler.updateString(null, 1);
    ColumnProfile p = profiler.finish();
    assertThat(p.count()).isEqualTo(8);
    assertThat(p.missing()).isEqualTo(1);
    assertThat(p.emptyCount()).isEqualTo(2);
    assertThat(p.distinct().orElseThrow().estimate()).isCloseTo(3, within(0.01));
    ColumnSummary.Lengths lengths = p.lengths().orElseThrow();
    assertThat(lengths.min()).isZero();
    assertThat(lengths.max()).isEqualTo(6);
    assertThat(lengths.mean()).isCloseTo((5 + 6) / 8.0, within(1e-12));
    assertThat(p.topValues(10))
        .extracting(ColumnSummary.ValueCount::value)
        .containsExactly("a", "", "héllo😀");
  }

  @Test
  void booleanColumnIsExact() {
    ColumnProfiler profiler = ColumnProfiler.create("b", DataType.BOOLEAN);
    profiler.update(true, 3);
    profiler.update(false, 1);
    ColumnProfile p = profiler.finish();
    assertThat(p.mean()).hasValue(0.75);
    assertThat(p.stddev().getAsDouble()).isCloseTo(0.5, within(1e-12));
    assertThat(p.distinct().orElseThrow().estimate()).isEqualTo(2);
    assertThat(p.topValues(5))
        .containsExactly(
            new ColumnSummary.ValueCount(true, 3, 3, 3),
            new ColumnSummary.ValueCount(false, 1, 1, 1));
  }

  @Test
  void emptyColumnHasNoValues() {
    ColumnProfile p = ColumnProfiler.create("t", DataType.TIMESTAMP).finish();
    assertThat(p.min()).isEmpty();
    assertThat(p.mean()).isEmpty();
    assertThat(p.quantile(0.5)).isEmpty();
    assertThat(p.histogram(10)).isEmpty();
    ColumnSummary s = p.summary();
    assertThat(s.missingFraction()).isNull();
    assertThat(s.quantiles()).isEmpty();
    assertThat(s.topValues()).isEmpty();
  }

  @Test
  void wrongValueTypeIsRejectedWithColumnAndType() {
    ColumnProfiler profiler = ColumnProfiler.create("n", DataType.INTEGER);
    assertThatThrownBy(() -> profiler.update("3", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'n'")
        .hasMessageContaining("integer")
        .hasMessageContaining("java.lang.String");
    assertThatThrownBy(() -> profiler.updateLong(1, -1))
        .isInstanceOf(IllegalArgumentException.class);
    profiler.finish();
    assertThatThrownBy(() -> profiler.updateLong(1, 1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void mergeRejectsOtherColumnOrType() {
    ColumnProfile a = ColumnProfiler.create("a", DataType.INTEGER).finish();
    ColumnProfile b = ColumnProfiler.create("b", DataType.INTEGER).finish();
    ColumnProfile c = ColumnProfiler.create("a", DataType.DOUBLE).finish();
    assertThatThrownBy(() -> a.merge(b)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> a.merge(c)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void datasetProfileRoundTripsThroughBytes() {
    ColumnProfiler x = ColumnProfiler.create("x", DataType.DOUBLE);
    ColumnProfiler s = ColumnProfiler.create("s", DataType.STRING);
    for (int i = 0; i < 1000; i++) {
      x.updateDouble(i * 0.5, 1);
      s.updateString("v" + (i % 7), 1);
    }
    DatasetProfile profile =
        DatasetProfile.of(
            1000,
            List.of(x.finish(), s.finish()),
            ProfileProvenance.of("test", 1_700_000_000_000L));
    DatasetProfile back = DatasetProfile.fromBytes(profile.toBytes());
    assertThat(back.provenance()).isEqualTo(profile.provenance());
    assertThat(back.column("x").orElseThrow().summary())
        .isEqualTo(profile.column("x").orElseThrow().summary());
    assertThat(back.column("s").orElseThrow().summary())
        .isEqualTo(profile.column("s").orElseThrow().summary());
  }

  @Test
  void fullyPurgedFrequentItemsKeepTheirErrorThroughMergeAndBytes() {
    // DataSketches treats a frequent-items sketch emptied by purges as empty and drops its offset.
    ProfileOptions options = new ProfileOptions(16, 12, 8, 5, 5);
    ColumnProfiler all = ColumnProfiler.create("c", DataType.STRING, options);
    for (long v = 0; v < 7; v++) {
      all.updateString("v" + v, 1);
    }
    ColumnProfile purged = all.finish();
    assertThat(purged.topValuesMaxError()).isEqualTo(1);
    ColumnProfile merged =
        ColumnProfiler.create("c", DataType.STRING, options).finish().merge(purged);
    assertThat(merged.topValuesMaxError()).isEqualTo(1);
    DatasetProfile read =
        DatasetProfile.fromBytes(
            DatasetProfile.of(7, List.of(purged), ProfileProvenance.of("t", 0)).toBytes());
    assertThat(read.columns().get(0).topValuesMaxError()).isEqualTo(1);
  }

  @Test
  void numericTopValuesAreExactUpToTheLimitAndAbsentBeyond() {
    ProfileOptions options = new ProfileOptions(16, 12, 8, 5, 10); // exact up to 6 values
    ColumnProfiler few = ColumnProfiler.create("c", DataType.DOUBLE, options);
    ColumnProfiler many = ColumnProfiler.create("c", DataType.DOUBLE, options);
    for (int v = 0; v < 6; v++) {
      few.updateDouble(v * 0.5, v + 1);
      many.updateDouble(v * 0.5, v + 1);
    }
    many.updateDouble(99, 1);
    ColumnProfile exact = few.finish();
    assertThat(exact.topValuesMaxError()).isZero();
    assertThat(exact.topValues(2))
        .containsExactly(
            new ColumnSummary.ValueCount(2.5, 6, 6, 6), new ColumnSummary.ValueCount(2.0, 5, 5, 5));
    ColumnProfile overflowed = many.finish();
    assertThat(overflowed.topValues(10)).isEmpty();
    assertThat(overflowed.topValuesMaxError()).isEqualTo(22);
    assertThat(exact.merge(overflowed).topValues(10)).isEmpty();
    assertThat(exact.merge(exact).topValues(1))
        .containsExactly(new ColumnSummary.ValueCount(2.5, 12, 12, 12));
  }

  @Test
  void histogramOfUniformValuesHasEqualWidthBinsSummingToCount() {
    ColumnProfiler profiler = ColumnProfiler.create("u", DataType.DOUBLE);
    for (int i = 0; i < 100_000; i++) {
      profiler.updateDouble(i / 1000.0, 1);
    }
    ColumnProfile p = profiler.finish();
    ColumnSummary.Histogram h = p.histogram(10).orElseThrow();
    assertThat(h.edges()).hasSize(11);
    assertThat(h.edges().get(0)).isEqualTo(0.0);
    assertThat(h.edges().get(10)).isEqualTo(99.999);
    assertThat(h.counts().stream().mapToLong(Long::longValue).sum()).isEqualTo(100_000);
    double eps = p.quantileRankError().getAsDouble();
    for (long count : h.counts()) {
      assertThat((double) count).isCloseTo(10_000, within(2 * eps * 100_000));
    }
    ColumnProfiler constant = ColumnProfiler.create("k", DataType.INTEGER);
    constant.updateLong(5, 7);
    assertThat(constant.finish().histogram(10).orElseThrow())
        .isEqualTo(new ColumnSummary.Histogram(List.of(5.0, 5.0), List.of(7L)));
  }

  @Test
  void temporalSummaryKeepsEpochMicrosAsLongs() {
    ColumnProfiler profiler = ColumnProfiler.create("ts", DataType.TIMESTAMP);
    long base = 1_700_000_000_123_456L;
    profiler.update(base, 1);
    profiler.update(base + 2, 1);
    ColumnSummary s = profiler.finish().summary();
    assertThat(s.min()).isEqualTo(base);
    assertThat(s.max()).isEqualTo(base + 2);
    assertThat(s.mean()).isEqualTo((double) (base + 1));
    assertThat(s.topValues())
        .extracting(ColumnSummary.ValueCount::value)
        .containsExactly(base, base + 2);
  }

  @Test
  void integerExtremesBeyondDoublePrecisionStayExact() {
    ColumnProfiler profiler = ColumnProfiler.create("big", DataType.INTEGER);
    profiler.updateLong(Long.MAX_VALUE, 1);
    profiler.updateLong(Long.MAX_VALUE - 1, 1);
    ColumnProfile p = profiler.finish();
    assertThat(p.maxLong()).hasValue(Long.MAX_VALUE);
    assertThat(p.minLong()).hasValue(Long.MAX_VALUE - 1);
  }
}
