package dev.tend.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tend.schema.DataType;
import org.junit.jupiter.api.Test;

/** (value, count) pairs with counts in the millions keep KLL's rank guarantee and stay cheap. */
class WeightedUpdateTest {
  @Test
  void quantilesOfHeavyPairsStayWithinRankError() {
    ColumnProfiler profiler = ColumnProfiler.create("x", DataType.INTEGER);
    long[] counts = new long[100];
    long total = 0;
    long start = System.nanoTime();
    for (int v = 0; v < 100; v++) {
      counts[v] = 1_000_000L + v * 37_123L + (v % 3 == 0 ? 1_023 : 0);
      profiler.updateLong(v, counts[v]);
      total += counts[v];
    }
    // Updating KLL once per occurrence would take seconds for these 110 million rows.
    assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
    ColumnProfile profile = profiler.finish();
    assertThat(profile.count()).isEqualTo(total);
    double eps = profile.quantileRankError().getAsDouble();
    for (int i = 1; i < 100; i++) {
      double rank = i / 100.0;
      long value = (long) profile.quantile(rank).getAsDouble();
      long below = 0;
      for (int v = 0; v < value; v++) {
        below += counts[v];
      }
      assertThat((double) below / total).isLessThanOrEqualTo(rank + eps);
      assertThat((double) (below + counts[(int) value]) / total).isGreaterThanOrEqualTo(rank - eps);
    }
    assertThat(profile.topValues(1).get(0).count()).isEqualTo(counts[99]);
  }

  @Test
  void stringLengthsOfHeavyPairsAreWeighted() {
    ColumnProfiler profiler = ColumnProfiler.create("s", DataType.STRING);
    profiler.updateString("ab", 3_000_000);
    profiler.updateString("abcd", 1_000_000);
    ColumnSummary.Lengths lengths = profiler.finish().lengths().orElseThrow();
    assertThat(lengths.mean()).isEqualTo(2.5);
    assertThat(lengths.stddev()).isCloseTo(Math.sqrt(3_000_000 / 3_999_999.0), within(1e-12));
  }
}
