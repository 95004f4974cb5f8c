package dev.tend.monitor;

import static java.util.Objects.requireNonNull;

import dev.tend.profile.ColumnProfile;
import dev.tend.profile.ColumnProfiler;
import dev.tend.profile.DatasetProfile;
import dev.tend.profile.ProfileOptions;
import dev.tend.profile.ProfileProvenance;
import dev.tend.schema.DataType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.kll.KllDoublesSketch;

/**
 * Accumulates parsed prediction records ({@link WindowSketchRow}s) of one window into a {@link
 * WindowSketch}. Mutable and not thread-safe: keep one per window (and segment) and merge the
 * sketches. Never throws for a bad row: what breaks the schema is counted.
 */
public final class WindowSketchBuilder {
  private final WindowSketchSchema schema;
  private final ProfileOptions options;
  private final int confidenceBins;
  private final ColumnProfiler[] inputs;
  private final DataType[] types;
  private final ColumnProfiler prediction;
  private final long[] absent;
  private final long[] wrongType;
  private final Map<String, long[]> unexpected = new HashMap<>();
  private final KllDoublesSketch latency;
  private final long[] confidence;
  private long rows;
  private long violatingRows;
  private long malformedInputs;
  private long predictionViolations;
  private long unexpectedFields;
  private long firstMicros = Long.MAX_VALUE;
  private long lastMicros = Long.MIN_VALUE;
  private boolean built;

  /**
   * A builder with the default profile options and {@value WindowSketch#DEFAULT_CONFIDENCE_BINS}
   * bins.
   */
  public WindowSketchBuilder(WindowSketchSchema schema) {
    this(schema, ProfileOptions.DEFAULTS, WindowSketch.DEFAULT_CONFIDENCE_BINS);
  }

  /**
   * @param confidenceBins equal-width bins of the confidence histogram over [0, 1], 1 to 100,000
   */
  public WindowSketchBuilder(
      WindowSketchSchema schema, ProfileOptions options, int confidenceBins) {
    this.schema = requireNonNull(schema, "schema is null");
    this.options = requireNonNull(options, "options is null");
    WindowSketch.checkBins(confidenceBins);
    this.confidenceBins = confidenceBins;
    int n = schema.inputs().size();
    inputs = new ColumnProfiler[n];
    types = new DataType[n];
    for (int i = 0; i < n; i++) {
      WindowSketchSchema.Input input = schema.inputs().get(i);
      inputs[i] = ColumnProfiler.create(input.name(), input.type(), options);
      types[i] = input.type();
    }
    prediction =
        ColumnProfiler.create(WindowSketch.PREDICTION, schema.task().predictionType(), options);
    absent = new long[n];
    wrongType = new long[n];
    latency = KllDoublesSketch.newHeapInstance(options.kllK());
    confidence = new long[schema.task().isClassifier() ? confidenceBins : 0];
  }

  public WindowSketchSchema schema() {
    return schema;
  }

  /** A row to fill and {@link #add}; reuse it for every record. */
  public WindowSketchRow newRow() {
    return new WindowSketchRow(schema);
  }

  /** Records added so far. */
  public long rows() {
    return rows;
  }

