package dev.tend.monitor;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;

/**
 * One logged prediction, parsed and typed, on its way into a {@link WindowSketchBuilder}: a
 * reusable holder the parser fills per record so the hot path allocates nothing. Obtain one from
 * {@link WindowSketchBuilder#newRow()}, call {@link #reset} per record, then the setters. Mutable
 * and not thread-safe.
 *
 * <p>Each input starts absent (the field was not in the inputs object, a schema violation). A
 * setter must match the input's type: {@link #setLong} for INTEGER and for DATE and TIMESTAMP
 * (epoch microseconds), {@link #setDouble} for DOUBLE, {@link #setBoolean} and {@link #setString}
 * for their types.
 */
public final class WindowSketchRow {
  static final byte ABSENT = 0;
  static final byte NULL = 1;
  static final byte VALUE = 2;
  static final byte WRONG_TYPE = 3;
  private static final long MICROS_PER_DAY = 86_400_000_000L;

  final WindowSketchSchema schema;
  final byte[] state;
  final long[] longs;
  final double[] doubles;
  final String[] strings;
  long timestampMicros;
  long latencyMicros;
  boolean malformedInputs;
  String[] unexpected = new String[4];
  int unexpectedCount;
  byte predictionState;
  double predictionDouble;
  String predictionLabel;
  double confidence;

  WindowSketchRow(WindowSketchSchema schema) {
    this.schema = schema;
    int n = schema.inputs().size();
    state = new byte[n];
    longs = new long[n];
    doubles = new double[n];
    strings = new String[n];
    reset(0, 0);
  }

  /** Starts a record answered at {@code timestampMicros} (epoch) in {@code latencyMicros}. */
  public void reset(long timestampMicros, long latencyMicros) {
    this.timestampMicros = timestampMicros;
    this.latencyMicros = latencyMicros;
    Arrays.fill(state, ABSENT);
    Arrays.fill(strings, null);
    malformedInputs = false;
    for (int i = 0; i < unexpectedCount; i++) {
      unexpected[i] = null;
    }
    unexpectedCount = 0;
    predictionState = ABSENT;
    predictionLabel = null;
    confidence = Double.NaN;
  }

  /** The input at {@code index} was JSON null: a missing value. */
  public void setNull(int index) {
    state[index] = NULL;
  }

  /** The input at {@code index} had a value its type does not allow: a schema violation. */
  public void setWrongType(int index) {
    state[index] = WRONG_TYPE;
  }

  public void setLong(int index, long value) {
    state[index] = VALUE;
    longs[index] = value;
  }

  public void setDouble(int index, double value) {
    state[index] = VALUE;
    doubles[index] = value;
  }

  public void setBoolean(int index, boolean value) {
    state[index] = VALUE;
    longs[index] = value ? 1 : 0;
  }

  public void setString(int index, String value) {
    if (value == null) {
      state[index] = NULL;
      return;
    }
    state[index] = VALUE;
    strings[index] = value;
  }

  /**
   * The input's value as text, as segments name it: numbers and booleans as Java prints them, dates
   * as {@code 2024-03-31}, timestamps as ISO instants; null when the input is missing, absent or of
   * the wrong type.
   */
  public String valueText(int index) {
    if (state[index] != VALUE) {
      return null;
    }
    return switch (schema.inputs().get(index).type()) {
      case STRING -> strings[index];
      case INTEGER -> Long.toString(longs[index]);
      case DOUBLE -> Double.toString(doubles[index]);
      case BOOLEAN -> Boolean.toString(longs[index] != 0);
      case DATE -> LocalDate.ofEpochDay(Math.floorDiv(longs[index], MICROS_PER_DAY)).toString();
      case TIMESTAMP -> Instant.EPOCH.plus(longs[index], ChronoUnit.MICROS).toString();
      case OTHER -> null;
    };
  }

  /** The inputs object carried a field the schema does not know. */
  public void addUnexpected(String field) {
    if (unexpectedCount == unexpected.length) {
      unexpected = Arrays.copyOf(unexpected, unexpectedCount * 2);
    }
    unexpected[unexpectedCount++] = field;
  }

  /**
   * The inputs were not a JSON object, or not valid JSON: every input counts as absent and the row
   * as malformed.
   */
  public void setInputsMalformed() {
    malformedInputs = true;
    Arrays.fill(state, ABSENT);
    for (int i = 0; i < unexpectedCount; i++) {
      unexpected[i] = null;
    }
    unexpectedCount = 0;
  }

  /** The prediction of a binary classifier (positive-class probability) or a regression. */
  public void setPrediction(double value) {
    predictionState = VALUE;
    predictionDouble = value;
  }

  /** The predicted label of a multiclass classifier; null is missing. */
  public void setPredictionLabel(String label) {
    predictionState = label == null ? NULL : VALUE;
    predictionLabel = label;
  }

  /** The prediction was JSON null. */
  public void setPredictionNull() {
    predictionState = NULL;
  }

  /** The outputs lacked the prediction or held something else: an output violation. */
  public void setPredictionWrongType() {
    predictionState = WRONG_TYPE;
  }

  /**
   * A multiclass classifier's confidence for the confidence histogram: its highest class
   * probability. Values outside [0, 1] and NaN are not counted. (A binary classifier's confidence
   * is its prediction, the positive-class probability; this value is ignored for it.)
   */
  public void setConfidence(double value) {
    confidence = value;
  }
}
