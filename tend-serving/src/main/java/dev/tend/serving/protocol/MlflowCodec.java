package dev.tend.serving.protocol;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MLflow 2.x's scoring protocol ({@code POST /invocations}, JSON): a body with exactly one of
 * {@code dataframe_split}, {@code dataframe_records}, {@code instances} or {@code inputs}, and
 * optionally {@code params}, which is recorded and not interpreted. Answers {@code {"predictions":
 * [...]}}. Immutable and thread-safe.
 */
public final class MlflowCodec implements RequestDecoder {
  static final List<String> FORMATS =
      List.of("dataframe_split", "dataframe_records", "instances", "inputs");

  private static final String REQUIRED =
      "the input must be a JSON object with exactly one of the input fields "
          + FORMATS
          + " (and optionally \"params\")";

  private final Rows rows;

  public MlflowCodec(ServingSignature signature, DecodeLimits limits) {
    this.rows = new Rows(requireNonNull(signature, "signature is null"), limits);
  }

  @Override
  public PredictRequest decodeRequest(byte[] body) {
    JsonNode parsed = Json.parse(body);
    if (!parsed.isObject()) {
      throw new MalformedRequestException(
          ErrorCode.BAD_ENVELOPE, REQUIRED + "; got " + Json.describe(parsed));
    }
    List<String> keys = new ArrayList<>(Json.names(parsed));
    keys.remove("params");
    if (keys.size() != 1 || !FORMATS.contains(keys.getFirst())) {
      throw new MalformedRequestException(
          ErrorCode.BAD_ENVELOPE, REQUIRED + "; got the fields " + keys);
    }
    String format = keys.getFirst();
    JsonNode data = parsed.get(format);
    Map<String, Object> params = Json.parameters(parsed.get("params"), "params");
    RequestShape shape;
    Batch batch;
    switch (format) {
      case "dataframe_split" -> {
        shape = RequestShape.MLFLOW_DATAFRAME_SPLIT;
        batch = split(data);
      }
      case "dataframe_records" -> {
        shape = RequestShape.MLFLOW_DATAFRAME_RECORDS;
        batch = rows.fromObjects(elements(data, "dataframe_records", "an array of records"));
      }
      default -> {
        shape =
            format.equals("instances") ? RequestShape.MLFLOW_INSTANCES : RequestShape.MLFLOW_INPUTS;
        batch = tensorInput(format, data);
      }
    }
    return new PredictRequest(
        shape,
        Optional.empty(),
        batch,
        Collections.nCopies(batch.rowCount(), Optional.empty()),
        params,
        List.of());
  }

  private Batch split(JsonNode split) {
    if (!split.isObject()) {
      throw new MalformedRequestException(
          ErrorCode.BAD_ENVELOPE,
          "dataframe_split must be an object {\"columns\", \"data\", \"index\"?}, got "
              + Json.describe(split));
    }
    for (String key : Json.names(split)) {
      if (!List.of("columns", "data", "index").contains(key)) {
        throw new MalformedRequestException(
            ErrorCode.BAD_ENVELOPE,
            "dataframe_split has an unexpected key '"
                + key
                + "'; it takes columns, data and index");
      }
    }
    if (!split.has("data")) {
      throw new MalformedRequestException(
          ErrorCode.BAD_ENVELOPE, "dataframe_split has no \"data\"");
    }
    List<JsonNode> data = elements(split.get("data"), "dataframe_split.data", "an array of rows");
    BatchSizeException.check(data.size(), rows.limits());
    JsonNode index = split.get("index");
    if (index != null && (!index.isArray() || index.size() != data.size())) {
      throw new MalformedRequestException(
          ErrorCode.RAGGED,
          "dataframe_split.index must be an array with one entry per row of data ("
              + data.size()
              + "), got "
              + (index.isArray() ? index.size() + " entries" : Json.describe(index)));
    }
    JsonNode columns = split.get("columns");
    if (columns == null) {
      return rows.fromArrays(data);
    }
    List<String> names = new ArrayList<>();
    for (JsonNode column : elements(columns, "dataframe_split.columns", "an array of names")) {
      if (!column.isTextual()) {
        throw new MalformedRequestException(
            ErrorCode.BAD_ENVELOPE,
            "dataframe_split.columns must hold names, got " + Json.describe(column));
      }
      names.add(column.textValue());
    }
    return rows.fromArrays(data, names);
  }

  /** {@code instances} or {@code inputs}: rows as objects, arrays or single values, or columns. */
  private Batch tensorInput(String format, JsonNode data) {
    if (data.isObject()) {
      return rows.fromColumns(data);
    }
    List<JsonNode> elements = elements(data, format, "an array of rows or an object of columns");
    BatchSizeException.check(elements.size(), rows.limits());
    JsonNode first = elements.getFirst();
    for (int row = 1; row < elements.size(); row++) {
      JsonNode element = elements.get(row);
      if (element.isObject() != first.isObject() || element.isArray() != first.isArray()) {
        throw SignatureViolationException.row(
            ErrorCode.RAGGED,
            row,
            "row "
                + row
                + " of "
                + format
                + " is "
                + Json.describe(element)
                + " but row 0 is "
                + Json.describe(first)
                + "; all rows must have one form");
      }
    }
    if (first.isObject()) {
      return rows.fromObjects(elements);
    }
    if (first.isArray()) {
      return rows.fromArrays(elements);
    }
    return rows.fromScalars(elements);
  }

  private static List<JsonNode> elements(JsonNode node, String what, String expected) {
    if (!(node instanceof ArrayNode array)) {
      throw new MalformedRequestException(
          ErrorCode.BAD_ENVELOPE, what + " must be " + expected + ", got " + Json.describe(node));
    }
    List<JsonNode> elements = new ArrayList<>(array.size());
    array.forEach(elements::add);
    return elements;
  }

  /**
   * The response {@code {"predictions": [...]}}: one value per row for a model with one output,
   * otherwise one record {@code {output: value}} per row, as MLflow writes a series and a data
   * frame.
   */
  public byte[] encodeResponse(Batch outputs) {
    ObjectNode response = Json.object();
    ArrayNode predictions = response.putArray("predictions");
    boolean single = outputs.columns().size() == 1;
    for (int row = 0; row < outputs.rowCount(); row++) {
      if (single) {
        predictions.add(OutputValues.json(outputs.column(0), row));
      } else {
        ObjectNode record = predictions.addObject();
        for (Column column : outputs.columns()) {
          record.set(column.field().name(), OutputValues.json(column, row));
        }
      }
    }
    return Json.write(response);
  }
}
