package dev.tend.serving.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The same typed rows written in every accepted shape (Tend's three, MLflow's four and their
 * variants, Open Inference columns and matrix) decode to the same batch, equal to the rows.
 */
class ProtocolEquivalenceTest {
  record Case(List<Field> fields, List<List<?>> rows) {}

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<List<ValueType>> types =
        Arbitraries.of(ValueType.class).list().ofMinSize(1).ofMaxSize(5);
    Arbitrary<List<ValueType>> uniform =
        Combinators.combine(Arbitraries.of(ValueType.class), Arbitraries.integers().between(1, 4))
            .as((type, n) -> java.util.Collections.nCopies(n, type));
    return Arbitraries.oneOf(types, uniform)
        .flatMap(
            typeList -> {
              List<Field> fields = new ArrayList<>();
              for (int i = 0; i < typeList.size(); i++) {
                // names that need escaping in JSON and in messages
                fields.add(Field.of(i % 2 == 0 ? "f" + i : "f \"" + i + "\" ü", typeList.get(i)));
              }
              Arbitrary<List<?>> row = rowOf(typeList);
              return row.list().ofMinSize(1).ofMaxSize(12).map(rows -> new Case(fields, rows));
            });
  }

  private static Arbitrary<List<?>> rowOf(List<ValueType> types) {
    List<Arbitrary<Object>> values = types.stream().map(ProtocolEquivalenceTest::valueOf).toList();
    return Combinators.combine(values).as(list -> list);
  }

  private static Arbitrary<Object> valueOf(ValueType type) {
    Arbitrary<Object> values =
        switch (type) {
          case BOOLEAN -> Arbitraries.of(true, false).map(Object.class::cast);
          case INTEGER ->
              Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-3, 3))
                  .map(Object.class::cast);
          case DOUBLE ->
              Arbitraries.oneOf(
                      Arbitraries.doubles(),
                      Arbitraries.of(0.0, -0.0, 1e-300, 4.9e-324, Double.MAX_VALUE, 2.0, -7.5))
                  .map(Object.class::cast);
          case STRING ->
              Arbitraries.oneOf(
                      Arbitraries.strings()
                          .alpha()
                          .numeric()
                          .withChars(" \"\\é😀\n")
                          .ofMaxLength(8),
                      Arbitraries.of("NaN", "12", "true", ""))
                  .map(Object.class::cast);
          case DATE ->
              Arbitraries.longs()
                  .between(-200_000, 200_000)
                  .map(day -> (Object) LocalDate.ofEpochDay(day));
          case TIMESTAMP ->
              Combinators.combine(
                      Arbitraries.longs().between(-5_000_000_000L, 5_000_000_000L),
                      Arbitraries.integers().between(0, 999_999_999))
                  .as((s, n) -> (Object) Instant.ofEpochSecond(s, n));
        };
    return Arbitraries.frequencyOf(Tuple.of(8, values), Tuple.of(1, Arbitraries.just(null)));
  }

  @Property(tries = 300)
  void everyShapeDecodesToTheSameBatch(@ForAll("cases") Case c) {
    ServingSignature signature = new ServingSignature(c.fields(), List.of());
    Batch expected = Batch.ofRows(c.fields(), c.rows());
    Map<String, byte[]> bodies = Encodings.all(c.fields(), c.rows());
    for (Map.Entry<String, byte[]> body : bodies.entrySet()) {
      RequestDecoder decoder = decoderFor(body.getKey(), signature);
      PredictRequest request = decoder.decodeRequest(body.getValue());
      assertThat(request.inputs()).as(body.getKey()).isEqualTo(expected);
      assertThat(request.predictionIds()).hasSize(c.rows().size());
    }
  }

  private static RequestDecoder decoderFor(String shape, ServingSignature signature) {
    if (shape.startsWith("tend")) {
      return new TendCodec(signature, DecodeLimits.DEFAULT);
    }
    if (shape.startsWith("mlflow")) {
      return new MlflowCodec(signature, DecodeLimits.DEFAULT);
    }
    return new OpenInferenceCodec(signature, DecodeLimits.DEFAULT);
  }

  @Property(tries = 200)
  void openInferenceResponsesRoundTrip(@ForAll("cases") Case c) {
    ServingSignature signature =
        new ServingSignature(List.of(Field.of("x", ValueType.DOUBLE)), c.fields());
    OpenInferenceCodec codec = new OpenInferenceCodec(signature, DecodeLimits.DEFAULT);
    PredictRequest request =
        codec.decodeRequest(
            Encodings.bytes(
                "{\"id\": \"r-9\", \"inputs\": [{\"name\": \"x\", \"shape\": [1],"
                    + " \"datatype\": \"FP64\", \"data\": [1]}]}"));
    Batch outputs = Batch.ofRows(c.fields(), c.rows());
    byte[] response = codec.encodeResponse(request, "model", java.util.Optional.of("2"), outputs);
    InferResponse decoded = codec.decodeResponse(response, c.fields());
    assertThat(decoded.outputs()).isEqualTo(outputs);
    assertThat(decoded.id()).contains("r-9");
    assertThat(decoded.modelName()).isEqualTo("model");
    assertThat(decoded.modelVersion()).contains("2");
  }
}
