package dev.tend.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.schema.DataType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileFormatTest {
  static byte[] resource(String path) throws IOException {
    try (InputStream in = ProfileFormatTest.class.getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      return in.readAllBytes();
    }
  }

  @Test
  void formatVersion1FileStillLoads() throws IOException {
    DatasetProfile read = DatasetProfile.fromBytes(resource("/profile/v1/all-types.tprf"));
    DatasetProfile fresh = ProfileFixtures.allTypes();

    assertThat(read.provenance())
        .isEqualTo(new ProfileProvenance(ProfileFixtures.SOURCE, ProfileFixtures.CREATED_AT, 1));
    assertThat(read.rowCount()).isEqualTo(ProfileFixtures.ROWS);
    assertThat(read.columns())
        .extracting(ColumnProfile::column)
        .containsExactly("i", "d", "s", "b", "day", "ts", "o");
    for (ColumnProfile expected : fresh.columns()) {
      ColumnProfile actual = read.column(expected.column()).orElseThrow();
      ProfileMergePropertiesTest.assertExactFieldsEqual(actual, expected);
      assertThat(actual.type()).isEqualTo(expected.type());
      assertThat(actual.options()).isEqualTo(ProfileFixtures.V1_OPTIONS);
      ColumnSummary a = actual.summary();
      ColumnSummary e = expected.summary();
      assertThat(a.topValues()).isEqualTo(e.topValues());
      assertThat(a.distinct() == null).isEqualTo(e.distinct() == null);
      if (a.distinct() != null) {
        assertThat(a.distinct().estimate())
            .isCloseTo(e.distinct().estimate(), org.assertj.core.api.Assertions.within(1e-6));
      }
      for (double rank : ColumnProfile.SUMMARY_RANKS) {
        if (expected.quantile(rank).isPresent()) {
          double eps = 2 * actual.quantileRankError().getAsDouble();
          double value = actual.quantile(rank).getAsDouble();
          assertThat(expected.rank(value).getAsDouble()).isBetween(rank - 2 * eps, rank + 2 * eps);
        }
      }
    }
    // Spot values a reader can check by hand.
    ColumnProfile integers = read.column("i").orElseThrow();
    assertThat(integers.count()).isEqualTo(9_000);
    assertThat(integers.missing()).isEqualTo(1_000);
    assertThat(integers.minLong()).hasValue(-499);
    assertThat(integers.maxLong()).hasValue(499);
    ColumnProfile doubles = read.column("d").orElseThrow();
    assertThat(doubles.nanCount()).isEqualTo(100);
    assertThat(doubles.infiniteCount()).isEqualTo(100);
    assertThat(doubles.max()).hasValue(9_999 * 0.25);
    assertThat(read.column("s").orElseThrow().emptyCount()).isEqualTo(200);
    assertThat(read.column("b").orElseThrow().trueCount()).isEqualTo(2_222);
    assertThat(read.column("o").orElseThrow().count()).isEqualTo(5_000);

    DatasetProfile merged = read.merge(fresh);
    assertThat(merged.rowCount()).isEqualTo(2L * ProfileFixtures.ROWS);
    assertThat(merged.column("ts").orElseThrow().count())
        .isEqualTo(2 * fresh.column("ts").orElseThrow().count());
  }

  @Test
  void wrongMagicIsRejected() {
    assertThatThrownBy(
            () ->
                DatasetProfile.fromBytes(
                    "PK\u0003\u0004 not a profile"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isInstanceOf(ProfileFormatException.class)
        .hasMessageContaining("not a Tend profile")
        .hasMessageContaining("TPRF");
    assertThatThrownBy(() -> DatasetProfile.fromBytes(new byte[0]))
        .isInstanceOf(ProfileFormatException.class);
  }

  @Test
  void futureVersionIsRejectedWithUpgradeHint() {
    byte[] bytes = ProfileFixtures.allTypes().toBytes();
    ByteBuffer.wrap(bytes).putInt(4, 2);
    assertThatThrownBy(() -> DatasetProfile.fromBytes(bytes))
        .isInstanceOf(ProfileFormatException.class)
        .hasMessageContaining("version 2 is newer")
        .hasMessageContaining("upgrade Tend");
  }

  @Test
  void corruptedOrTruncatedBytesAreRejected() {
    byte[] bytes = smallProfile().toBytes();
    byte[] flipped = bytes.clone();
    flipped[bytes.length / 2] ^= 0x40;
    assertThatThrownBy(() -> DatasetProfile.fromBytes(flipped))
        .isInstanceOf(ProfileFormatException.class)
        .hasMessageContaining("checksum");
    assertThatThrownBy(() -> DatasetProfile.fromBytes(Arrays.copyOf(bytes, bytes.length - 9)))
        .isInstanceOf(ProfileFormatException.class);
  }

  @Test
  void datasetMergeChecksColumnsAndCombinesProvenance() {
    DatasetProfile a = smallProfile();
    DatasetProfile b = smallProfile().withProvenance(ProfileProvenance.of("other", 5));
    DatasetProfile merged = a.merge(b);
    assertThat(merged.rowCount()).isEqualTo(6);
    assertThat(merged.provenance()).isEqualTo(new ProfileProvenance("small + other", 5, 1));
    assertThat(a.merge(a).provenance().source()).isEqualTo("small");
    DatasetProfile different =
        DatasetProfile.of(
            3, List.of(column("y", DataType.INTEGER)), ProfileProvenance.of("small", 1));
    assertThatThrownBy(() -> a.merge(different)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                DatasetProfile.of(
                    4, List.of(column("x", DataType.INTEGER)), ProfileProvenance.of("s", 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 rows");
  }

  private static ColumnProfile column(String name, DataType type) {
    ColumnProfiler profiler = ColumnProfiler.create(name, type);
    profiler.updateLong(1, 2);
    profiler.updateMissing(1);
    return profiler.finish();
  }

  private static DatasetProfile smallProfile() {
    return DatasetProfile.of(
        3, List.of(column("x", DataType.INTEGER)), ProfileProvenance.of("small", 1));
  }
}
