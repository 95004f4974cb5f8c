package dev.tend.serving.protocol;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Tend's own predict protocol ({@code POST /api/v1/deployments/{name}/predict}). A body is one of:
 *
 * <ul>
 *   <li>{@code {"id"?: "p-1", "inputs": {"field": value, ...}}}: one row;
 *   <li>{@code {"rows": [{"id"?: "p-1", "inputs": {...}}, ...]}}: a batch, each row with an
 *       optional prediction id;
 *   <li>{@code {"instances": [{"field": value, ...}, ...], "ids"?: ["p-1", null, ...]}}: a batch of
 *       plain rows, with optional ids by position.
 * </ul>
 *
 * The response carries every row's prediction id, the client's or one the server generated.
 * Immutable and thread-safe.
 */
public final class TendCodec implements RequestDecoder {
  /** The longest prediction id accepted. */
  public static final int MAX_ID_LENGTH = 200;

  private static final String SHAPES =
      "Tend's predict body is {\"id\"?, \"inputs\": {...}} for one row, {\"rows\": [{\"id\"?,"
          + " \"inputs\": {...}}, ...]} or {\"instances\": [{...}, ...], \"ids\"?: [...]}";

  private final Rows rows;

  public TendCodec(ServingSignature signature, DecodeLimits limits) {
    this.rows = new Rows(requireNonNull(signature, "signature is null"), limits);
  }

  @Override
  public PredictRequest decodeRequest(byte[] body) {
    ObjectNode request = Json.requireObject(Json.parse(body), "expected a JSON object; " + SHAPES);
    List<String> keys = Json.names(request);
    List<String> forms =
        keys.stream().filter(Set.of("inputs", "rows", "instances")::contains).toList();
    if (forms.size() != 1) {
      throw new MalformedRequestException(
          ErrorCode.BAD_ENVELOPE,
          (forms.isEmpty() ? "no rows given" : "both " + String.join(" and ", forms) + " given")
              + "; "
              + SHAPES);
    }
    String form = forms.getFirst();
    Set<String> allowed =
        switch (form) {
          case "inputs" -> Set.of("inputs", "id");
          case "instances" -> Set.of("instances", "ids");
          default -> Set.of("rows");
        };
    for (String key : keys) {
      if (!allowed.contains(key)) {
        throw new MalformedRequestException(
            ErrorCode.BAD_ENVELOPE,
            "unexpected key '" + key + "' beside '" + form + "'; " + SHAPES);
      }
    }
    return switch (form) {
      case "inputs" -> single(request);
      case "instances" -> instances(request);
      default -> rows(request.get("rows"));
    };
  }

  private PredictRequest single(ObjectNode request) {
    JsonNode inputs = request.get("inputs");
    if (!inputs.isObject()) {
      throw new MalformedRequestException(
          ErrorCode.BAD_ENVELOPE,
          "'inputs' must be an object of field values, got " + Json.describe(inputs));
    }
    Optional<String> id = id(request.get("id"), 0, "'id'");
    Batch batch = rows.fromObject(inputs);
    return new PredictRequest(
        RequestShape.TEND_SINGLE, Optional.empty(), batch, List.of(id), Map.of(), List.of());
  }

  private PredictRequest instances(ObjectNode request) {
    List<JsonNode> instances = array(request.get("instances"), "'instances'");
    Batch batch = rows.fromObjects(instances);
    List<Optional<String>> ids = new ArrayList<>();
    JsonNode idsNode = request.get("ids");
    if (idsNode == null) {
      for (int row = 0; row < batch.rowCount(); row++) {
        ids.add(Optional.empty());
      }
    } else {
      List<JsonNode> given = array(idsNode, "'ids'");
      if (given.size() != instances.size()) {
        throw new MalformedRequestException(
            ErrorCode.RAGGED,
            "'ids' has "
                + given.size()
                + " entries for "
                + instances.size()
                + " instances; give one per instance, null where the server should choose");
      }
      for (int row = 0; row < given.size(); row++) {
        ids.add(id(given.get(row), row, "'ids'[" + row + "]"));
      }
    }
    return new PredictRequest(
        RequestShape.TEND_INSTANCES,
        Optional.empty(),
        batch,
        checkUnique(ids),
        Map.of(),
        List.of());
  }

