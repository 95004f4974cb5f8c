package dev.tend.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.monitor.WindowSketchFixtures.Row;
import dev.tend.schema.DataType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The window sketch's binary format, its refusals of bad bytes, and its plain accessors. */
class WindowSketchFormatTest {
  private static final String V1 = "/monitor/v1/binary-window.twsk";

  /** A fixed binary-classifier window: the same bytes every run. */
  static WindowSketch fixture() {
    Random random = new Random(7);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      rows.add(WindowSketchMergePropertiesTest.row(random, WindowSketchSchema.Task.BINARY));
    }
    WindowSketchSchema schema =
        new WindowSketchSchema(WindowSketchFixtures.INPUTS, WindowSketchSchema.Task.BINARY);
    return WindowSketchFixtures.sketch(new WindowSketchBuilder(schema), rows);
  }

  @Test
  void roundTripKeepsEveryExactField() {
    WindowSketch sketch = fixture();
    WindowSketch read = WindowSketch.fromBytes(sketch.toBytes());
    WindowSketchMergePropertiesTest.assertExactlyEqual(read, sketch);
    assertThat(read.latencyMillis(0.99)).isEqualTo(sketch.latencyMillis(0.99));
    assertThat(read.inputs().column("x").orElseThrow().quantile(0.5))
        .isEqualTo(sketch.inputs().column("x").orElseThrow().quantile(0.5));
  }

  @Test
  void readsTheCommittedVersionOneFile() throws IOException {
    byte[] bytes;
    try (InputStream in = WindowSketchFormatTest.class.getResourceAsStream(V1)) {
      assertThat(in).as(V1).isNotNull();
      bytes = in.readAllBytes();
    }
    WindowSketch read = WindowSketch.fromBytes(bytes);
    WindowSketchMergePropertiesTest.assertExactlyEqual(read, fixture());
  }

  /** Writes the committed file again: run by hand only when the fixture itself changes. */
  static void main(String[] args) throws IOException {
    Path out = Path.of("tend-core/src/test/resources" + V1);
    Files.createDirectories(out.getParent());
    Files.write(out, fixture().toBytes());
  }

  @Test
  void refusesBytesThatAreNotASketch() {
    assertThatThrownBy(() -> WindowSketch.fromBytes(null))
        .isInstanceOf(WindowSketchFormatException.class);
    assertThatThrownBy(
            () -> WindowSketch.fromBytes(new byte[] {'T', 'P', 'R', 'F', 0, 0, 0, 1, 0, 0, 0, 0}))
        .isInstanceOf(WindowSketchFormatException.class)
        .hasMessageContaining("not a Tend window sketch");
    assertThatThrownBy(() -> WindowSketch.fromBytes(new byte[3]))
        .isInstanceOf(WindowSketchFormatException.class);
  }

  @Test
  void refusesANewerFormatVersion() {
    byte[] bytes = fixture().toBytes();
    ByteBuffer.wrap(bytes, 4, 4).putInt(WindowSketch.FORMAT_VERSION + 1);
    assertThatThrownBy(() -> WindowSketch.fromBytes(bytes))
        .isInstanceOf(WindowSketchFormatException.class)
        .hasMessageContaining("newer than this Tend reads");
  }

  @Test
  void refusesEveryFlippedByteAndEveryTruncation() {
    byte[] good = fixture().toBytes();
    for (int i = 0; i < good.length; i += 7) {
      byte[] bad = good.clone();
      bad[i] ^= 0x5A;
      assertThatThrownBy(() -> WindowSketch.fromBytes(bad))
          .as("byte %d flipped", i)
          .isInstanceOf(WindowSketchFormatException.class);
    }
    for (int length : new int[] {0, 8, 12, 40, good.length / 2, good.length - 1}) {
      byte[] cut = Arrays.copyOf(good, length);
      assertThatThrownBy(() -> WindowSketch.fromBytes(cut))
          .as("cut to %d bytes", length)
          .isInstanceOf(WindowSketchFormatException.class);
    }
  }

  @Test
  void refusesToMergeDifferentWindows() {
    WindowSketch binary = fixture();
    WindowSketch regression =
        WindowSketch.empty(
            new WindowSketchSchema(
                WindowSketchFixtures.INPUTS, WindowSketchSchema.Task.REGRESSION));
    WindowSketch otherInputs =
        WindowSketch.empty(
            new WindowSketchSchema(
                List.of(new WindowSketchSchema.Input("n", DataType.DOUBLE)),
                WindowSketchSchema.Task.BINARY));
    assertThatThrownBy(() -> binary.merge(regression))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("BINARY");
    assertThatThrownBy(() -> binary.merge(otherInputs))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("different inputs");
  }

  @Test
  void anEmptyWindowMergesAsIdentity() {
    WindowSketch sketch = fixture();
    WindowSketch empty = WindowSketch.empty(sketch.schema());
    assertThat(empty.rows()).isZero();
    assertThat(empty.firstTimestamp()).isEmpty();
    assertThat(empty.latencyMillis(0.5)).isEmpty();
    WindowSketchMergePropertiesTest.assertExactlyEqual(empty.merge(sketch), sketch);
    WindowSketchMergePropertiesTest.assertExactlyEqual(sketch.merge(empty), sketch);
  }

  @Test
  void confidenceHistogramBinsEqualWidthsOverZeroToOne() {
    WindowSketchSchema schema =
        new WindowSketchSchema(
            List.of(new WindowSketchSchema.Input("x", DataType.DOUBLE)),
            WindowSketchSchema.Task.BINARY);
    WindowSketchBuilder builder = new WindowSketchBuilder(schema);
    WindowSketchRow row = builder.newRow();
    for (double p : new double[] {0.0, 0.0004, 0.001, 0.5, 0.9995, 1.0, -0.1, 1.2, Double.NaN}) {
      row.reset(0, 1000);
      row.setDouble(0, 1);
      row.setPrediction(p);
      builder.add(row);
    }
    WindowSketch sketch = builder.build();
    long[] counts = sketch.confidenceCounts();
    assertThat(counts).hasSize(1000);
    assertThat(counts[0]).isEqualTo(2);
    assertThat(counts[1]).isEqualTo(1);
    assertThat(counts[500]).isEqualTo(1);
    assertThat(counts[999]).isEqualTo(2);
    assertThat(sketch.confidenceTotal()).isEqualTo(6);
    assertThat(sketch.predictionViolations()).isEqualTo(3);
    assertThat(sketch.prediction().count()).isEqualTo(9);
    assertThat(sketch.latencyMillis(0.5)).hasValue(1.0);
  }

  @Test
  void windowsAlignToTheEpoch() {
    Instant t = Instant.parse("2026-11-27T09:41:12.345678Z");
    assertThat(WindowSketch.windowStart(t, Duration.ofHours(1)))
        .isEqualTo(Instant.parse("2026-11-27T09:00:00Z"));
    assertThat(WindowSketch.windowStart(t, Duration.ofDays(1)))
        .isEqualTo(Instant.parse("2026-11-27T00:00:00Z"));
    assertThat(WindowSketch.windowStart(t, Duration.ofMinutes(15)))
        .isEqualTo(Instant.parse("2026-11-27T09:30:00Z"));
    Instant hour = Instant.parse("2026-11-27T10:00:00Z");
    assertThat(WindowSketch.windowStart(hour, Duration.ofHours(1))).isEqualTo(hour);
    assertThatThrownBy(() -> WindowSketch.windowStart(t, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WindowSketch.windowStart(t, Duration.ofNanos(1500)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unexpectedFieldNamesStayBounded() {
    WindowSketchSchema schema =
        new WindowSketchSchema(
            List.of(new WindowSketchSchema.Input("x", DataType.DOUBLE)),
            WindowSketchSchema.Task.REGRESSION);
    WindowSketchBuilder builder = new WindowSketchBuilder(schema);
    WindowSketchRow row = builder.newRow();
    for (int i = 0; i < 500; i++) {
      row.reset(i, 0);
      row.setDouble(0, i);
      row.addUnexpected("f" + i);
      row.setPrediction(i);
      builder.add(row);
    }
    WindowSketch sketch = builder.build();
    Map<String, Long> names = sketch.unexpectedFieldCounts();
    assertThat(names).hasSizeLessThanOrEqualTo(WindowSketch.MAX_UNEXPECTED_NAMES);
    assertThat(names.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(500);
    assertThat(sketch.violatingRows()).isEqualTo(500);
    assertThat(sketch.confidenceBins()).isZero();
    assertThat(WindowSketch.fromBytes(sketch.toBytes()).unexpectedFieldCounts()).isEqualTo(names);
  }
}
