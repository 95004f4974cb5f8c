package dev.tend.serving.protocol;

import static dev.tend.serving.protocol.Encodings.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Every kind of bad request gives its own code and a message naming the row and field. */
class SignatureEnforcementTest {
  private static final ServingSignature SIGNATURE =
      new ServingSignature(
          List.of(
              Field.of("distance", ValueType.DOUBLE),
              Field.of("passengers", ValueType.INTEGER).asRequired(),
              Field.of("shared", ValueType.BOOLEAN),
              Field.of("zone", ValueType.STRING),
              Field.of("day", ValueType.DATE),
              Field.of("pickup", ValueType.TIMESTAMP)),
          List.of(Field.of("fare", ValueType.DOUBLE)));

  private static final String GOOD =
      "\"distance\": 2.5, \"passengers\": 1, \"shared\": false, \"zone\": \"A\","
          + " \"day\": \"2024-03-31\", \"pickup\": \"2024-03-31T12:00:00Z\"";

  private final TendCodec tend = new TendCodec(SIGNATURE, DecodeLimits.DEFAULT);
  private final MlflowCodec mlflow = new MlflowCodec(SIGNATURE, DecodeLimits.DEFAULT);
  private final OpenInferenceCodec v2 = new OpenInferenceCodec(SIGNATURE, DecodeLimits.DEFAULT);

  /** Three records for dataframe_records, the last one's values replaced by {@code third}. */
  private static byte[] records(String third) {
    return bytes("{\"dataframe_records\": [{" + GOOD + "}, {" + GOOD + "}, {" + third + "}]}");
  }

  private static ServingProtocolException error(RequestDecoder decoder, byte[] body) {
    try {
      decoder.decodeRequest(body);
    } catch (ServingProtocolException e) {
      return e;
    }
    throw new AssertionError(
        "accepted " + new String(body, java.nio.charset.StandardCharsets.UTF_8));
  }

  private static void assertError(
      ServingProtocolException e, ErrorCode code, int row, String field, String message) {
    assertThat(e.getMessage()).isEqualTo(message);
    assertThat(e.code()).isEqualTo(code);
    assertThat(e.row()).isEqualTo(row < 0 ? OptionalInt.empty() : OptionalInt.of(row));
    assertThat(e.field()).isEqualTo(Optional.ofNullable(field));
  }

  @Test
  void goodRowsDecode() {
    PredictRequest request = mlflow.decodeRequest(records(GOOD));
    assertThat(request.inputs().rowCount()).isEqualTo(3);
    assertThat(request.inputs().column("pickup").orElseThrow().getTimestamp(2))
        .isEqualTo(java.time.Instant.parse("2024-03-31T12:00:00Z"));
  }

  @Test
  void stringForADouble() {
    ServingProtocolException e =
        error(mlflow, records(GOOD.replace("\"distance\": 2.5", "\"distance\": \"12km\"")));
    assertThat(e).isInstanceOf(SignatureViolationException.class);
    assertError(
        e,
        ErrorCode.WRONG_TYPE,
        2,
        "distance",
        "row 2, field 'distance': expected a number, got the string \"12km\"");
  }

  @Test
  void fractionForAnInteger() {
    assertError(
        error(mlflow, records(GOOD.replace("\"passengers\": 1", "\"passengers\": 1.5"))),
        ErrorCode.WRONG_TYPE,
        2,
        "passengers",
        "row 2, field 'passengers': expected an integer, got the number 1.5");
  }

  @Test
  void wholeNumberWrittenWithAFractionIsAnInteger() {
    PredictRequest request =
        mlflow.decodeRequest(records(GOOD.replace("\"passengers\": 1", "\"passengers\": 3.0")));
    assertThat(request.inputs().column("passengers").orElseThrow().getLong(2)).isEqualTo(3);
  }

