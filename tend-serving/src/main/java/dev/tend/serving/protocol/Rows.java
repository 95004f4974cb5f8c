package dev.tend.serving.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;

/**
 * Builds a batch from the three layouts JSON protocols use: objects per row, arrays per row in
 * signature order, and one array per column.
 */
final class Rows {
  private static final int NAMES_SHOWN = 20;

  private final ServingSignature signature;
  private final DecodeLimits limits;
  private final Map<String, Integer> positions = new HashMap<>();

  Rows(ServingSignature signature, DecodeLimits limits) {
    this.signature = signature;
    this.limits = limits;
    for (int i = 0; i < signature.inputs().size(); i++) {
      positions.put(signature.inputs().get(i).name(), i);
    }
  }

  DecodeLimits limits() {
    return limits;
  }

  private List<ColumnBuilder> builders(int rows) {
    BatchSizeException.check(rows, limits);
    List<ColumnBuilder> builders = new ArrayList<>();
    for (Field field : signature.inputs()) {
      builders.add(new ColumnBuilder(field, rows));
    }
    return builders;
  }

  private static Batch build(List<ColumnBuilder> builders) {
    return Batch.of(builders.stream().map(ColumnBuilder::build).toList());
  }

  /** Rows given as objects of field values: every field present, no other. */
  Batch fromObjects(List<JsonNode> rows) {
    List<ColumnBuilder> builders = builders(rows.size());
    for (int row = 0; row < rows.size(); row++) {
      JsonNode values = rows.get(row);
      if (!values.isObject()) {
        throw SignatureViolationException.row(
            ErrorCode.BAD_ENVELOPE,
            row,
            "row " + row + ": expected an object of field values, got " + Json.describe(values));
      }
      setObjectRow(builders, row, values);
    }
    return build(builders);
  }

  private void setObjectRow(List<ColumnBuilder> builders, int row, JsonNode values) {
    for (Entry<String, JsonNode> entry : values.properties()) {
      Integer position = positions.get(entry.getKey());
      if (position == null) {
        throw SignatureViolationException.at(
            ErrorCode.UNKNOWN_FIELD,
            row,
            entry.getKey(),
            "the model has no such input; " + inputs());
      }
      builders.get(position).set(row, entry.getValue(), "");
    }
    for (ColumnBuilder builder : builders) {
      if (!builder.isSet(row)) {
        throw SignatureViolationException.at(
            ErrorCode.MISSING_FIELD,
            row,
            builder.field().name(),
            "missing; every input must be given (send null for a missing value)");
      }
    }
  }

  /** One row given as an object, for Tend's single-row form. */
  Batch fromObject(JsonNode values) {
    List<ColumnBuilder> builders = builders(1);
    setObjectRow(builders, 0, values);
    return build(builders);
  }

  /** Rows given as arrays of values in signature order. */
  Batch fromArrays(List<JsonNode> rows) {
    List<String> order = signature.inputs().stream().map(Field::name).toList();
    return fromArrays(rows, order);
  }

