package dev.tend.serving.monitor;

import static java.util.Objects.requireNonNull;

import dev.tend.monitor.WindowSketch;
import dev.tend.monitor.WindowSketchBuilder;
import dev.tend.monitor.WindowSketchRow;
import dev.tend.monitor.WindowSketchSchema;
import dev.tend.serving.log.PredictionRecord;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds one window's sketch of all rows plus one sketch per value of a segment column (an input),
 * parsing each record once. The first {@code maxSegments} distinct values get their own sketch;
 * later new values go to {@link #OTHER}, missing and invalid ones to {@link #MISSING}. Mutable and
 * not thread-safe.
 */
public final class SegmentedSketcher {
  /** The segment of values beyond the first {@code maxSegments}. */
  public static final String OTHER = "(other)";

  /** The segment of rows whose segment value is null, absent or of the wrong type. */
  public static final String MISSING = "(missing)";

  /** Distinct segment values tracked unless told otherwise. */
  public static final int DEFAULT_MAX_SEGMENTS = 50;

  private final WindowSketchSchema schema;
  private final String column;
  private final int columnIndex;
  private final int maxSegments;
  private final RecordParser parser;
  private final WindowSketchBuilder all;
  private final Map<String, WindowSketchBuilder> segments = new LinkedHashMap<>();
  private final WindowSketchRow row;
  private boolean finished;

  /**
   * @param column the input whose values name the segments
   * @param maxSegments distinct values with their own sketch, at least 1
   * @throws IllegalArgumentException if {@code column} is not an input of the schema
   */
  public SegmentedSketcher(WindowSketchSchema schema, String column, int maxSegments) {
    this.schema = requireNonNull(schema, "schema is null");
    this.column = requireNonNull(column, "column is null");
    int found = -1;
    for (int i = 0; i < schema.inputs().size(); i++) {
      if (schema.inputs().get(i).name().equals(column)) {
        found = i;
      }
    }
    if (found < 0) {
      throw new IllegalArgumentException(
          "segment column '"
              + column
              + "' is not an input; inputs are "
              + schema.inputs().stream().map(WindowSketchSchema.Input::name).toList());
    }
    if (maxSegments < 1) {
      throw new IllegalArgumentException("maxSegments must be >= 1: " + maxSegments);
    }
    this.columnIndex = found;
    this.maxSegments = maxSegments;
    this.parser = new RecordParser(schema);
    this.all = new WindowSketchBuilder(schema);
    this.row = all.newRow();
  }

  /** The segment column. */
  public String column() {
    return column;
  }

  /** Adds a logged prediction. */
  public void add(PredictionRecord record) {
    add(record.timestampMicros(), record.latencyMicros(), record.inputs(), record.outputs());
  }

  /** Adds a prediction from its time, latency and logged JSON text. */
  public void add(long timestampMicros, long latencyMicros, String inputs, String outputs) {
    if (finished) {
      throw new IllegalStateException("the segmented sketcher is finished");
    }
    row.reset(timestampMicros, latencyMicros);
    parser.parse(inputs, outputs, row);
    all.add(row);
    String value = row.valueText(columnIndex);
    String key = value == null ? MISSING : value;
    WindowSketchBuilder segment = segments.get(key);
    if (segment == null) {
      if (!key.equals(MISSING) && tracked() >= maxSegments) {
        key = OTHER;
        segment = segments.get(key);
      }
      if (segment == null) {
        segment = new WindowSketchBuilder(schema);
        segments.put(key, segment);
      }
    }
    segment.add(row);
  }

  private int tracked() {
    int n = segments.size();
    if (segments.containsKey(MISSING)) {
      n--;
    }
    if (segments.containsKey(OTHER)) {
      n--;
    }
    return n;
  }

  /** The sketches; the sketcher takes no records afterwards. */
  public Segmented finish() {
    if (finished) {
      throw new IllegalStateException("the segmented sketcher is finished");
    }
    finished = true;
    Map<String, WindowSketch> sketches = new LinkedHashMap<>();
    segments.forEach((k, b) -> sketches.put(k, b.build()));
    return new Segmented(column, all.build(), sketches);
  }

  /**
   * One window's sketches.
   *
   * @param column the segment column
   * @param all the sketch of every row
   * @param segments the sketch per segment value, in order of first appearance; their merge is
   *     {@code all}
   */
  public record Segmented(String column, WindowSketch all, Map<String, WindowSketch> segments) {
    public Segmented {
      requireNonNull(column, "column is null");
      requireNonNull(all, "all is null");
      segments = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(segments));
    }
  }
}
