package dev.tend.serving.protocol;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Open Inference Protocol (KServe V2) over REST: the inference request {@code {"id"?,
 * "parameters"?, "inputs": [tensor, ...], "outputs"?}} and response {@code {"model_name",
 * "model_version"?, "id"?, "parameters"?, "outputs": [tensor, ...]}}, each tensor {@code {"name",
 * "shape", "datatype", "parameters"?, "data"}} with data in row-major order, flat or nested.
 *
 * <p>A request gives either one tensor per signature input, named after it, of shape {@code [N]} or
 * {@code [N, 1]}; or a single tensor of shape {@code [N, F]} whose columns are the signature's
 * inputs in order. Immutable and thread-safe.
 */
public final class OpenInferenceCodec implements RequestDecoder {
  private static final Set<String> REQUEST_KEYS = Set.of("id", "parameters", "inputs", "outputs");
  private static final Set<String> RESPONSE_KEYS =
      Set.of("model_name", "model_version", "id", "parameters", "outputs");
  private static final Set<String> TENSOR_KEYS =
      Set.of("name", "shape", "datatype", "parameters", "data");

  private final ServingSignature signature;
  private final DecodeLimits limits;

  public OpenInferenceCodec(ServingSignature signature, DecodeLimits limits) {
    this.signature = requireNonNull(signature, "signature is null");
    this.limits = requireNonNull(limits, "limits is null");
  }

  /** One tensor of a request or response, its data flattened in row-major order. */
  private record Tensor(String name, long[] shape, TensorDatatype datatype, List<JsonNode> data) {}

  @Override
  public PredictRequest decodeRequest(byte[] body) {
    ObjectNode request =
        Json.requireObject(
            Json.parse(body), "an inference request must be a JSON object {\"inputs\": [...]}");
    checkKeys(request, REQUEST_KEYS, "the inference request");
    Optional<String> id = optionalString(request.get("id"), "id");
    Map<String, Object> parameters = Json.parameters(request.get("parameters"), "parameters");
    JsonNode inputsNode = request.get("inputs");
    if (inputsNode == null) {
      throw new MalformedRequestException(
          ErrorCode.BAD_ENVELOPE, "the inference request has no \"inputs\"");
    }
    List<Tensor> tensors = tensors(inputsNode, "inputs");
    List<String> requested = requestedOutputs(request.get("outputs"));
    RequestShape shape;
    Batch batch;
    if (isMatrix(tensors)) {
      shape = RequestShape.OPEN_INFERENCE_MATRIX;
      batch = matrix(tensors.getFirst());
    } else {
      shape = RequestShape.OPEN_INFERENCE_COLUMNS;
      batch = columns(tensors, signature.inputs(), "input");
    }
    return new PredictRequest(
        shape,
        id,
        batch,
        Collections.nCopies(batch.rowCount(), Optional.empty()),
        parameters,
        requested);
  }

  private boolean isMatrix(List<Tensor> tensors) {
    if (tensors.size() != 1) {
      return false;
    }
    Tensor tensor = tensors.getFirst();
    boolean named = signature.inputIndex(tensor.name()).isPresent();
    return !named || (tensor.shape().length == 2 && tensor.shape()[1] > 1);
  }

  private Batch matrix(Tensor tensor) {
    List<Field> fields = signature.inputs();
    int width = fields.size();
    // a model with one input also takes a lone tensor of shape [N], whatever its name
    boolean vector = width == 1 && tensor.shape().length == 1;
    if (!vector && (tensor.shape().length != 2 || tensor.shape()[1] != width)) {
      throw SignatureViolationException.field(
          ErrorCode.BAD_SHAPE,
          tensor.name(),
          "tensor '"
              + tensor.name()
              + "' has shape "
              + Arrays.toString(tensor.shape())
              + "; a single tensor must have shape [N, "
              + width
              + "] with columns "
              + fields.stream().map(Field::name).toList()
              + ", or send one tensor per input named after it");
    }
    for (Field field : fields) {
      checkSuits(tensor, field);
    }
    int rows = rowCount(tensor);
    List<ColumnBuilder> builders = new ArrayList<>();
    for (Field field : fields) {
      builders.add(new ColumnBuilder(field, rows));
    }
    for (int row = 0; row < rows; row++) {
      for (int column = 0; column < width; column++) {
        JsonNode element = tensor.data().get(row * width + column);
        String where = " (tensor '" + tensor.name() + "' at [" + row + ", " + column + "])";
        ColumnBuilder builder = builders.get(column);
        tensor.datatype().checkElement(element, builder, row, where);
        builder.set(row, element, where);
      }
    }
    return Batch.of(builders.stream().map(ColumnBuilder::build).toList());
  }

