package dev.tend.cli.quality;

import static dev.tend.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.tend.cli.Cli;
import dev.tend.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tend profile} on the real penguins data, against values computed here from the JSON. */
class ProfileCommandTest {
  static final List<String> NUMERIC =
      List.of("Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)");

  @TempDir Path dir;
  Path penguins;
  ArrayNode rows;

  @BeforeEach
  void load() throws IOException {
    penguins = Cli.sharedData("penguins.json");
    rows = (ArrayNode) Cli.JSON.readTree(penguins.toFile());
  }

  private static JsonNode profile(Object... args) {
    Cli.Result result = run(args);
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.OK);
    return result.json();
  }

  private static JsonNode column(JsonNode profile, String name) {
    for (JsonNode column : profile.get("columns")) {
      if (column.get("name").asText().equals(name)) {
        return column;
      }
    }
    throw new AssertionError("no column " + name + " in " + profile);
  }

  /** Regression: a text column (null stddev) made {@code --format json} an internal error. */
  @Test
  void jsonProfileOfDataWithTextColumnsDoesNotCrash() {
    JsonNode profile = profile("profile", penguins, "--format", "json");
    JsonNode species = column(profile, "Species");
    assertThat(species.get("type").asText()).isEqualTo("string");
    assertThat(species.get("stddev").isNull()).isTrue();
  }

  @Test
  void valuesAgreeWithThoseComputedFromTheParsedJson() {
    JsonNode profile = profile("profile", penguins, "--format", "json");

    assertThat(profile.get("row_count").asLong()).isEqualTo(rows.size());
    for (String name : NUMERIC) {
      long count = 0;
      long missing = 0;
      double sum = 0;
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (JsonNode row : rows) {
        JsonNode v = row.get(name);
        if (v == null || v.isNull()) {
          missing++;
        } else {
          count++;
          sum += v.asDouble();
          min = Math.min(min, v.asDouble());
          max = Math.max(max, v.asDouble());
        }
      }
      double mean = sum / count;
      double squares = 0;
      for (JsonNode row : rows) {
        JsonNode v = row.get(name);
        if (v != null && !v.isNull()) {
          squares += (v.asDouble() - mean) * (v.asDouble() - mean);
        }
      }
      JsonNode column = column(profile, name);
      assertThat(column.get("count").asLong()).as(name).isEqualTo(count);
      assertThat(column.get("missing").asLong()).as(name).isEqualTo(missing);
      assertThat(column.get("min").asDouble()).as(name).isEqualTo(min);
      assertThat(column.get("max").asDouble()).as(name).isEqualTo(max);
      assertThat(column.get("mean").asDouble()).as(name).isCloseTo(mean, within(1e-9 * mean));
      double sampleStddev = Math.sqrt(squares / (count - 1));
      double populationStddev = Math.sqrt(squares / count);
      assertThat(column.get("stddev").asDouble())
          .as(name)
          .satisfiesAnyOf(
              s -> assertThat(s).isCloseTo(sampleStddev, within(1e-9 * sampleStddev)),
              s -> assertThat(s).isCloseTo(populationStddev, within(1e-9 * populationStddev)));
    }
    JsonNode mass = column(profile, "Body Mass (g)");
    assertThat(mass.get("count").asLong()).isEqualTo(342);
    assertThat(mass.get("missing").asLong()).isEqualTo(2);
    long males = 0;
    for (JsonNode row : rows) {
      males += row.get("Sex").asText("").equals("MALE") ? 1 : 0;
    }
    long maleCount = males;
    JsonNode sex = column(profile, "Sex");
    assertThat(sex.get("missing").asLong()).isEqualTo(10);
    assertThat(sex.get("top_values"))
        .anySatisfy(
            v -> {
              assertThat(v.get("value").asText()).isEqualTo("MALE");
              assertThat(v.get("count").asLong()).isEqualTo(maleCount);
            });
  }

  @Test
  void mergedProfilesOfTwoHalvesEqualTheProfileOfTheWhole() throws IOException {
    ArrayNode first = Cli.JSON.createArrayNode();
    ArrayNode second = Cli.JSON.createArrayNode();
    for (int i = 0; i < rows.size(); i++) {
      (i < rows.size() / 2 ? first : second).add(rows.get(i));
    }
    Path a = dir.resolve("a.json");
    Path b = dir.resolve("b.json");
    Cli.JSON.writeValue(a.toFile(), first);
    Cli.JSON.writeValue(b.toFile(), second);
    Path aBin = dir.resolve("a.bin");
    Path bBin = dir.resolve("b.bin");
    profile("profile", a, "--format", "json", "--save", aBin);
    profile("profile", b, "--format", "json", "--save", bBin);
    assertThat(aBin).isNotEmptyFile();

    JsonNode merged = profile("profile", "--merge", aBin, bBin, "--format", "json");
    JsonNode whole = profile("profile", penguins, "--format", "json");

    assertThat(merged.get("row_count").asLong()).isEqualTo(rows.size());
    for (String name : NUMERIC) {
      JsonNode m = column(merged, name);
      JsonNode w = column(whole, name);
      for (String field : List.of("count", "missing")) {
        assertThat(m.get(field).asLong()).as(name + " " + field).isEqualTo(w.get(field).asLong());
      }
      for (String field : List.of("min", "max", "mean")) {
        double expected = w.get(field).asDouble();
        assertThat(m.get(field).asDouble())
            .as(name + " " + field)
            .isCloseTo(expected, within(1e-9 * Math.abs(expected)));
      }
    }
  }

  @Test
  void mergingAFileThatIsNotAProfileIsAUsageError() throws IOException {
    Path junk = Files.writeString(dir.resolve("junk.bin"), "not a profile");
    Cli.Result result = run("profile", "--merge", junk, junk);
    Cli.assertCleanUsageError(result);
    assertThat(result.err()).contains("junk.bin");
  }
}
