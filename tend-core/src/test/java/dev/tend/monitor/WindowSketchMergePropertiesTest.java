package dev.tend.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tend.monitor.WindowSketchFixtures.Cell;
import dev.tend.monitor.WindowSketchFixtures.Row;
import dev.tend.profile.ColumnProfile;
import dev.tend.profile.ProfileOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Sketching the parts of a window and merging them in any order equals sketching the whole: exact
 * fields exactly, latency quantiles within the sketch's rank error; and every sketch survives its
 * codec. Rows come from a seeded generator with every kind of cell: values, nulls, absent fields,
 * wrong types, unexpected fields, malformed inputs, and bad predictions.
 */
class WindowSketchMergePropertiesTest {
  /** Small sketches, so that KLL compaction happens on small inputs. */
  private static final ProfileOptions SMALL = new ProfileOptions(16, 12, 8, 5, 5);

  private static final String[] STRINGS = {"a", "b", "c", "", "é", "zz"};

  @Property(tries = 200)
  void mergingPartsEqualsTheWhole(
      @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 400) int n,
      @ForAll @IntRange(min = 1, max = 5) int parts,
      @ForAll WindowSketchSchema.Task task,
      @ForAll @IntRange(min = 1, max = 50) int bins) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(row(random, task));
    }
    WindowSketchSchema schema = new WindowSketchSchema(WindowSketchFixtures.INPUTS, task);
    WindowSketch whole =
        WindowSketchFixtures.sketch(new WindowSketchBuilder(schema, SMALL, bins), rows);

    int[] cuts = new int[parts + 1];
    cuts[parts] = n;
    for (int p = 1; p < parts; p++) {
      cuts[p] = random.nextInt(n + 1);
    }
    Arrays.sort(cuts);
    List<WindowSketch> pieces = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      pieces.add(
          WindowSketchFixtures.sketch(
              new WindowSketchBuilder(schema, SMALL, bins), rows.subList(cuts[p], cuts[p + 1])));
    }
    Collections.shuffle(pieces, random);
    WindowSketch merged = pieces.getFirst();
    for (WindowSketch piece : pieces.subList(1, pieces.size())) {
      merged = random.nextBoolean() ? merged.merge(piece) : piece.merge(merged);
    }

    assertExactlyEqual(merged, whole);
    assertLatencyWithinError(merged, rows);
    WindowSketch read = WindowSketch.fromBytes(merged.toBytes());
    assertExactlyEqual(read, whole);
    assertExactlyEqual(WindowSketch.fromBytes(read.toBytes()), whole);
  }

  static void assertExactlyEqual(WindowSketch a, WindowSketch b) {
    assertThat(a.task()).isEqualTo(b.task());
    assertThat(a.schema()).isEqualTo(b.schema());
    assertThat(a.rows()).isEqualTo(b.rows());
    assertThat(a.firstTimestamp()).isEqualTo(b.firstTimestamp());
    assertThat(a.lastTimestamp()).isEqualTo(b.lastTimestamp());
    for (WindowSketchSchema.Input input : a.schema().inputs()) {
      String c = input.name();
      assertThat(a.absentCount(c)).as(c).isEqualTo(b.absentCount(c));
      assertThat(a.wrongTypeCount(c)).as(c).isEqualTo(b.wrongTypeCount(c));
      assertColumn(a.inputs().column(c).orElseThrow(), b.inputs().column(c).orElseThrow());
    }
    assertColumn(a.prediction(), b.prediction());
    assertThat(a.violatingRows()).isEqualTo(b.violatingRows());
    assertThat(a.malformedInputs()).isEqualTo(b.malformedInputs());
    assertThat(a.unexpectedFields()).isEqualTo(b.unexpectedFields());
    assertThat(sum(a.unexpectedFieldCounts())).isEqualTo(b.unexpectedFields());
    if (!b.unexpectedFieldCounts().containsKey(WindowSketch.OTHER_FIELDS)) {
      assertThat(a.unexpectedFieldCounts()).isEqualTo(b.unexpectedFieldCounts());
    }
    assertThat(a.predictionViolations()).isEqualTo(b.predictionViolations());
    assertThat(a.confidenceCounts()).isEqualTo(b.confidenceCounts());
    assertThat(a.latencySketch().getN()).isEqualTo(b.latencySketch().getN());
    if (a.rows() > 0) {
      assertThat(a.latencySketch().getMinItem()).isEqualTo(b.latencySketch().getMinItem());
      assertThat(a.latencySketch().getMaxItem()).isEqualTo(b.latencySketch().getMaxItem());
    }
  }

  private static long sum(java.util.Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  private static void assertColumn(ColumnProfile a, ColumnProfile b) {
    String c = a.column();
    assertThat(a.count()).as(c).isEqualTo(b.count());
    assertThat(a.missing()).as(c).isEqualTo(b.missing());
    assertThat(a.trueCount()).as(c).isEqualTo(b.trueCount());
    assertThat(a.nanCount()).as(c).isEqualTo(b.nanCount());
    assertThat(a.infiniteCount()).as(c).isEqualTo(b.infiniteCount());
    assertThat(a.emptyCount()).as(c).isEqualTo(b.emptyCount());
    assertThat(a.min()).as(c).isEqualTo(b.min());
    assertThat(a.max()).as(c).isEqualTo(b.max());
    assertThat(a.minLong()).as(c).isEqualTo(b.minLong());
    assertThat(a.maxLong()).as(c).isEqualTo(b.maxLong());
    assertThat(a.categoryCounts()).as(c).isEqualTo(b.categoryCounts());
  }

  /* The merged p-quantile's true rank among all latencies is within the sketch's error of p. */
  private static void assertLatencyWithinError(WindowSketch merged, List<Row> rows) {
    if (rows.isEmpty()) {
      assertThat(merged.latencyMillis(0.5)).isEmpty();
      return;
    }
    double[] exact = rows.stream().mapToDouble(r -> r.latencyMicros() / 1000.0).sorted().toArray();
    double eps = merged.latencyRankError();
    for (double p : new double[] {0.5, 0.95, 0.99}) {
      double q = merged.latencyMillis(p).orElseThrow();
      long below = Arrays.stream(exact).filter(x -> x < q).count();
      long atOrBelow = Arrays.stream(exact).filter(x -> x <= q).count();
      assertThat((double) below / exact.length)
          .as("rank below p%s", p)
          .isLessThanOrEqualTo(p + eps);
      assertThat((double) atOrBelow / exact.length)
          .as("rank at p%s", p)
          .isGreaterThanOrEqualTo(p - eps);
    }
  }

  static Row row(Random random, WindowSketchSchema.Task task) {
    List<Cell> cells = new ArrayList<>();
    for (WindowSketchSchema.Input input : WindowSketchFixtures.INPUTS) {
      int roll = random.nextInt(10);
      int state = roll < 7 ? 2 : roll - 7; // 70% values, 10% each absent, null, wrong type
      Object value =
          state != 2
              ? null
              : switch (input.type()) {
                case INTEGER -> (long) random.nextInt(101) - 50;
                case DOUBLE ->
                    random.nextInt(20) == 0
                        ? (random.nextBoolean() ? Double.NaN : Double.NEGATIVE_INFINITY)
                        : random.nextGaussian() * 100;
                case STRING -> STRINGS[random.nextInt(STRINGS.length)];
                case BOOLEAN -> random.nextBoolean();
                case TIMESTAMP -> random.nextLong(4_000_000_000_000_000L);
                default -> throw new IllegalStateException();
              };
      cells.add(new Cell(state, value));
    }
    List<String> unexpected = new ArrayList<>();
    if (random.nextInt(8) == 0) {
      unexpected.add("extra" + random.nextInt(random.nextBoolean() ? 10 : 200));
    }
    int predictionState = random.nextInt(10) < 8 ? 2 : random.nextInt(4);
    Object prediction =
        switch (task) {
          case BINARY -> random.nextInt(30) == 0 ? 1.5 : random.nextDouble();
          case MULTICLASS -> STRINGS[random.nextInt(3)];
          case REGRESSION -> random.nextGaussian();
        };
    return new Row(
        1_700_000_000_000_000L + random.nextInt(3_600_000) * 1000L,
        (long) Math.abs(random.nextGaussian() * 20_000),
        random.nextInt(25) == 0,
        cells,
        unexpected,
        predictionState,
        prediction,
        random.nextInt(10) == 0 ? Double.NaN : random.nextDouble());
  }
}
