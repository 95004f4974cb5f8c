package dev.tend.serving.protocol;

import static dev.tend.serving.protocol.Encodings.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Requests and responses as the protocols' own documents show them (MLflow's "Deploy MLflow models"
 * scoring examples, the Open Inference REST spec's inference example), written out by hand from the
 * text, and the exact bytes Tend answers with.
 */
class ProtocolGoldenTest {
  private static final List<Field> ABC =
      List.of(
          Field.of("a", ValueType.INTEGER),
          Field.of("b", ValueType.INTEGER),
          Field.of("c", ValueType.INTEGER));
  private static final ServingSignature SIGNATURE =
      new ServingSignature(ABC, List.of(Field.of("prediction", ValueType.DOUBLE)));
  private static final Batch EXPECTED =
      Batch.ofRows(ABC, List.of(List.of(1L, 2L, 3L), List.of(4L, 5L, 6L)));

  private final MlflowCodec mlflow = new MlflowCodec(SIGNATURE, DecodeLimits.DEFAULT);

  private static String text(byte[] body) {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Test
  void mlflowDocumentedRequests() {
    List<String> bodies =
        List.of(
            "{\"dataframe_split\": {\"columns\": [\"a\", \"b\", \"c\"], \"data\": [[1, 2, 3], [4,"
                + " 5, 6]]}}",
            "{\"dataframe_split\": {\"index\": [0, 1], \"columns\": [\"a\", \"b\", \"c\"],"
                + " \"data\": [[1, 2, 3], [4, 5, 6]]}}",
            "{\"dataframe_records\": [{\"a\": 1, \"b\": 2, \"c\": 3}, {\"a\": 4, \"b\": 5, \"c\":"
                + " 6}]}",
            "{\"instances\": [{\"a\": 1, \"b\": 2, \"c\": 3}, {\"a\": 4, \"b\": 5, \"c\": 6}]}",
            "{\"inputs\": {\"a\": [1, 4], \"b\": [2, 5], \"c\": [3, 6]}}",
            "{\"inputs\": [[1, 2, 3], [4, 5, 6]]}");
    for (String body : bodies) {
      assertThat(mlflow.decodeRequest(bytes(body)).inputs()).as(body).isEqualTo(EXPECTED);
    }
  }

  @Test
  void mlflowParamsAreRecorded() {
    PredictRequest request =
        mlflow.decodeRequest(
            bytes(
                "{\"inputs\": {\"a\": 1, \"b\": 2, \"c\": 3}, \"params\": {\"max_tokens\": 100,"
                    + " \"stop\": [\".\"]}}"));
    assertThat(request.shape()).isEqualTo(RequestShape.MLFLOW_INPUTS);
    assertThat(request.inputs()).isEqualTo(Batch.ofRows(ABC, List.of(List.of(1L, 2L, 3L))));
    assertThat(request.parameters()).isEqualTo(Map.of("max_tokens", 100, "stop", List.of(".")));
  }

  @Test
  void openInferenceSpecExample() {
    // the spec's two-input example, its UINT32 [2, 2] tensor read as the rows of a two-input model
    ServingSignature two =
        new ServingSignature(
            List.of(Field.of("x0", ValueType.INTEGER), Field.of("x1", ValueType.INTEGER)),
            List.of(Field.of("output0", ValueType.DOUBLE)));
    OpenInferenceCodec codec = new OpenInferenceCodec(two, DecodeLimits.DEFAULT);
    String body =
        """
        {
          "id" : "42",
          "inputs" : [
            {
              "name" : "input0",
              "shape" : [ 2, 2 ],
              "datatype" : "UINT32",
              "data" : [ 1, 2, 3, 4 ]
            }
          ],
          "outputs" : [
            {
              "name" : "output0"
            }
          ]
        }
        """;
    PredictRequest request = codec.decodeRequest(bytes(body));
    assertThat(request.shape()).isEqualTo(RequestShape.OPEN_INFERENCE_MATRIX);
    assertThat(request.id()).contains("42");
    assertThat(request.requestedOutputs()).containsExactly("output0");
    assertThat(request.inputs())
        .isEqualTo(Batch.ofRows(two.inputs(), List.of(List.of(1L, 2L), List.of(3L, 4L))));

    Batch outputs = Batch.ofRows(two.outputs(), List.of(List.of(1.0), List.of(2.1)));
    byte[] response = codec.encodeResponse(request, "mymodel", Optional.of("3"), outputs);
    assertThat(text(response))
        .isEqualTo(
            "{\"model_name\":\"mymodel\",\"model_version\":\"3\",\"id\":\"42\",\"outputs\":"
                + "[{\"name\":\"output0\",\"shape\":[2],\"datatype\":\"FP64\",\"data\":[1.0,2.1]}]}");
    InferResponse decoded = codec.decodeResponse(response, two.outputs());
    assertThat(decoded.outputs()).isEqualTo(outputs);
    assertThat(decoded.id()).contains("42");
    assertThat(decoded.modelVersion()).contains("3");
  }

  @Test
  void openInferenceResponseKeepsRequestedOutputsInOrder() {
    List<Field> outs =
        List.of(
            Field.of("label", ValueType.STRING),
            Field.of("probability", ValueType.DOUBLE),
            Field.of("flag", ValueType.BOOLEAN));
    ServingSignature signature = new ServingSignature(ABC, outs);
    OpenInferenceCodec codec = new OpenInferenceCodec(signature, DecodeLimits.DEFAULT);
    PredictRequest request =
        codec.decodeRequest(
            bytes(
                "{\"inputs\": [{\"name\": \"m\", \"shape\": [1, 3], \"datatype\": \"INT64\","
                    + " \"data\": [[1, 2, 3]]}], \"outputs\": [{\"name\": \"flag\"}, {\"name\":"
                    + " \"probability\"}]}"));
    Batch outputs =
        Batch.ofRows(
            outs, java.util.Arrays.asList(java.util.Arrays.asList("yes", Double.NaN, null)));
    assertThat(text(codec.encodeResponse(request, "m", Optional.empty(), outputs)))
        .isEqualTo(
            "{\"model_name\":\"m\",\"outputs\":[{\"name\":\"flag\",\"shape\":[1],\"datatype\":"
                + "\"BOOL\",\"data\":[null]},{\"name\":\"probability\",\"shape\":[1],\"datatype\":"
                + "\"FP64\",\"data\":[\"NaN\"]}]}");
  }

  @Test
  void mlflowResponses() {
    Batch single = Batch.ofRows(SIGNATURE.outputs(), List.of(List.of(0.25), List.of(0.5)));
    assertThat(text(mlflow.encodeResponse(single))).isEqualTo("{\"predictions\":[0.25,0.5]}");
    List<Field> two =
        List.of(Field.of("label", ValueType.INTEGER), Field.of("p", ValueType.DOUBLE));
    Batch records = Batch.ofRows(two, List.of(List.of(1L, 0.75)));
    assertThat(text(mlflow.encodeResponse(records)))
        .isEqualTo("{\"predictions\":[{\"label\":1,\"p\":0.75}]}");
  }

  @Test
  void tendResponses() {
    TendCodec tend = new TendCodec(SIGNATURE, DecodeLimits.DEFAULT);
    PredictRequest single =
        tend.decodeRequest(bytes("{\"id\": \"p-1\", \"inputs\": {\"a\": 1, \"b\": 2, \"c\": 3}}"));
    assertThat(single.predictionIds()).containsExactly(Optional.of("p-1"));
    Batch one = Batch.ofRows(SIGNATURE.outputs(), List.of(List.of(0.25)));
    assertThat(text(tend.encodeResponse(single, one, List.of("p-1"), "fares", "7")))
        .isEqualTo(
            "{\"id\":\"p-1\",\"model\":\"fares\",\"version\":\"7\",\"outputs\":{\"prediction\":0.25}}");

    PredictRequest batch =
        tend.decodeRequest(
            bytes(
                "{\"rows\": [{\"id\": \"p-1\", \"inputs\": {\"a\": 1, \"b\": 2, \"c\": 3}},"
                    + " {\"inputs\": {\"a\": 4, \"b\": 5, \"c\": 6}}]}"));
    assertThat(batch.inputs()).isEqualTo(EXPECTED);
    Batch twoRows = Batch.ofRows(SIGNATURE.outputs(), List.of(List.of(0.25), List.of(0.5)));
    assertThat(text(tend.encodeResponse(batch, twoRows, List.of("p-1", "gen-2"), "fares", "7")))
        .isEqualTo(
            "{\"model\":\"fares\",\"version\":\"7\",\"predictions\":[{\"id\":\"p-1\",\"outputs\":"
                + "{\"prediction\":0.25}},{\"id\":\"gen-2\",\"outputs\":{\"prediction\":0.5}}]}");
  }

  @Test
  void openInferenceResponsesCarryNonFiniteDoublesAsStrings() {
    List<Field> outs = List.of(Field.of("score", ValueType.DOUBLE));
    OpenInferenceCodec codec =
        new OpenInferenceCodec(new ServingSignature(ABC, outs), DecodeLimits.DEFAULT);
    PredictRequest request = fourRows(codec);
    Batch outputs =
        Batch.ofRows(
            outs,
            java.util.Arrays.asList(
                List.of(Double.NaN),
                List.of(Double.POSITIVE_INFINITY),
                List.of(Double.NEGATIVE_INFINITY),
                java.util.Collections.singletonList(null)));
    byte[] response = codec.encodeResponse(request, "m", Optional.empty(), outputs);
    assertThat(text(response)).contains("\"data\":[\"NaN\",\"Infinity\",\"-Infinity\",null]");
    assertThat(codec.decodeResponse(response, outs).outputs()).isEqualTo(outputs);
  }

  private static PredictRequest fourRows(OpenInferenceCodec codec) {
    return codec.decodeRequest(
        bytes(
            "{\"inputs\": [{\"name\": \"a\", \"shape\": [4], \"datatype\": \"INT8\", \"data\":"
                + " [1, 2, 3, 4]}, {\"name\": \"b\", \"shape\": [4], \"datatype\": \"UINT8\","
                + " \"data\": [1, 2, 3, 4]}, {\"name\": \"c\", \"shape\": [4, 1], \"datatype\":"
                + " \"INT16\", \"data\": [[1], [2], [3], [4]]}]}"));
  }

  @Test
  void aOneInputModelTakesALoneTensorOfAnyName() {
    ServingSignature one =
        new ServingSignature(List.of(Field.of("text", ValueType.STRING)), List.of());
    OpenInferenceCodec codec = new OpenInferenceCodec(one, DecodeLimits.DEFAULT);
    Batch expected = Batch.ofRows(one.inputs(), List.of(List.of("a"), List.of("b")));
    for (String shape : List.of("[2]", "[2, 1]")) {
      PredictRequest request =
          codec.decodeRequest(
              bytes(
                  "{\"inputs\": [{\"name\": \"input-0\", \"shape\": "
                      + shape
                      + ", \"datatype\": \"BYTES\", \"data\": [\"a\", \"b\"]}]}"));
      assertThat(request.inputs()).as(shape).isEqualTo(expected);
      assertThat(request.shape()).isEqualTo(RequestShape.OPEN_INFERENCE_MATRIX);
    }
  }
}