  /**
   * Rows given as arrays of values in the order of {@code columns}, which must name every input
   * once (MLflow's {@code dataframe_split}).
   */
  Batch fromArrays(List<JsonNode> rows, List<String> columns) {
    int[] order = new int[columns.size()];
    boolean[] seen = new boolean[signature.inputs().size()];
    for (int i = 0; i < columns.size(); i++) {
      String name = columns.get(i);
      Integer position = positions.get(name);
      if (position == null) {
        throw SignatureViolationException.field(
            ErrorCode.UNKNOWN_FIELD,
            name,
            "column '" + name + "': the model has no such input; " + inputs());
      }
      if (seen[position]) {
        throw SignatureViolationException.field(
            ErrorCode.BAD_ENVELOPE, name, "column '" + name + "' is named twice");
      }
      seen[position] = true;
      order[i] = position;
    }
    for (int i = 0; i < seen.length; i++) {
      if (!seen[i]) {
        String name = signature.inputs().get(i).name();
        throw SignatureViolationException.field(
            ErrorCode.MISSING_FIELD,
            name,
            "field '" + name + "' is missing from the columns; every input must be given");
      }
    }
    List<ColumnBuilder> builders = builders(rows.size());
    int width = order.length;
    for (int row = 0; row < rows.size(); row++) {
      JsonNode values = rows.get(row);
      if (!values.isArray()) {
        throw SignatureViolationException.row(
            ErrorCode.BAD_ENVELOPE,
            row,
            "row "
                + row
                + ": expected an array of "
                + width
                + " values, got "
                + Json.describe(values));
      }
      if (values.size() != width) {
        throw SignatureViolationException.row(
            ErrorCode.RAGGED,
            row,
            "row "
                + row
                + " has "
                + values.size()
                + " values, but there are "
                + width
                + " columns: "
                + columns);
      }
      for (int i = 0; i < width; i++) {
        builders.get(order[i]).set(row, values.get(i), "");
      }
    }
    return build(builders);
  }

  /** One value per row for a model with a single input. */
  Batch fromScalars(List<JsonNode> values) {
    if (signature.inputs().size() != 1) {
      throw SignatureViolationException.general(
          ErrorCode.BAD_ENVELOPE,
          "a list of single values fits only a model with one input, but this one takes "
              + signature.inputs().size()
              + ": "
              + names()
              + "; send rows as objects or arrays");
    }
    List<ColumnBuilder> builders = builders(values.size());
    for (int row = 0; row < values.size(); row++) {
      builders.getFirst().set(row, values.get(row), "");
    }
    return build(builders);
  }

  /**
   * One array per field, all of one length; or, when every value is a scalar, one row (MLflow's
   * {@code {"inputs": {"a": 1, "b": 2}}}).
   */
  Batch fromColumns(JsonNode columns) {
    String first = null;
    int length = -1;
    boolean scalars = false;
    for (Entry<String, JsonNode> entry : columns.properties()) {
      String name = entry.getKey();
      if (!positions.containsKey(name)) {
        throw SignatureViolationException.field(
            ErrorCode.UNKNOWN_FIELD,
            name,
            "field '" + name + "': the model has no such input; " + inputs());
      }
      JsonNode values = entry.getValue();
      boolean scalar = !values.isArray();
      int size = scalar ? 1 : values.size();
      if (first == null) {
        first = name;
        length = size;
        scalars = scalar;
      } else if (scalar != scalars || size != length) {
        throw SignatureViolationException.field(
            ErrorCode.RAGGED,
            name,
            "column '"
                + name
                + "' has "
                + describeLength(scalar, size)
                + ", but column '"
                + first
                + "' has "
                + describeLength(scalars, length)
                + "; all columns must have the same number of rows");
      }
    }
    for (Field field : signature.inputs()) {
      if (!columns.has(field.name())) {
        throw SignatureViolationException.field(
            ErrorCode.MISSING_FIELD,
            field.name(),
            "field '"
                + field.name()
                + "' is missing; every input must be given (use null for a"
                + " missing value)");
      }
    }
    List<ColumnBuilder> builders = builders(length);
    for (ColumnBuilder builder : builders) {
      JsonNode values = columns.get(builder.field().name());
      for (int row = 0; row < length; row++) {
        builder.set(row, scalars ? values : values.get(row), "");
      }
    }
    return build(builders);
  }

  private static String describeLength(boolean scalar, int size) {
    return scalar ? "a single value" : size + (size == 1 ? " value" : " values");
  }

  String inputs() {
    return "its inputs are " + names();
  }

  String names() {
    List<String> names = signature.inputs().stream().map(Field::name).toList();
    if (names.size() <= NAMES_SHOWN) {
      return names.toString();
    }
    return names
        .subList(0, NAMES_SHOWN)
        .toString()
        .replace("]", ", … (" + names.size() + " in all)]");
  }
}