  private PredictRequest rows(JsonNode rowsNode) {
    List<JsonNode> given = array(rowsNode, "'rows'");
    BatchSizeException.check(given.size(), rows.limits());
    List<JsonNode> inputs = new ArrayList<>();
    List<Optional<String>> ids = new ArrayList<>();
    for (int row = 0; row < given.size(); row++) {
      JsonNode entry = given.get(row);
      if (!entry.isObject() || !entry.has("inputs")) {
        throw SignatureViolationException.row(
            ErrorCode.BAD_ENVELOPE,
            row,
            "row " + row + ": expected {\"id\"?, \"inputs\": {...}}, got " + Json.describe(entry));
      }
      for (String key : Json.names(entry)) {
        if (!key.equals("id") && !key.equals("inputs")) {
          throw SignatureViolationException.row(
              ErrorCode.BAD_ENVELOPE,
              row,
              "row "
                  + row
                  + ": unexpected key '"
                  + key
                  + "'; a row has only \"id\" and \"inputs\"");
        }
      }
      inputs.add(entry.get("inputs"));
      ids.add(id(entry.get("id"), row, "row " + row + ", 'id'"));
    }
    Batch batch = rows.fromObjects(inputs);
    return new PredictRequest(
        RequestShape.TEND_ROWS, Optional.empty(), batch, checkUnique(ids), Map.of(), List.of());
  }

  private static List<JsonNode> array(JsonNode node, String what) {
    if (!(node instanceof ArrayNode array)) {
      throw new MalformedRequestException(
          ErrorCode.BAD_ENVELOPE, what + " must be an array, got " + Json.describe(node));
    }
    List<JsonNode> elements = new ArrayList<>(array.size());
    array.forEach(elements::add);
    return elements;
  }

  private static Optional<String> id(JsonNode node, int row, String what) {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual()
        || node.textValue().isBlank()
        || node.textValue().length() > MAX_ID_LENGTH) {
      throw SignatureViolationException.row(
          ErrorCode.BAD_ID,
          row,
          what
              + " must be a non-blank string of at most "
              + MAX_ID_LENGTH
              + " characters, got "
              + Json.describe(node));
    }
    return Optional.of(node.textValue());
  }

  private static List<Optional<String>> checkUnique(List<Optional<String>> ids) {
    Set<String> seen = new HashSet<>();
    for (int row = 0; row < ids.size(); row++) {
      Optional<String> id = ids.get(row);
      if (id.isPresent() && !seen.add(id.get())) {
        throw SignatureViolationException.row(
            ErrorCode.BAD_ID,
            row,
            "row " + row + ": prediction id " + Json.quote(id.get()) + " repeats an earlier row's");
      }
    }
    return ids;
  }

  /**
   * The response: for a single-row request {@code {"id", "model", "version", "outputs": {...}}},
   * otherwise {@code {"model", "version", "predictions": [{"id", "outputs": {...}}, ...]}}.
   *
   * @param predictionIds every row's id, the client's or generated
   */
  public byte[] encodeResponse(
      PredictRequest request,
      Batch outputs,
      List<String> predictionIds,
      String model,
      String version) {
    requireNonNull(model, "model is null");
    requireNonNull(version, "version is null");
    if (outputs.rowCount() != request.inputs().rowCount()
        || predictionIds.size() != outputs.rowCount()) {
      throw new IllegalArgumentException(
          request.inputs().rowCount()
              + " rows in, "
              + outputs.rowCount()
              + " outputs and "
              + predictionIds.size()
              + " ids out");
    }
    ObjectNode response = Json.object();
    if (request.shape() == RequestShape.TEND_SINGLE) {
      response.put("id", predictionIds.getFirst());
      response.put("model", model).put("version", version);
      response.set("outputs", outputsObject(outputs, 0));
    } else {
      response.put("model", model).put("version", version);
      ArrayNode predictions = response.putArray("predictions");
      for (int row = 0; row < outputs.rowCount(); row++) {
        ObjectNode prediction = predictions.addObject();
        prediction.put("id", predictionIds.get(row));
        prediction.set("outputs", outputsObject(outputs, row));
      }
    }
    return Json.write(response);
  }

  private static ObjectNode outputsObject(Batch outputs, int row) {
    ObjectNode values = Json.object();
    for (Column column : outputs.columns()) {
      values.set(column.field().name(), OutputValues.json(column, row));
    }
    return values;
  }
}
