package dev.tend.serving.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tend.monitor.WindowSketch;
import dev.tend.profile.ColumnProfile;
import dev.tend.profile.ColumnProfiler;
import dev.tend.schema.DataType;
import dev.tend.serving.protocol.Batch;
import dev.tend.serving.protocol.Field;
import dev.tend.serving.protocol.ServingSignature;
import dev.tend.serving.protocol.ValueType;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever serving logs, the sketch's input profiles equal profiles fed the same values directly:
 * rows written by {@link Batch#rowJson} (every type, nulls, NaN and infinities, any Unicode text,
 * extreme integers) parse back to the values that were logged, without a violation.
 */
class LoggedRowsPropertiesTest {
  private static final List<Field> INPUTS =
      List.of(
          Field.of("x", ValueType.DOUBLE).allowingNonFinite(),
          Field.of("n", ValueType.INTEGER),
          Field.of("s", ValueType.STRING),
          Field.of("b", ValueType.BOOLEAN),
          Field.of("d", ValueType.DATE),
          Field.of("t", ValueType.TIMESTAMP));
  private static final DataType[] TYPES = {
    DataType.DOUBLE,
    DataType.INTEGER,
    DataType.STRING,
    DataType.BOOLEAN,
    DataType.DATE,
    DataType.TIMESTAMP
  };
  private static final ServingSignature SIGNATURE =
      new ServingSignature(INPUTS, List.of(Field.of("value", ValueType.DOUBLE)));

  @Property(tries = 200)
  void loggedRowsParseBackToTheirValues(
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 60) int n) {
    Random random = new Random(seed);
    List<List<?>> rows = new ArrayList<>();
    List<List<?>> outputs = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      rows.add(row(random));
      outputs.add(List.of(random.nextGaussian()));
    }
    WindowSketcher sketcher = WindowSketcher.of(SIGNATURE);
    List<ColumnProfiler> direct = new ArrayList<>();
    for (int i = 0; i < TYPES.length; i++) {
      direct.add(ColumnProfiler.create(INPUTS.get(i).name(), TYPES[i]));
    }
    if (n > 0) {
      Batch in = Batch.ofRows(INPUTS, rows);
      Batch out = Batch.ofRows(SIGNATURE.outputs(), outputs);
      for (int r = 0; r < n; r++) {
        sketcher.add(r, r, in.rowJson(r), out.rowJson(r));
        for (int i = 0; i < TYPES.length; i++) {
          direct.get(i).update(profiled(rows.get(r).get(i)), 1);
        }
      }
    }
    WindowSketch sketch = sketcher.finish();
    assertThat(sketch.rows()).isEqualTo(n);
    assertThat(sketch.violatingRows()).isZero();
    assertThat(sketch.predictionViolations()).isZero();
    for (int i = 0; i < TYPES.length; i++) {
      ColumnProfile expected = direct.get(i).finish();
      ColumnProfile actual = sketch.inputs().columns().get(i);
      String c = expected.column();
      assertThat(actual.count()).as(c).isEqualTo(expected.count());
      assertThat(actual.missing()).as(c).isEqualTo(expected.missing());
      assertThat(actual.nanCount()).as(c).isEqualTo(expected.nanCount());
      assertThat(actual.infiniteCount()).as(c).isEqualTo(expected.infiniteCount());
      assertThat(actual.trueCount()).as(c).isEqualTo(expected.trueCount());
      assertThat(actual.min()).as(c).isEqualTo(expected.min());
      assertThat(actual.max()).as(c).isEqualTo(expected.max());
      assertThat(actual.minLong()).as(c).isEqualTo(expected.minLong());
      assertThat(actual.maxLong()).as(c).isEqualTo(expected.maxLong());
      assertThat(actual.mean()).as(c).isEqualTo(expected.mean());
      assertThat(actual.categoryCounts()).as(c).isEqualTo(expected.categoryCounts());
    }
  }

  /* What a profile is fed for a logged value: dates and timestamps as epoch microseconds. */
  private static Object profiled(Object value) {
    if (value instanceof LocalDate date) {
      return date.toEpochDay() * 86_400_000_000L;
    }
    if (value instanceof Instant instant) {
      return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }
    return value;
  }

  private static List<?> row(Random random) {
    Object x =
        switch (random.nextInt(8)) {
          case 0 -> Double.NaN;
          case 1 -> random.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
          case 2 -> random.nextBoolean() ? Double.MAX_VALUE : -Double.MIN_VALUE;
          case 3 -> (double) random.nextInt(5);
          default -> random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20);
        };
    Object n =
        switch (random.nextInt(4)) {
          case 0 -> random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
          case 1 -> (long) random.nextInt(10);
          default -> random.nextLong();
        };
    StringBuilder s = new StringBuilder();
    for (int k = random.nextInt(6); k > 0; k--) {
      int cp = random.nextInt(4) == 0 ? random.nextInt(0x10FFFF) : 0x20 + random.nextInt(95);
      if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
        cp = '?';
      }
      s.appendCodePoint(cp);
    }
    Object d = LocalDate.ofEpochDay(random.nextInt(2_000_000) - 700_000);
    Object t =
        Instant.EPOCH.plus(
            random.nextLong(-2_000_000_000_000_000L, 7_000_000_000_000_000L), ChronoUnit.MICROS);
    List<Object> row =
        new ArrayList<>(Arrays.asList(x, n, s.toString(), random.nextBoolean(), d, t));
    for (int i = 0; i < row.size(); i++) {
      if (random.nextInt(6) == 0) {
        row.set(i, null);
      }
    }
    return row;
  }
}