  @Test
  void integerOutOfRange() {
    assertError(
        error(
            mlflow,
            records(GOOD.replace("\"passengers\": 1", "\"passengers\": 9223372036854775808"))),
        ErrorCode.WRONG_TYPE,
        2,
        "passengers",
        "row 2, field 'passengers': the number 9223372036854775808 is out of range for a 64-bit"
            + " integer");
  }

  @Test
  void nonBooleanForABoolean() {
    assertError(
        error(mlflow, records(GOOD.replace("\"shared\": false", "\"shared\": 0"))),
        ErrorCode.WRONG_TYPE,
        2,
        "shared",
        "row 2, field 'shared': expected true or false, got the number 0");
    assertError(
        error(mlflow, records(GOOD.replace("\"shared\": false", "\"shared\": \"false\""))),
        ErrorCode.WRONG_TYPE,
        2,
        "shared",
        "row 2, field 'shared': expected true or false, got the string \"false\"");
  }

  @Test
  void numberForAString() {
    assertError(
        error(mlflow, records(GOOD.replace("\"zone\": \"A\"", "\"zone\": 12"))),
        ErrorCode.WRONG_TYPE,
        2,
        "zone",
        "row 2, field 'zone': expected a string, got the number 12");
  }

  @Test
  void badDateAndTimestamp() {
    assertError(
        error(mlflow, records(GOOD.replace("2024-03-31\"", "31/03/2024\""))),
        ErrorCode.WRONG_TYPE,
        2,
        "day",
        "row 2, field 'day': expected an ISO-8601 date such as \"2024-03-31\", got the string"
            + " \"31/03/2024\"");
    assertError(
        error(mlflow, records(GOOD.replace("12:00:00Z", "noon"))),
        ErrorCode.WRONG_TYPE,
        2,
        "pickup",
        "row 2, field 'pickup': expected an ISO-8601 timestamp such as \"2024-03-31T12:00:00Z\","
            + " got the string \"2024-03-31Tnoon\"");
  }

  @Test
  void timestampWithoutOffsetIsUtc() {
    PredictRequest request = mlflow.decodeRequest(records(GOOD.replace("12:00:00Z", "12:00:00")));
    assertThat(request.inputs().column("pickup").orElseThrow().getTimestamp(2))
        .isEqualTo(java.time.Instant.parse("2024-03-31T12:00:00Z"));
  }

  @Test
  void missingField() {
    assertError(
        error(mlflow, records(GOOD.replace("\"zone\": \"A\", ", ""))),
        ErrorCode.MISSING_FIELD,
        2,
        "zone",
        "row 2, field 'zone': missing; every input must be given (send null for a missing value)");
  }

  @Test
  void extraField() {
    assertError(
        error(mlflow, records(GOOD + ", \"tip\": 3")),
        ErrorCode.UNKNOWN_FIELD,
        2,
        "tip",
        "row 2, field 'tip': the model has no such input; its inputs are [distance, passengers,"
            + " shared, zone, day, pickup]");
  }

  @Test
  void nullIsAMissingValueUnlessRequired() {
    PredictRequest request = mlflow.decodeRequest(records(GOOD.replace("2.5", "null")));
    Column distance = request.inputs().column("distance").orElseThrow();
    assertThat(distance.isMissing(2)).isTrue();
    assertThat(distance.asDouble(2)).isNaN();
    assertThat(distance.isMissing(1)).isFalse();
    assertError(
        error(mlflow, records(GOOD.replace("\"passengers\": 1", "\"passengers\": null"))),
        ErrorCode.NULL_NOT_ALLOWED,
        2,
        "passengers",
        "row 2, field 'passengers': got null, but a value is required");
  }

