package dev.tend.serving.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the same rows in every request shape the codecs accept, independently of the codecs' own
 * writing code, so tests can check that all shapes decode alike.
 */
final class Encodings {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Encodings() {}

  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  static JsonNode value(Object value) {
    return switch (value) {
      case null -> NODES.nullNode();
      case Boolean b -> NODES.booleanNode(b);
      case Long l -> NODES.numberNode(l);
      case Double d -> NODES.numberNode(d);
      case String s -> NODES.textNode(s);
      case LocalDate d -> NODES.textNode(d.toString());
      case Instant i -> NODES.textNode(i.toString());
      default -> throw new IllegalArgumentException(value.getClass().getName());
    };
  }

  private static ObjectNode record(List<Field> fields, List<?> row) {
    ObjectNode record = NODES.objectNode();
    for (int i = 0; i < fields.size(); i++) {
      record.set(fields.get(i).name(), value(row.get(i)));
    }
    return record;
  }

  private static ArrayNode array(List<?> row) {
    ArrayNode array = NODES.arrayNode();
    row.forEach(v -> array.add(value(v)));
    return array;
  }

  private static ArrayNode records(List<Field> fields, List<List<?>> rows) {
    ArrayNode records = NODES.arrayNode();
    rows.forEach(row -> records.add(record(fields, row)));
    return records;
  }

  private static ArrayNode arrays(List<List<?>> rows) {
    ArrayNode arrays = NODES.arrayNode();
    rows.forEach(row -> arrays.add(array(row)));
    return arrays;
  }

  private static ObjectNode columns(List<Field> fields, List<List<?>> rows) {
    ObjectNode columns = NODES.objectNode();
    for (int i = 0; i < fields.size(); i++) {
      ArrayNode column = columns.putArray(fields.get(i).name());
      for (List<?> row : rows) {
        column.add(value(row.get(i)));
      }
    }
    return columns;
  }

  /** Every shape the rows can be written in, by name, with the decoder that reads it. */
  static Map<String, byte[]> all(List<Field> fields, List<List<?>> rows) {
    Map<String, byte[]> bodies = new LinkedHashMap<>();
    if (rows.size() == 1) {
      ObjectNode single = NODES.objectNode();
      single.set("inputs", record(fields, rows.getFirst()));
      bodies.put("tend single", bytes(single));
    }
    ObjectNode tendRows = NODES.objectNode();
    ArrayNode list = tendRows.putArray("rows");
    rows.forEach(row -> list.addObject().set("inputs", record(fields, row)));
    bodies.put("tend rows", bytes(tendRows));
    ObjectNode tendInstances = NODES.objectNode();
    tendInstances.set("instances", records(fields, rows));
    bodies.put("tend instances", bytes(tendInstances));

    ObjectNode split = NODES.objectNode();
    ObjectNode frame = split.putObject("dataframe_split");
    ArrayNode names = frame.putArray("columns");
    // columns in reverse order: the split form must place them by name
    for (int i = fields.size() - 1; i >= 0; i--) {
      names.add(fields.get(i).name());
    }
    ArrayNode data = frame.putArray("data");
    for (List<?> row : rows) {
      ArrayNode reversed = data.addArray();
      for (int i = fields.size() - 1; i >= 0; i--) {
        reversed.add(value(row.get(i)));
      }
    }
    ArrayNode index = frame.putArray("index");
    for (int i = 0; i < rows.size(); i++) {
      index.add(i);
    }
    bodies.put("mlflow dataframe_split", bytes(split));
    ObjectNode positional = NODES.objectNode();
    positional.putObject("dataframe_split").set("data", arrays(rows));
    bodies.put("mlflow dataframe_split without columns", bytes(positional));
    bodies.put("mlflow dataframe_records", wrap("dataframe_records", records(fields, rows)));
    for (String key : List.of("instances", "inputs")) {
      bodies.put("mlflow " + key + " records", wrap(key, records(fields, rows)));
      bodies.put("mlflow " + key + " arrays", wrap(key, arrays(rows)));
      bodies.put("mlflow " + key + " columns", wrap(key, columns(fields, rows)));
    }
    ObjectNode withParams = (ObjectNode) parse(wrap("inputs", columns(fields, rows)));
    withParams.putObject("params").put("temperature", 0.5);
    bodies.put("mlflow inputs with params", bytes(withParams));

    bodies.put("open inference columns", openInferenceColumns(fields, rows, false));
    bodies.put("open inference columns [N, 1]", openInferenceColumns(fields, rows, true));
    matrixDatatype(fields)
        .ifPresent(
            datatype -> {
              bodies.put(
                  "open inference matrix", openInferenceMatrix(rows, datatype, fields, false));
              bodies.put(
                  "open inference nested matrix",
                  openInferenceMatrix(rows, datatype, fields, true));
            });
    return bodies;
  }

  private static JsonNode parse(byte[] body) {
    try {
      return MAPPER.readTree(body);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] wrap(String key, JsonNode value) {
    ObjectNode body = NODES.objectNode();
    body.set(key, value);
    return bytes(body);
  }

  private static String datatype(ValueType type) {
    return switch (type) {
      case BOOLEAN -> "BOOL";
      case INTEGER -> "INT64";
      case DOUBLE -> "FP64";
      case STRING, DATE, TIMESTAMP -> "BYTES";
    };
  }

  private static byte[] openInferenceColumns(List<Field> fields, List<List<?>> rows, boolean nx1) {
    ObjectNode request = NODES.objectNode();
    request.put("id", "req-1");
    ArrayNode inputs = request.putArray("inputs");
    // tensors in reverse order: they are matched by name
    for (int i = fields.size() - 1; i >= 0; i--) {
      ObjectNode tensor = inputs.addObject();
      tensor.put("name", fields.get(i).name());
      ArrayNode shape = tensor.putArray("shape").add(rows.size());
      if (nx1) {
        shape.add(1);
      }
      tensor.put("datatype", datatype(fields.get(i).type()));
      ArrayNode data = tensor.putArray("data");
      for (List<?> row : rows) {
        data.add(value(row.get(i)));
      }
    }
    return bytes(request);
  }

  /** The datatype of a single [N, F] tensor, when one can hold every field. */
  private static Optional<String> matrixDatatype(List<Field> fields) {
    boolean numbers =
        fields.stream()
            .allMatch(f -> f.type() == ValueType.INTEGER || f.type() == ValueType.DOUBLE);
    if (numbers) {
      return Optional.of(
          fields.stream().allMatch(f -> f.type() == ValueType.INTEGER) ? "INT64" : "FP64");
    }
    if (fields.stream().allMatch(f -> f.type() == ValueType.BOOLEAN)) {
      return Optional.of("BOOL");
    }
    if (fields.stream().allMatch(f -> datatype(f.type()).equals("BYTES"))) {
      return Optional.of("BYTES");
    }
    return Optional.empty();
  }

  private static byte[] openInferenceMatrix(
      List<List<?>> rows, String datatype, List<Field> fields, boolean nested) {
    ObjectNode request = NODES.objectNode();
    request.put("id", "req-1");
    ObjectNode tensor = request.putArray("inputs").addObject();
    tensor.put("name", "input-matrix");
    tensor.putArray("shape").add(rows.size()).add(fields.size());
    tensor.put("datatype", datatype);
    tensor.set("data", nested ? arrays(rows) : flat(rows));
    return bytes(request);
  }

  private static ArrayNode flat(List<List<?>> rows) {
    ArrayNode data = NODES.arrayNode();
    rows.forEach(row -> row.forEach(v -> data.add(value(v))));
    return data;
  }
}
