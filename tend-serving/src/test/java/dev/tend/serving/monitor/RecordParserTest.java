package dev.tend.serving.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.monitor.WindowSketch;
import dev.tend.monitor.WindowSketchSchema;
import dev.tend.profile.ColumnProfile;
import dev.tend.schema.DataType;
import dev.tend.serving.log.PredictionRecord;
import dev.tend.serving.protocol.Batch;
import dev.tend.serving.protocol.Field;
import dev.tend.serving.protocol.ServingSignature;
import dev.tend.serving.protocol.ValueType;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Logged inputs and outputs, written as serving writes them ({@link Batch#rowJson}) and as broken
 * clients or older models might, read into window sketches.
 */
class RecordParserTest {
  private static final List<Field> INPUTS =
      List.of(
          Field.of("distance", ValueType.DOUBLE).allowingNonFinite(),
          Field.of("passengers", ValueType.INTEGER),
          Field.of("origin", ValueType.STRING),
          Field.of("date", ValueType.DATE),
          Field.of("at", ValueType.TIMESTAMP),
          Field.of("late", ValueType.BOOLEAN));
  private static final ServingSignature BINARY =
      new ServingSignature(
          INPUTS,
          List.of(Field.of("probability", ValueType.DOUBLE), Field.of("label", ValueType.STRING)));

  private static final long T0 = 1_790_000_000_000_000L;

  @Test
  void readsWhatServingLogs() {
    List<List<?>> rows = new ArrayList<>();
    rows.add(
        Arrays.asList(
            812.5,
            3L,
            "SFO",
            LocalDate.parse("2026-11-27"),
            Instant.parse("2026-11-27T09:00:00Z"),
            true));
    rows.add(Arrays.asList(Double.NaN, null, "", null, null, false));
    rows.add(
        Arrays.asList(
            Double.POSITIVE_INFINITY, -7L, "ü😀", LocalDate.parse("1999-12-31"), null, null));
    Batch inputs = Batch.ofRows(INPUTS, rows);
    Batch outputs =
        Batch.ofRows(
            BINARY.outputs(),
            List.of(List.of(0.25, "false"), List.of(0.75, "true"), List.of(1.0, "true")));
    WindowSketcher sketcher = WindowSketcher.of(BINARY);
    for (int r = 0; r < 3; r++) {
      sketcher.add(
          new PredictionRecord(
              "p" + r,
              "flights",
              "prod",
              "delay",
              "3",
              inputs.rowJson(r),
              outputs.rowJson(r),
              1000L * (r + 1),
              Instant.EPOCH.plusNanos((T0 + r) * 1000),
              Optional.empty()));
    }
    WindowSketch s = sketcher.finish();
    assertThat(s.rows()).isEqualTo(3);
    assertThat(s.violatingRows()).isZero();
    assertThat(s.predictionViolations()).isZero();
    ColumnProfile distance = s.inputs().column("distance").orElseThrow();
    assertThat(distance.count()).isEqualTo(3);
    assertThat(distance.nanCount()).isEqualTo(1);
    assertThat(distance.infiniteCount()).isEqualTo(1);
    assertThat(distance.max()).hasValue(812.5);
    ColumnProfile passengers = s.inputs().column("passengers").orElseThrow();
    assertThat(passengers.missing()).isEqualTo(1);
    assertThat(passengers.minLong()).hasValue(-7);
    assertThat(s.inputs().column("origin").orElseThrow().emptyCount()).isEqualTo(1);
    ColumnProfile date = s.inputs().column("date").orElseThrow();
    assertThat(date.minLong())
        .hasValue(LocalDate.parse("1999-12-31").toEpochDay() * 86_400_000_000L);
    assertThat(s.inputs().column("at").orElseThrow().maxLong())
        .hasValue(Instant.parse("2026-11-27T09:00:00Z").getEpochSecond() * 1_000_000L);
    assertThat(s.inputs().column("late").orElseThrow().trueCount()).isEqualTo(1);
    assertThat(s.prediction().mean().orElseThrow())
        .isEqualTo(2.0 / 3, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(s.confidenceCounts()[250]).isEqualTo(1);
    assertThat(s.confidenceCounts()[999]).isEqualTo(1);
    assertThat(s.firstTimestamp()).contains(Instant.EPOCH.plusNanos(T0 * 1000));
    assertThat(s.lastTimestamp()).contains(Instant.EPOCH.plusNanos((T0 + 2) * 1000));
    assertThat(s.latencyMillis(1)).hasValue(3.0);
  }

  @Test
  void countsBrokenFieldsAsViolationsAndNeverThrows() {
    WindowSketcher sketcher = WindowSketcher.of(BINARY);
    String good =
        "{\"distance\":1,\"passengers\":2,\"origin\":\"A\",\"date\":\"2026-01-02\","
            + "\"at\":\"2026-01-02T03:04:05\",\"late\":false}";
    sketcher.add(T0, 10, good, "{\"probability\":0.5,\"label\":\"true\"}");
    // wrong types everywhere, and an unknown field
    sketcher.add(
        T0,
        10,
        "{\"distance\":\"far\",\"passengers\":2.5,\"origin\":7,\"date\":\"2026-02-30\","
            + "\"at\":\"noon\",\"late\":\"yes\",\"extra\":{\"a\":[1,2]}}",
        "{\"probability\":\"high\"}");
    // fields missing, integer given as 3.0, NaN where the signature refuses it is still NaN
    sketcher.add(T0, 10, "{\"passengers\":3.0,\"distance\":\"NaN\"}", "{\"label\":\"true\"}");
    // not an object, not JSON, truncated
    sketcher.add(T0, 10, "[1,2,3]", "0.9");
    sketcher.add(T0, 10, "{\"distance\":", "{");
    sketcher.add(T0, 10, "", "");
    WindowSketch s = sketcher.finish();
    assertThat(s.rows()).isEqualTo(6);
    assertThat(s.violatingRows()).isEqualTo(5);
    assertThat(s.malformedInputs()).isEqualTo(3);
    assertThat(s.unexpectedFields()).isEqualTo(1);
    assertThat(s.unexpectedFieldCounts()).containsEntry("extra", 1L);
    for (String column : List.of("distance", "passengers", "origin", "date", "at", "late")) {
      assertThat(s.wrongTypeCount(column)).as(column).isEqualTo(1);
    }
    assertThat(s.absentCount("distance")).isEqualTo(3);
    assertThat(s.absentCount("origin")).isEqualTo(4);
    assertThat(s.inputs().column("passengers").orElseThrow().maxLong()).hasValue(3);
    assertThat(s.inputs().column("distance").orElseThrow().nanCount()).isEqualTo(1);
    // 0.5 and the bare 0.9 are predictions; "high", a missing probability, "{" and "" are not
    assertThat(s.prediction().count()).isEqualTo(2);
    assertThat(s.predictionViolations()).isEqualTo(4);
    assertThat(s.inputs().rowCount()).isEqualTo(6);
  }

  @Test
  void readsMulticlassAndRegressionOutputs() {
    ServingSignature multiclass =
        new ServingSignature(
            INPUTS.subList(0, 1),
            List.of(
                Field.of("label", ValueType.STRING),
                Field.of("probability_a", ValueType.DOUBLE),
                Field.of("probability_b", ValueType.DOUBLE)));
    WindowSketcher m = WindowSketcher.of(multiclass);
    assertThat(m.schema().task()).isEqualTo(WindowSketchSchema.Task.MULTICLASS);
    m.add(
        T0, 1, "{\"distance\":1}", "{\"label\":\"b\",\"probability_a\":0.3,\"probability_b\":0.7}");
    m.add(T0, 1, "{\"distance\":1}", "{\"label\":null,\"probability_a\":null}");
    m.add(T0, 1, "{\"distance\":1}", "{\"label\":true}");
    WindowSketch ms = m.finish();
    assertThat(ms.prediction().type()).isEqualTo(DataType.STRING);
    assertThat(ms.prediction().categoryCounts()).containsEntry("b", 1L).containsEntry("true", 1L);
    assertThat(ms.prediction().missing()).isEqualTo(1);
    assertThat(ms.confidenceTotal()).isEqualTo(1);
    assertThat(ms.confidenceCounts()[700]).isEqualTo(1);

    ServingSignature regression =
        new ServingSignature(INPUTS.subList(0, 1), List.of(Field.of("value", ValueType.DOUBLE)));
    WindowSketcher r = WindowSketcher.of(regression);
    r.add(T0, 1, "{\"distance\":1}", "{\"value\":-2.5}");
    r.add(T0, 1, "{\"distance\":1}", "{\"value\":\"Infinity\"}");
    r.add(T0, 1, "{\"distance\":1}", "{\"value\":[1]}");
    WindowSketch rs = r.finish();
    assertThat(rs.confidenceBins()).isZero();
    assertThat(rs.prediction().min()).hasValue(-2.5);
    assertThat(rs.prediction().infiniteCount()).isEqualTo(1);
    assertThat(rs.predictionViolations()).isEqualTo(1);
  }

  @Test
  void refusesSignaturesWithoutAKnownPrediction() {
    ServingSignature odd =
        new ServingSignature(INPUTS, List.of(Field.of("score", ValueType.DOUBLE)));
    assertThatThrownBy(() -> WindowSketcher.of(odd))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name no prediction");
  }

  @Test
  void segmentsSplitTheWindowAndMergeBackToIt() {
    WindowSketchSchema schema = RecordParser.schemaOf(BINARY);
    SegmentedSketcher sketcher = new SegmentedSketcher(schema, "origin", 2);
    String[] origins = {"\"SFO\"", "\"JFK\"", "\"SFO\"", "\"ORD\"", "null", "\"LAX\"", "7"};
    for (int i = 0; i < origins.length; i++) {
      sketcher.add(
          T0 + i,
          100L * i,
          "{\"distance\":" + i + ",\"origin\":" + origins[i] + "}",
          "{\"probability\":0." + i + "}");
    }
    SegmentedSketcher.Segmented result = sketcher.finish();
    assertThat(result.segments().keySet())
        .containsExactly("SFO", "JFK", SegmentedSketcher.OTHER, SegmentedSketcher.MISSING);
    assertThat(result.segments().get("SFO").rows()).isEqualTo(2);
    assertThat(result.segments().get(SegmentedSketcher.OTHER).rows()).isEqualTo(2);
    assertThat(result.segments().get(SegmentedSketcher.MISSING).rows()).isEqualTo(2);
    WindowSketch merged = WindowSketch.empty(schema);
    for (WindowSketch segment : result.segments().values()) {
      merged = merged.merge(segment);
    }
    assertThat(merged.rows()).isEqualTo(result.all().rows()).isEqualTo(7);
    assertThat(merged.confidenceCounts()).isEqualTo(result.all().confidenceCounts());
    assertThat(merged.violatingRows()).isEqualTo(result.all().violatingRows());
    assertThat(merged.inputs().column("distance").orElseThrow().max())
        .isEqualTo(result.all().inputs().column("distance").orElseThrow().max());
    assertThatThrownBy(() -> new SegmentedSketcher(schema, "nope", 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an input");
  }
}
