package dev.tend.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.schema.DataType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Profiles shared/data/penguins.json and compares with pandas' answers, kept in
 * golden/profile_golden.json with the script golden/profile_golden.py that wrote them.
 */
class PenguinsGoldenTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Path findPenguins() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolveSibling("shared").resolve("data").resolve("penguins.json");
      if (dir.getParent() != null && Files.isRegularFile(candidate)) {
        return candidate;
      }
      Path inside = dir.resolve("shared").resolve("data").resolve("penguins.json");
      if (Files.isRegularFile(inside)) {
        return inside;
      }
      dir = dir.getParent();
    }
    return null;
  }

  @Test
  void profileMatchesPandas() throws IOException {
    Path data = findPenguins();
    assumeTrue(data != null, "shared/data/penguins.json not found beside the repository; skipping");
    JsonNode rows = JSON.readTree(data.toFile());
    JsonNode golden;
    try (InputStream in = getClass().getResourceAsStream("/golden/profile_golden.json")) {
      golden = JSON.readTree(in);
    }
    DatasetProfile profile = profile(rows);
    assertThat(profile.rowCount()).isEqualTo(golden.get("rows").asLong());
    double tolerance = golden.get("tolerance").asDouble();

    for (JsonNode expected : golden.get("columns")) {
      String name = expected.get("name").asText();
      ColumnProfile actual = profile.column(name).orElseThrow();
      assertThat(actual.count()).as(name).isEqualTo(expected.get("count").asLong());
      assertThat(actual.missing()).as(name).isEqualTo(expected.get("missing").asLong());
      ColumnSummary.Distinct distinct = actual.distinct().orElseThrow();
      assertThat(expected.get("nunique").asDouble())
          .as(name + " distinct")
          .isBetween(distinct.lowerBound(), distinct.upperBound());

      Map<Object, Long> counts = new HashMap<>();
      List<Long> topCounts = new ArrayList<>();
      for (JsonNode vc : expected.get("value_counts")) {
        Object value =
            vc.get("value").isTextual()
                ? vc.get("value").asText()
                : actual.type() == DataType.INTEGER
                    ? (Object) vc.get("value").asLong()
                    : (Object) vc.get("value").asDouble();
        counts.put(value, vc.get("count").asLong());
        topCounts.add(vc.get("count").asLong());
      }
      List<ColumnSummary.ValueCount> top = actual.topValues(10);
      assertThat(top).as(name + " top values").hasSize(Math.min(10, counts.size()));
      for (int i = 0; i < top.size(); i++) {
        assertThat(top.get(i).count()).as(name + " top " + i).isEqualTo(topCounts.get(i));
        assertThat(counts.get(top.get(i).value()))
            .as(name + " " + top.get(i))
            .isEqualTo(top.get(i).count());
      }

      if (expected.get("kind").asText().equals("numeric")) {
        double scale = Math.abs(expected.get("mean").asDouble());
        assertThat(actual.mean().getAsDouble())
            .as(name)
            .isCloseTo(expected.get("mean").asDouble(), within(1e-9 * scale));
        assertThat(actual.stddev().getAsDouble())
            .as(name)
            .isCloseTo(expected.get("std").asDouble(), within(1e-9 * scale));
        assertThat(actual.min().getAsDouble()).as(name).isEqualTo(expected.get("min").asDouble());
        assertThat(actual.max().getAsDouble()).as(name).isEqualTo(expected.get("max").asDouble());
        assertThat(actual.quantileRankError().getAsDouble()).isLessThanOrEqualTo(tolerance);
        for (JsonNode q : expected.get("quantiles")) {
          double value = actual.quantile(q.get("rank").asDouble()).getAsDouble();
          assertThat(value)
              .as(name + " quantile " + q.get("rank"))
              .isBetween(q.get("low").asDouble(), q.get("high").asDouble());
        }
      } else {
        ColumnSummary.Lengths lengths = actual.lengths().orElseThrow();
        assertThat(lengths.min()).isEqualTo(expected.get("length_min").asLong());
        assertThat(lengths.max()).isEqualTo(expected.get("length_max").asLong());
        assertThat(lengths.mean()).isCloseTo(expected.get("length_mean").asDouble(), within(1e-9));
      }
    }
  }

  private static DataType wider(DataType a, DataType b) {
    if (a == DataType.STRING || b == DataType.STRING) {
      return DataType.STRING;
    }
    return a == DataType.DOUBLE || b == DataType.DOUBLE ? DataType.DOUBLE : DataType.INTEGER;
  }

  /** Profiles the rows, feeding (value, count) pairs as the engine's GROUP BY would. */
  static DatasetProfile profile(JsonNode rows) {
    Map<String, DataType> types = new LinkedHashMap<>();
    for (JsonNode row : rows) {
      for (Map.Entry<String, JsonNode> field : row.properties()) {
        JsonNode v = field.getValue();
        DataType seen =
            v.isTextual()
                ? DataType.STRING
                : v.isIntegralNumber() ? DataType.INTEGER : v.isNumber() ? DataType.DOUBLE : null;
        types.merge(
            field.getKey(), seen == null ? DataType.INTEGER : seen, PenguinsGoldenTest::wider);
      }
    }
    List<ColumnProfile> columns = new ArrayList<>();
    for (Map.Entry<String, DataType> column : types.entrySet()) {
      Map<Object, Long> grouped = new LinkedHashMap<>();
      long missing = 0;
      for (JsonNode row : rows) {
        JsonNode v = row.get(column.getKey());
        if (v == null || v.isNull()) {
          missing++;
        } else {
          Object value =
              switch (column.getValue()) {
                case STRING -> v.asText();
                case INTEGER -> v.asLong();
                default -> v.asDouble();
              };
          grouped.merge(value, 1L, Long::sum);
        }
      }
      ColumnProfiler profiler = ColumnProfiler.create(column.getKey(), column.getValue());
      profiler.updateMissing(missing);
      grouped.forEach(profiler::update);
      columns.add(profiler.finish());
    }
    return DatasetProfile.of(rows.size(), columns, ProfileProvenance.of("penguins.json", 0));
  }
}