  private Batch columns(List<Tensor> tensors, List<Field> fields, String kind) {
    Map<String, Tensor> byName = new LinkedHashMap<>();
    Set<String> known = new HashSet<>();
    fields.forEach(field -> known.add(field.name()));
    for (Tensor tensor : tensors) {
      if (!known.contains(tensor.name())) {
        throw SignatureViolationException.field(
            ErrorCode.UNKNOWN_FIELD,
            tensor.name(),
            "tensor '"
                + tensor.name()
                + "': the model has no such "
                + kind
                + "; its "
                + kind
                + "s are "
                + fields.stream().map(Field::name).toList());
      }
      if (byName.put(tensor.name(), tensor) != null) {
        throw SignatureViolationException.field(
            ErrorCode.BAD_ENVELOPE, tensor.name(), "tensor '" + tensor.name() + "' is given twice");
      }
    }
    Tensor first = null;
    for (Field field : fields) {
      Tensor tensor = byName.get(field.name());
      if (tensor == null) {
        throw SignatureViolationException.field(
            ErrorCode.MISSING_FIELD,
            field.name(),
            "no tensor for " + kind + " '" + field.name() + "'; send one tensor per " + kind);
      }
      long[] shape = tensor.shape();
      if (!(shape.length == 1 || (shape.length == 2 && shape[1] == 1))) {
        throw SignatureViolationException.field(
            ErrorCode.BAD_SHAPE,
            field.name(),
            "tensor '"
                + field.name()
                + "' has shape "
                + Arrays.toString(shape)
                + "; a tensor per "
                + kind
                + " must have shape [N] or [N, 1]");
      }
      if (first == null) {
        first = tensor;
      } else if (shape[0] != first.shape()[0]) {
        throw SignatureViolationException.field(
            ErrorCode.RAGGED,
            field.name(),
            "tensor '"
                + field.name()
                + "' has "
                + shape[0]
                + " rows, but tensor '"
                + first.name()
                + "' has "
                + first.shape()[0]
                + "; all tensors must have the same first dimension");
      }
      checkSuits(tensor, field);
    }
    int rows = rowCount(first);
    List<Column> columns = new ArrayList<>();
    for (Field field : fields) {
      Tensor tensor = byName.get(field.name());
      ColumnBuilder builder = new ColumnBuilder(field, rows);
      for (int row = 0; row < rows; row++) {
        JsonNode element = tensor.data().get(row);
        tensor.datatype().checkElement(element, builder, row, "");
        builder.set(row, element, "");
      }
      columns.add(builder.build());
    }
    return Batch.of(columns);
  }

  private int rowCount(Tensor tensor) {
    long rows = tensor.shape()[0];
    BatchSizeException.check(rows, limits);
    return (int) rows;
  }

  private static void checkSuits(Tensor tensor, Field field) {
    if (!tensor.datatype().suits(field.type())) {
      throw SignatureViolationException.field(
          ErrorCode.BAD_DATATYPE,
          field.name(),
          "tensor '"
              + tensor.name()
              + "' has datatype "
              + tensor.datatype()
              + ", which cannot hold field '"
              + field.name()
              + "' of type "
              + field.type().label()
              + "; send "
              + TensorDatatype.of(field.type()));
    }
  }

