package dev.tend.monitor;

import dev.tend.schema.DataType;
import java.util.List;

/** Rows described as plain values, replayed into builders by the monitor tests. */
final class WindowSketchFixtures {
  private WindowSketchFixtures() {}

  static final List<WindowSketchSchema.Input> INPUTS =
      List.of(
          new WindowSketchSchema.Input("n", DataType.INTEGER),
          new WindowSketchSchema.Input("x", DataType.DOUBLE),
          new WindowSketchSchema.Input("s", DataType.STRING),
          new WindowSketchSchema.Input("b", DataType.BOOLEAN),
          new WindowSketchSchema.Input("t", DataType.TIMESTAMP));

  /**
   * One input cell: state 0 absent, 1 null, 2 value, 3 wrong type.
   *
   * @param value a Long, Double, String or Boolean fitting the column when state is 2
   */
  record Cell(int state, Object value) {}

  /**
   * One record.
   *
   * @param prediction a Double (binary, regression) or String (multiclass); null = JSON null
   * @param predictionState 0 absent, 1 null, 2 value, 3 wrong type
   */
  record Row(
      long timestampMicros,
      long latencyMicros,
      boolean malformed,
      List<Cell> cells,
      List<String> unexpected,
      int predictionState,
      Object prediction,
      double confidence) {}

  static void fill(WindowSketchRow row, Row r) {
    row.reset(r.timestampMicros(), r.latencyMicros());
    for (int i = 0; i < r.cells().size(); i++) {
      Cell c = r.cells().get(i);
      switch (c.state()) {
        case 1 -> row.setNull(i);
        case 2 -> {
          switch (INPUTS.get(i).type()) {
            case INTEGER, TIMESTAMP -> row.setLong(i, (Long) c.value());
            case DOUBLE -> row.setDouble(i, (Double) c.value());
            case STRING -> row.setString(i, (String) c.value());
            case BOOLEAN -> row.setBoolean(i, (Boolean) c.value());
            default -> throw new IllegalStateException();
          }
        }
        case 3 -> row.setWrongType(i);
        default -> {}
      }
    }
    r.unexpected().forEach(row::addUnexpected);
    if (r.malformed()) {
      row.setInputsMalformed();
    }
    switch (r.predictionState()) {
      case 1 -> row.setPredictionNull();
      case 2 -> {
        if (r.prediction() instanceof String label) {
          row.setPredictionLabel(label);
        } else {
          row.setPrediction((Double) r.prediction());
        }
      }
      case 3 -> row.setPredictionWrongType();
      default -> {}
    }
    row.setConfidence(r.confidence());
  }

  static WindowSketch sketch(WindowSketchBuilder builder, List<Row> rows) {
    WindowSketchRow row = builder.newRow();
    for (Row r : rows) {
      fill(row, r);
      builder.add(row);
    }
    return builder.build();
  }
}