  /**
   * Adds one record. For a binary classifier the confidence is the prediction itself.
   *
   * @throws IllegalArgumentException if the row was made for another schema
   * @throws IllegalStateException after {@link #build()}
   */
  public void add(WindowSketchRow row) {
    if (row.schema != schema && !row.schema.equals(schema)) {
      throw new IllegalArgumentException("the row was made for another schema");
    }
    if (built) {
      throw new IllegalStateException("the window sketch is built");
    }
    rows++;
    firstMicros = Math.min(firstMicros, row.timestampMicros);
    lastMicros = Math.max(lastMicros, row.timestampMicros);
    latency.update(row.latencyMicros / 1000.0);
    boolean violation = row.malformedInputs;
    if (row.malformedInputs) {
      malformedInputs++;
    }
    byte[] state = row.state;
    for (int i = 0; i < state.length; i++) {
      ColumnProfiler p = inputs[i];
      switch (state[i]) {
        case WindowSketchRow.VALUE -> {
          switch (types[i]) {
            case DOUBLE -> p.updateDouble(row.doubles[i], 1);
            case INTEGER, DATE, TIMESTAMP -> p.updateLong(row.longs[i], 1);
            case BOOLEAN -> p.updateBoolean(row.longs[i] != 0, 1);
            case STRING -> p.updateString(row.strings[i], 1);
            case OTHER -> throw new IllegalStateException("schema refuses other");
          }
        }
        case WindowSketchRow.NULL -> p.updateMissing(1);
        case WindowSketchRow.WRONG_TYPE -> {
          p.updateMissing(1);
          wrongType[i]++;
          violation = true;
        }
        default -> {
          p.updateMissing(1);
          absent[i]++;
          violation = true;
        }
      }
    }
    if (row.unexpectedCount > 0) {
      violation = true;
      unexpectedFields += row.unexpectedCount;
      for (int i = 0; i < row.unexpectedCount; i++) {
        countUnexpected(row.unexpected[i]);
      }
    }
    if (violation) {
      violatingRows++;
    }
    addPrediction(row);
  }

  private void countUnexpected(String field) {
    long[] count = unexpected.get(field);
    if (count == null) {
      if (unexpected.size() >= WindowSketch.MAX_UNEXPECTED_NAMES) {
        field = WindowSketch.OTHER_FIELDS;
        count = unexpected.get(field);
      }
      if (count == null) {
        count = new long[1];
        unexpected.put(field, count);
      }
    }
    count[0]++;
  }

  private void addPrediction(WindowSketchRow row) {
    WindowSketchSchema.Task task = schema.task();
    double conf = row.confidence;
    switch (row.predictionState) {
      case WindowSketchRow.VALUE -> {
        if (task == WindowSketchSchema.Task.MULTICLASS) {
          prediction.updateString(row.predictionLabel, 1);
        } else {
          prediction.updateDouble(row.predictionDouble, 1);
          if (task == WindowSketchSchema.Task.BINARY) {
            conf = row.predictionDouble;
            if (!(conf >= 0 && conf <= 1)) {
              predictionViolations++;
            }
          }
        }
      }
      case WindowSketchRow.NULL -> prediction.updateMissing(1);
      default -> {
        prediction.updateMissing(1);
        predictionViolations++;
      }
    }
    if (confidence.length > 0 && conf >= 0 && conf <= 1) {
      confidence[WindowSketch.bin(conf, confidence.length)]++;
    }
  }

  /** The sketch of everything added; the builder takes no rows afterwards. */
  public WindowSketch build() {
    if (built) {
      throw new IllegalStateException("the window sketch is built");
    }
    built = true;
    List<ColumnProfile> columns = new ArrayList<>(inputs.length);
    for (ColumnProfiler p : inputs) {
      columns.add(p.finish());
    }
    ProfileProvenance provenance = WindowSketch.provenance(rows == 0 ? 0 : lastMicros);
    Map<String, Long> counts = new HashMap<>();
    unexpected.forEach((k, v) -> counts.put(k, v[0]));
    Map<String, Long> unexpectedCounts = WindowSketch.mergeNames(counts, Map.of());
    return new WindowSketch(
        schema.task(),
        rows,
        rows == 0 ? 0 : firstMicros,
        rows == 0 ? 0 : lastMicros,
        DatasetProfile.of(rows, columns, provenance),
        DatasetProfile.of(rows, List.of(prediction.finish()), provenance),
        absent.clone(),
        wrongType.clone(),
        violatingRows,
        malformedInputs,
        unexpectedFields,
        unexpectedCounts,
        predictionViolations,
        latency,
        confidenceBins,
        confidence.clone());
  }
}