  private List<Tensor> tensors(JsonNode node, String what) {
    if (!(node instanceof ArrayNode array)) {
      throw new MalformedRequestException(
          ErrorCode.BAD_ENVELOPE,
          "\"" + what + "\" must be an array of tensors, got " + Json.describe(node));
    }
    if (array.isEmpty()) {
      throw new MalformedRequestException(ErrorCode.BAD_ENVELOPE, "\"" + what + "\" is empty");
    }
    List<Tensor> tensors = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      tensors.add(tensor(array.get(i), what + "[" + i + "]"));
    }
    return tensors;
  }

  private Tensor tensor(JsonNode node, String what) {
    if (!node.isObject()) {
      throw new MalformedRequestException(
          ErrorCode.BAD_ENVELOPE,
          what
              + " must be a tensor object {name, shape, datatype, data}, got "
              + Json.describe(node));
    }
    JsonNode nameNode = node.get("name");
    if (nameNode == null || !nameNode.isTextual()) {
      throw new MalformedRequestException(
          ErrorCode.BAD_ENVELOPE,
          what
              + " needs a \"name\" string, got "
              + (nameNode == null ? "none" : Json.describe(nameNode)));
    }
    String name = nameNode.textValue();
    String tensorWhat = "tensor '" + name + "'";
    checkKeys(node, TENSOR_KEYS, tensorWhat);
    for (String key : List.of("shape", "datatype", "data")) {
      if (!node.has(key)) {
        throw SignatureViolationException.field(
            ErrorCode.BAD_ENVELOPE, name, tensorWhat + " has no \"" + key + "\"");
      }
    }
    JsonNode datatypeNode = node.get("datatype");
    TensorDatatype datatype =
        Optional.ofNullable(datatypeNode.isTextual() ? datatypeNode.textValue() : null)
            .flatMap(TensorDatatype::parse)
            .orElseThrow(
                () ->
                    SignatureViolationException.field(
                        ErrorCode.BAD_DATATYPE,
                        name,
                        tensorWhat
                            + " has datatype "
                            + (datatypeNode.isTextual()
                                ? Json.quote(datatypeNode.textValue())
                                : Json.describe(datatypeNode))
                            + ", which is not one of the protocol's datatypes "
                            + Arrays.toString(TensorDatatype.values())));
    long[] shape = shape(node.get("shape"), name, tensorWhat);
    if (shape.length == 0) {
      throw SignatureViolationException.field(
          ErrorCode.BAD_SHAPE,
          name,
          tensorWhat + " has shape []; its first dimension must be the number of rows");
    }
    if (shape[0] > limits.maxRows() || shape[0] == 0) {
      BatchSizeException.check(shape[0], limits);
    }
    long elements;
    try {
      elements = Arrays.stream(shape).reduce(1, Math::multiplyExact);
    } catch (ArithmeticException e) {
      elements = Long.MAX_VALUE;
    }
    List<JsonNode> data = new ArrayList<>();
    JsonNode dataNode = node.get("data");
    if (!dataNode.isArray()) {
      throw SignatureViolationException.field(
          ErrorCode.BAD_SHAPE,
          name,
          tensorWhat + "'s data must be an array, got " + Json.describe(dataNode));
    }
    boolean nested = dataNode.size() > 0 && dataNode.get(0).isArray();
    if (nested) {
      flattenNested(dataNode, shape, 0, data, name, tensorWhat);
    } else {
      for (JsonNode element : dataNode) {
        if (element.isArray() || element.isObject()) {
          throw SignatureViolationException.field(
              ErrorCode.BAD_SHAPE,
              name,
              tensorWhat + "'s data mixes single values and " + Json.describe(element) + "s");
        }
        data.add(element);
      }
    }
    if (data.size() != elements) {
      throw SignatureViolationException.field(
          ErrorCode.BAD_SHAPE,
          name,
          tensorWhat
              + " has shape "
              + Arrays.toString(shape)
              + ", which holds "
              + (elements == Long.MAX_VALUE ? "too many" : String.valueOf(elements))
              + " elements, but its data has "
              + data.size());
    }
    return new Tensor(name, shape, datatype, data);
  }

  private static void flattenNested(
      JsonNode node, long[] shape, int depth, List<JsonNode> out, String name, String what) {
    if (depth == shape.length) {
      if (node.isArray() || node.isObject()) {
        throw SignatureViolationException.field(
            ErrorCode.BAD_SHAPE,
            name,
            what + "'s data nests deeper than its shape " + Arrays.toString(shape));
      }
      out.add(node);
      return;
    }
    if (!node.isArray() || node.size() != shape[depth]) {
      throw SignatureViolationException.field(
          ErrorCode.BAD_SHAPE,
          name,
          what
              + "'s nested data does not match its shape "
              + Arrays.toString(shape)
              + ": dimension "
              + depth
              + " should have "
              + shape[depth]
              + " elements, got "
              + (node.isArray() ? node.size() + " elements" : Json.describe(node)));
    }
    for (JsonNode child : node) {
      flattenNested(child, shape, depth + 1, out, name, what);
    }
  }

  private static long[] shape(JsonNode node, String name, String what) {
    if (!node.isArray()) {
      throw SignatureViolationException.field(
          ErrorCode.BAD_SHAPE,
          name,
          what + "'s shape must be an array of sizes, got " + Json.describe(node));
    }
    long[] shape = new long[node.size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode size = node.get(i);
      if (!size.isIntegralNumber() || !size.canConvertToLong() || size.longValue() < 0) {
        throw SignatureViolationException.field(
            ErrorCode.BAD_SHAPE,
            name,
            what + "'s shape must hold sizes of 0 or more, got " + Json.describe(size));
      }
      shape[i] = size.longValue();
    }
    return shape;
  }

  private List<String> requestedOutputs(JsonNode node) {
    if (node == null) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new MalformedRequestException(
          ErrorCode.BAD_ENVELOPE,
          "\"outputs\" must be an array of {\"name\"}, got " + Json.describe(node));
    }
    List<String> known = signature.outputs().stream().map(Field::name).toList();
    List<String> names = new ArrayList<>();
    for (JsonNode output : node) {
      JsonNode name = output.get("name");
      if (!output.isObject() || name == null || !name.isTextual()) {
        throw new MalformedRequestException(
            ErrorCode.BAD_ENVELOPE,
            "each requested output must be {\"name\": ..., \"parameters\"?: {...}}, got "
                + Json.describe(output));
      }
      checkKeys(
          output, Set.of("name", "parameters"), "requested output '" + name.textValue() + "'");
      if (!known.contains(name.textValue())) {
        throw SignatureViolationException.field(
            ErrorCode.UNKNOWN_FIELD,
            name.textValue(),
            "requested output '"
                + name.textValue()
                + "' is not one of the model's outputs "
                + known);
      }
      names.add(name.textValue());
    }
    return names;
  }

  private static void checkKeys(JsonNode object, Set<String> allowed, String what) {
    for (String key : Json.names(object)) {
      if (!allowed.contains(key)) {
        throw new MalformedRequestException(
            ErrorCode.BAD_ENVELOPE,
            what
                + " has an unexpected key '"
                + key
                + "'; the protocol allows "
                + allowed.stream().sorted().toList());
      }
    }
  }

  private static Optional<String> optionalString(JsonNode node, String what) {
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      throw new MalformedRequestException(
          ErrorCode.BAD_ENVELOPE, "\"" + what + "\" must be a string, got " + Json.describe(node));
    }
    return Optional.of(node.textValue());
  }

  /**
   * The inference response for a request: its id echoed, and one tensor of shape [N] per output
   * (those the request asked for, in its order, or all), with datatype BOOL, INT64, FP64 or BYTES.
   */
  public byte[] encodeResponse(
      PredictRequest request, String modelName, Optional<String> modelVersion, Batch outputs) {
    requireNonNull(modelName, "modelName is null");
    requireNonNull(modelVersion, "modelVersion is null");
    ObjectNode response = Json.object();
    response.put("model_name", modelName);
    modelVersion.ifPresent(version -> response.put("model_version", version));
    request.id().ifPresent(id -> response.put("id", id));
    ArrayNode tensors = response.putArray("outputs");
    List<Column> columns =
        request.requestedOutputs().isEmpty()
            ? outputs.columns()
            : request.requestedOutputs().stream()
                .map(
                    name ->
                        outputs
                            .column(name)
                            .orElseThrow(
                                () -> new IllegalArgumentException("no output '" + name + "'")))
                .toList();
    for (Column column : columns) {
      ObjectNode tensor = tensors.addObject();
      tensor.put("name", column.field().name());
      tensor.putArray("shape").add(column.size());
      tensor.put("datatype", TensorDatatype.of(column.field().type()).name());
      ArrayNode data = tensor.putArray("data");
      for (int row = 0; row < column.size(); row++) {
        data.add(OutputValues.json(column, row));
      }
    }
    return Json.write(response);
  }

  /**
   * Reads an inference response whose outputs are the given fields, one tensor each; for clients
   * and tests. Doubles may be the strings {@code "NaN"} and {@code "Infinity"}, as responses write
   * them.
   */
  public InferResponse decodeResponse(byte[] body, List<Field> outputFields) {
    if (outputFields.isEmpty()) {
      throw new IllegalArgumentException("no output fields to read");
    }
    ObjectNode response =
        Json.requireObject(Json.parse(body), "an inference response must be a JSON object");
    checkKeys(response, RESPONSE_KEYS, "the inference response");
    JsonNode modelName = response.get("model_name");
    if (modelName == null || !modelName.isTextual()) {
      throw new MalformedRequestException(
          ErrorCode.BAD_ENVELOPE, "the inference response needs a \"model_name\" string");
    }
    List<Field> fields =
        outputFields.stream()
            .map(f -> f.type() == ValueType.DOUBLE ? f.allowingNonFinite() : f)
            .toList();
    JsonNode outputs = response.get("outputs");
    Batch relaxed =
        columns(tensors(outputs == null ? Json.object() : outputs, "outputs"), fields, "output");
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i < outputFields.size(); i++) {
      columns.add(relaxed.column(i).withField(outputFields.get(i)));
    }
    Batch batch = Batch.of(columns);
    return new InferResponse(
        modelName.textValue(),
        optionalString(response.get("model_version"), "model_version"),
        optionalString(response.get("id"), "id"),
        Json.parameters(response.get("parameters"), "parameters"),
        batch);
  }
}