  @Test
  void nanTokensAreNotJson() {
    ServingProtocolException e = error(mlflow, records(GOOD.replace("2.5", "NaN")));
    assertThat(e).isInstanceOf(MalformedRequestException.class);
    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_JSON);
    assertThat(e.getMessage())
        .startsWith("the body is not valid JSON at line 1, column ")
        .endsWith(
            ": NaN and Infinity are not JSON; send null for a missing value or, where the field"
                + " allows them, the strings \"NaN\", \"Infinity\" or \"-Infinity\"");
    assertThat(error(mlflow, records(GOOD.replace("2.5", "-Infinity"))).code())
        .isEqualTo(ErrorCode.MALFORMED_JSON);
  }

  @Test
  void nanStringsOnlyWhereAllowed() {
    assertError(
        error(mlflow, records(GOOD.replace("2.5", "\"NaN\""))),
        ErrorCode.NON_FINITE,
        2,
        "distance",
        "row 2, field 'distance': expected a finite number, got the string \"NaN\"; this field does"
            + " not allow NaN or infinities (send null for a missing value)");
    ServingSignature allowing =
        new ServingSignature(
            List.of(Field.of("x", ValueType.DOUBLE).allowingNonFinite()), List.of());
    Column x =
        new MlflowCodec(allowing, DecodeLimits.DEFAULT)
            .decodeRequest(
                bytes("{\"inputs\": {\"x\": [\"NaN\", \"Infinity\", \"-Infinity\", 1]}}"))
            .inputs()
            .column(0);
    assertThat(x.getDouble(0)).isNaN();
    assertThat(x.getDouble(1)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(x.getDouble(2)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(x.isMissing(0)).isFalse();
  }

  @Test
  void numberBeyondDoubleRange() {
    assertError(
        error(mlflow, records(GOOD.replace("2.5", "1e400"))),
        ErrorCode.NON_FINITE,
        2,
        "distance",
        "row 2, field 'distance': the number is beyond the range of a double (about ±1.8e308)");
  }

  @Test
  void raggedRowsAndColumns() {
    assertError(
        error(
            mlflow,
            bytes(
                "{\"dataframe_split\": {\"columns\": [\"distance\", \"passengers\", \"shared\","
                    + " \"zone\", \"day\", \"pickup\"], \"data\": [[1.0, 1, true, \"A\","
                    + " \"2024-01-01\", \"2024-01-01T00:00:00Z\"], [2.0, 1, true]]}}")),
        ErrorCode.RAGGED,
        1,
        null,
        "row 1 has 3 values, but there are 6 columns: [distance, passengers, shared, zone, day,"
            + " pickup]");
    assertError(
        error(
            mlflow,
            bytes(
                "{\"inputs\": {\"distance\": [1.0, 2.0], \"passengers\": [1], \"shared\": [true,"
                    + " false], \"zone\": [\"A\", \"B\"], \"day\": [null, null], \"pickup\":"
                    + " [null, null]}}")),
        ErrorCode.RAGGED,
        -1,
        "passengers",
        "column 'passengers' has 1 value, but column 'distance' has 2 values; all columns must"
            + " have the same number of rows");
  }

  @Test
  void mlflowEnvelope() {
    assertError(
        error(mlflow, bytes("{\"data\": [[1, 2]]}")),
        ErrorCode.BAD_ENVELOPE,
        -1,
        null,
        "the input must be a JSON object with exactly one of the input fields [dataframe_split,"
            + " dataframe_records, instances, inputs] (and optionally \"params\"); got the fields"
            + " [data]");
    assertThat(error(mlflow, bytes("{\"instances\": [], \"inputs\": []}")).getMessage())
        .endsWith("got the fields [instances, inputs]");
    assertThat(error(mlflow, bytes("{\"instances\": [1, 2]}")).getMessage())
        .isEqualTo(
            "a list of single values fits only a model with one input, but this one takes 6:"
                + " [distance, passengers, shared, zone, day, pickup]; send rows as objects or"
                + " arrays");
    assertError(
        error(mlflow, bytes("{\"inputs\": [{\"distance\": 1}, [1]]}")),
        ErrorCode.RAGGED,
        1,
        null,
        "row 1 of inputs is an array but row 0 is an object; all rows must have one form");
    assertThat(error(mlflow, bytes("[1, 2]")).getMessage())
        .endsWith("(and optionally \"params\"); got an array");
  }

  @Test
  void duplicateKeysAndTrailingContent() {
    assertThat(error(mlflow, bytes("{\"inputs\": {}, \"inputs\": {}}")).getMessage())
        .contains("duplicate key 'inputs'");
    assertThat(error(mlflow, bytes("{\"inputs\": {}} {}")).code())
        .isEqualTo(ErrorCode.MALFORMED_JSON);
    assertThat(error(mlflow, bytes("")).getMessage()).isEqualTo("the body is empty");
    assertThat(error(mlflow, bytes("{\"inputs\": {\"x\": [+1]}}")).getMessage())
        .isEqualTo(
            "the body is not valid JSON at line 1, column 20: Unexpected character ('+' (code 43))"
                + " in numeric value: JSON spec does not allow numbers to have plus signs");
    assertThat(error(mlflow, bytes("[".repeat(1500) + "]".repeat(1500))).getMessage())
        .isEqualTo(
            "the body is not valid JSON: Document nesting depth (1001) exceeds the maximum allowed"
                + " (1000)");
    assertThat(error(mlflow, bytes("{\"inputs\": ")).code()).isEqualTo(ErrorCode.MALFORMED_JSON);
  }

  @Test
  void rowLimit() {
    ServingSignature one =
        new ServingSignature(List.of(Field.of("x", ValueType.DOUBLE)), List.of());
    DecodeLimits three = new DecodeLimits(3);
    ServingProtocolException e =
        error(new MlflowCodec(one, three), bytes("{\"instances\": [1, 2, 3, 4]}"));
    assertThat(e).isInstanceOf(BatchSizeException.class);
    assertError(
        e,
        ErrorCode.BATCH_SIZE,
        -1,
        null,
        "the request carries 4 rows, more than the limit of 3 per request; split it into smaller"
            + " batches");
    assertThat(
            new MlflowCodec(one, three)
                .decodeRequest(bytes("{\"instances\": [1, 2, 3]}"))
                .inputs()
                .rowCount())
        .isEqualTo(3);
    assertThat(
            error(
                    new OpenInferenceCodec(one, three),
                    bytes(
                        "{\"inputs\": [{\"name\": \"x\", \"shape\": [1000000000], \"datatype\": \"FP64\","
                            + " \"data\": [1]}]}"))
                .getMessage())
        .isEqualTo(
            "the request carries 1000000000 rows, more than the limit of 3 per request; split it"
                + " into smaller batches");
    assertThat(error(new TendCodec(one, three), bytes("{\"rows\": []}")).getMessage())
        .isEqualTo("the request carries no rows; send at least one");
    assertThat(DecodeLimits.DEFAULT.maxRows()).isEqualTo(10_000);
  }

  @Test
  void tendIds() {
    ServingSignature one =
        new ServingSignature(List.of(Field.of("x", ValueType.DOUBLE)), List.of());
    TendCodec codec = new TendCodec(one, DecodeLimits.DEFAULT);
    PredictRequest request =
        codec.decodeRequest(
            bytes(
                "{\"rows\": [{\"id\": \"a\", \"inputs\": {\"x\": 1}}, {\"inputs\": {\"x\": 2}}]}"));
    assertThat(request.predictionIds()).containsExactly(Optional.of("a"), Optional.empty());
    request =
        codec.decodeRequest(
            bytes("{\"instances\": [{\"x\": 1}, {\"x\": 2}], \"ids\": [null, \"b\"]}"));
    assertThat(request.predictionIds()).containsExactly(Optional.empty(), Optional.of("b"));
    assertError(
        error(
            codec,
            bytes(
                "{\"rows\": [{\"id\": \"a\", \"inputs\": {\"x\": 1}}, {\"id\": \"a\", \"inputs\": {\"x\": 2}}]}")),
        ErrorCode.BAD_ID,
        1,
        null,
        "row 1: prediction id \"a\" repeats an earlier row's");
    assertError(
        error(codec, bytes("{\"id\": 7, \"inputs\": {\"x\": 1}}")),
        ErrorCode.BAD_ID,
        0,
        null,
        "'id' must be a non-blank string of at most 200 characters, got the number 7");
    assertThat(
            error(codec, bytes("{\"instances\": [{\"x\": 1}], \"ids\": [\"a\", \"b\"]}"))
                .getMessage())
        .isEqualTo(
            "'ids' has 2 entries for 1 instances; give one per instance, null where the server"
                + " should choose");
    assertThat(error(codec, bytes("{\"inputs\": {\"x\": 1}, \"rows\": []}")).getMessage())
        .startsWith("both inputs and rows given; Tend's predict body is");
    assertThat(error(codec, bytes("{\"inputs\": {\"x\": 1}, \"model\": \"m\"}")).getMessage())
        .startsWith("unexpected key 'model' beside 'inputs'; ");
  }

  @Test
  void openInferenceTensorErrors() {
    String others =
        ", {\"name\": \"passengers\", \"shape\": [2], \"datatype\": \"INT32\", \"data\": [1, 2]},"
            + " {\"name\": \"shared\", \"shape\": [2], \"datatype\": \"BOOL\", \"data\": [true,"
            + " false]}, {\"name\": \"zone\", \"shape\": [2], \"datatype\": \"BYTES\", \"data\":"
            + " [\"A\", \"B\"]}, {\"name\": \"day\", \"shape\": [2], \"datatype\": \"BYTES\","
            + " \"data\": [\"2024-01-01\", null]}, {\"name\": \"pickup\", \"shape\": [2, 1],"
            + " \"datatype\": \"BYTES\", \"data\": [[null], [\"2024-01-01T00:00:00+01:00\"]]}]}";
    String distance =
        "{\"inputs\": [{\"name\": \"distance\", \"shape\": %s, \"datatype\": \"%s\", \"data\": %s}";
    byte[] good = bytes(String.format(distance, "[2]", "FP32", "[1.5, 2]") + others);
    assertThat(v2.decodeRequest(good).inputs().rowCount()).isEqualTo(2);
    assertError(
        error(v2, bytes(String.format(distance, "[2]", "FLOAT32", "[1.5, 2]") + others)),
        ErrorCode.BAD_DATATYPE,
        -1,
        "distance",
        "tensor 'distance' has datatype \"FLOAT32\", which is not one of the protocol's datatypes"
            + " [BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64,"
            + " BYTES]");
    assertError(
        error(v2, bytes(String.format(distance, "[2]", "BYTES", "[\"1.5\", \"2\"]") + others)),
        ErrorCode.BAD_DATATYPE,
        -1,
        "distance",
        "tensor 'distance' has datatype BYTES, which cannot hold field 'distance' of type double;"
            + " send FP64");
    assertError(
        error(v2, bytes(String.format(distance, "[3]", "FP32", "[1.5, 2]") + others)),
        ErrorCode.BAD_SHAPE,
        -1,
        "distance",
        "tensor 'distance' has shape [3], which holds 3 elements, but its data has 2");
    assertError(
        error(v2, bytes(String.format(distance, "[1]", "FP32", "[1.5]") + others)),
        ErrorCode.RAGGED,
        -1,
        "passengers",
        "tensor 'passengers' has 2 rows, but tensor 'distance' has 1; all tensors must have the"
            + " same first dimension");
    assertError(
        error(v2, bytes(String.format(distance, "[2, 1]", "FP32", "[[1.5, 2]]") + others)),
        ErrorCode.BAD_SHAPE,
        -1,
        "distance",
        "tensor 'distance''s nested data does not match its shape [2, 1]: dimension 0 should have"
            + " 2 elements, got 1 elements");
    assertError(
        error(v2, bytes(String.format(distance, "[2]", "FP32", "[1.5, 1e39]") + others)),
        ErrorCode.WRONG_TYPE,
        1,
        "distance",
        "row 1, field 'distance': the number 1.0E39 is out of range for datatype FP32");
    assertError(
        error(
            v2,
            bytes(
                String.format(distance, "[2]", "FP32", "[1.5, 2]")
                    + others.replace("[1, 2]", "[1, 3000000000]"))),
        ErrorCode.WRONG_TYPE,
        1,
        "passengers",
        "row 1, field 'passengers': the number 3000000000 is out of range for datatype INT32");
    assertError(
        error(v2, bytes(String.format(distance, "[2]", "INT64", "[1.5, 2]") + others)),
        ErrorCode.WRONG_TYPE,
        0,
        "distance",
        "row 0, field 'distance': expected an integer for datatype INT64, got the number 1.5");
    assertError(
        error(
            v2,
            bytes(
                String.format(distance, "[2]", "FP32", "[1.5, 2]")
                    + others.replace("\"zone\"", "\"area\""))),
        ErrorCode.UNKNOWN_FIELD,
        -1,
        "area",
        "tensor 'area': the model has no such input; its inputs are [distance, passengers, shared,"
            + " zone, day, pickup]");
    assertError(
        error(
            v2,
            bytes(
                others.replace(
                    ", {\"name\": \"passengers\"", "{\"inputs\": [{\"name\": \"passengers\""))),
        ErrorCode.MISSING_FIELD,
        -1,
        "distance",
        "no tensor for input 'distance'; send one tensor per input");
    assertError(
        error(
            v2,
            bytes(
                "{\"inputs\": [{\"name\": \"x\", \"shape\": [2, 5], \"datatype\": \"FP64\", \"data\": [1,2,3,4,5,6,7,8,9,10]}]}")),
        ErrorCode.BAD_SHAPE,
        -1,
        "x",
        "tensor 'x' has shape [2, 5]; a single tensor must have shape [N, 6] with columns"
            + " [distance, passengers, shared, zone, day, pickup], or send one tensor per input"
            + " named after it");
    assertThat(error(v2, bytes("{\"inputs\": [], \"model\": 1}")).getMessage())
        .isEqualTo(
            "the inference request has an unexpected key 'model'; the protocol allows [id, inputs,"
                + " outputs, parameters]");
    assertThat(
            error(
                    v2,
                    bytes(
                        String.format(distance, "[2]", "FP32", "[1.5, 2]")
                            + others.substring(0, others.length() - 1)
                            + ", \"outputs\": [{\"name\": \"tip\"}]}"))
                .getMessage())
        .isEqualTo("requested output 'tip' is not one of the model's outputs [fare]");
  }

  @Test
  void matrixElementsNameTheirPosition() {
    ServingSignature two =
        new ServingSignature(
            List.of(Field.of("a", ValueType.INTEGER), Field.of("b", ValueType.DOUBLE)), List.of());
    OpenInferenceCodec codec = new OpenInferenceCodec(two, DecodeLimits.DEFAULT);
    assertError(
        error(
            codec,
            bytes(
                "{\"inputs\": [{\"name\": \"m\", \"shape\": [2, 2], \"datatype\": \"FP32\", \"data\": [1, 2, 3.5, 4]}]}")),
        ErrorCode.WRONG_TYPE,
        1,
        "a",
        "row 1, field 'a' (tensor 'm' at [1, 0]): expected an integer, got the number 3.5");
  }

  @Test
  void longStringsAreCutInMessages() {
    String longZone = "z".repeat(100);
    assertThat(error(mlflow, records(GOOD.replace("2.5", "\"" + longZone + "\""))).getMessage())
        .isEqualTo(
            "row 2, field 'distance': expected a number, got the string \""
                + "z".repeat(40)
                + "…\" (100 characters)");
  }
}
