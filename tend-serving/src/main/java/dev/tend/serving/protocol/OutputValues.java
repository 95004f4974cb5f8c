package dev.tend.serving.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** Writes a column's values as JSON, the inverse of what {@link ColumnBuilder} reads. */
final class OutputValues {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private OutputValues() {}

  /**
   * The value as JSON: null when missing; NaN and infinities as the strings {@code "NaN"}, {@code
   * "Infinity"} and {@code "-Infinity"}, since JSON numbers cannot hold them.
   */
  static JsonNode json(Column column, int row) {
    if (column.isMissing(row)) {
      return NODES.nullNode();
    }
    return switch (column.field().type()) {
      case BOOLEAN -> NODES.booleanNode(column.getBoolean(row));
      case INTEGER -> NODES.numberNode(column.getLong(row));
      case DOUBLE -> {
        double value = column.getDouble(row);
        yield Double.isFinite(value)
            ? NODES.numberNode(value)
            : NODES.textNode(Double.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
      }
      case STRING -> NODES.textNode(column.getString(row));
      case DATE -> NODES.textNode(column.getDate(row).toString());
      case TIMESTAMP -> NODES.textNode(column.getTimestamp(row).toString());
    };
  }
}
