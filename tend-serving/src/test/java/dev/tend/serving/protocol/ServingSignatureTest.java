package dev.tend.serving.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.schema.DataType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Signatures map from the logical types training and the registry record, and refuse nonsense. */
class ServingSignatureTest {
  @Test
  void mapsEveryLogicalTypeButOther() {
    for (DataType type : DataType.values()) {
      if (type == DataType.OTHER) {
        assertThat(ValueType.of(type)).isEmpty();
        assertThatThrownBy(() -> Field.of("blob", type))
            .hasMessage("field 'blob' has type other, which serving cannot check");
      } else {
        assertThat(ValueType.of(type).orElseThrow().name()).isEqualTo(type.name());
      }
    }
  }

  @Test
  void parsesRegistryTypeNames() {
    assertThat(ValueType.parse("long")).contains(ValueType.INTEGER);
    assertThat(ValueType.parse("float")).contains(ValueType.DOUBLE);
    assertThat(ValueType.parse("str")).contains(ValueType.STRING);
    assertThat(ValueType.parse("datetime")).contains(ValueType.TIMESTAMP);
    assertThat(ValueType.parse("tensor<float32>")).isEmpty();
  }

  @Test
  void refusesDuplicateAndEmptySignatures() {
    Field x = Field.of("x", ValueType.DOUBLE);
    assertThatThrownBy(() -> new ServingSignature(List.of(x, x), List.of()))
        .hasMessage("duplicate input 'x'");
    assertThatThrownBy(() -> new ServingSignature(List.of(), List.of()))
        .hasMessage("a serving signature needs at least one input");
    assertThatThrownBy(() -> Field.of("s", ValueType.STRING).allowingNonFinite())
        .hasMessage("field 's': only a double can allow NaN and infinities, not string");
    assertThat(new ServingSignature(List.of(x), List.of()).inputIndex("x")).contains(0);
  }

  @Test
  void columnsRefuseReadsOfTheWrongTypeOrOfMissingValues() {
    Batch batch =
        Batch.ofRows(
            List.of(Field.of("n", ValueType.INTEGER)),
            java.util.Arrays.asList(List.of(3L), java.util.Collections.singletonList(null)));
    Column n = batch.column(0);
    assertThat(n.getLong(0)).isEqualTo(3);
    assertThat(n.asDouble(0)).isEqualTo(3.0);
    assertThat(n.asDouble(1)).isNaN();
    assertThat(n.missingCount()).isEqualTo(1);
    assertThatThrownBy(() -> n.getDouble(0)).hasMessage("field 'n' is integer, not double");
    assertThatThrownBy(() -> n.getLong(1))
        .hasMessage("row 1, field 'n' is missing; check isMissing first");
    assertThat(batch.row(1)).containsExactly((Object) null);
  }

  @Test
  void errorCodesHaveStableSlugs() {
    assertThat(ErrorCode.MISSING_FIELD.slug()).isEqualTo("missing-field");
    assertThat(ErrorCode.BATCH_SIZE.slug()).isEqualTo("batch-size");
  }
}
