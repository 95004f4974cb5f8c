package dev.tend.cli.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatasetRefTest {
  @Test
  void aNumberOrAnAliasFollowsTheAt() {
    assertThat(DatasetRef.parse("trips@3")).isEqualTo(new DatasetRef("trips", "3"));
    assertThat(DatasetRef.parse("trips@3").isNumber()).isTrue();
    assertThat(DatasetRef.parse("trips@production"))
        .isEqualTo(new DatasetRef("trips", "production"));
    assertThat(DatasetRef.parse("trips@production").isNumber()).isFalse();
    assertThat(DatasetRef.parse("flights.2001-v2@release_1").toString())
        .isEqualTo("flights.2001-v2@release_1");
  }

  @Test
  void aNameAloneMeansLatest() {
    assertThat(DatasetRef.parse("trips")).isEqualTo(new DatasetRef("trips", "latest"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "trips@",
        "@3",
        "",
        "trips@0",
        "trips@000",
        "trips@-1",
        "trips@1@2",
        "trips@a/b",
        "../trips@1",
        "trips@ 1",
        "trips@\t"
      })
  void anythingElseIsAUsageErrorThatShowsTheForm(String text) {
    assertThatThrownBy(() -> DatasetRef.parse(text))
        .isInstanceOf(Main.UsageException.class)
        .hasMessage(
            "bad dataset reference '"
                + text
                + "': expected NAME@REF, where REF is a version number from 1 or an alias such as"
                + " latest or production (for example trips@3 or trips@production)");
  }
}
