package dev.tend.serving.monitor;

import static java.util.Objects.requireNonNull;

import dev.tend.monitor.WindowSketch;
import dev.tend.monitor.WindowSketchBuilder;
import dev.tend.monitor.WindowSketchRow;
import dev.tend.monitor.WindowSketchSchema;
import dev.tend.serving.log.PredictionRecord;
import dev.tend.serving.protocol.ServingSignature;

/**
 * Builds the {@link WindowSketch} of one window of logged predictions from their records: parses
 * each record's JSON text against the model's signature and adds it. Bad records never throw; they
 * count as schema violations. Mutable and not thread-safe: keep one per open window (see {@link
 * WindowSketch#windowStart}) and merge the sketches.
 */
public final class WindowSketcher {
  private final RecordParser parser;
  private final WindowSketchBuilder builder;
  private final WindowSketchRow row;

  public WindowSketcher(WindowSketchSchema schema) {
    this(new WindowSketchBuilder(requireNonNull(schema, "schema is null")));
  }

  /** A sketcher adding to {@code builder}, for other sketch options. */
  public WindowSketcher(WindowSketchBuilder builder) {
    this.builder = requireNonNull(builder, "builder is null");
    this.parser = new RecordParser(builder.schema());
    this.row = builder.newRow();
  }

  /**
   * A sketcher for a served model.
   *
   * @throws IllegalArgumentException if its outputs name no prediction Tend knows
   */
  public static WindowSketcher of(ServingSignature signature) {
    return new WindowSketcher(RecordParser.schemaOf(signature));
  }

  public WindowSketchSchema schema() {
    return builder.schema();
  }

  /** Adds a logged prediction. */
  public void add(PredictionRecord record) {
    add(record.timestampMicros(), record.latencyMicros(), record.inputs(), record.outputs());
  }

  /**
   * Adds a prediction answered at {@code timestampMicros} since the epoch in {@code latencyMicros},
   * with its logged inputs and outputs JSON text.
   */
  public void add(long timestampMicros, long latencyMicros, String inputs, String outputs) {
    row.reset(timestampMicros, latencyMicros);
    parser.parse(inputs, outputs, row);
    builder.add(row);
  }

  /** Records added so far. */
  public long rows() {
    return builder.rows();
  }

  /** The window's sketch; the sketcher takes no records afterwards. */
  public WindowSketch finish() {
    return builder.build();
  }
}
