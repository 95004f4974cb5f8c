package dev.tend.pipeline.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flagship example {@code examples/flights/train.py} run as a command step on a small CSV with
 * a known signal: flights from ORD or leaving from 18:00 are late, with 10% of labels flipped.
 */
class TrainExampleTest {
  private static final Path EXAMPLE = Path.of("../examples/flights");
  // XGBoost's JSON writes NaN for its `missing` parameter.
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
  private static final List<String> AIRPORTS = List.of("ORD", "SFO", "LAX", "JFK", "SEA");

  @TempDir Path tmp;

  private static String flights(int rows, long seed) {
    Random random = new Random(seed);
    StringBuilder csv = new StringBuilder("date,delay,distance,origin,destination\n");
    LocalDateTime time = LocalDateTime.of(2001, 1, 1, 0, 0);
    for (int i = 0; i < rows; i++) {
      time = time.plusMinutes(97);
      String origin = AIRPORTS.get(random.nextInt(AIRPORTS.size()));
      boolean late = origin.equals("ORD") || time.getHour() >= 18;
      if (random.nextDouble() < 0.1) {
        late = !late;
      }
      int delay = late ? 16 + random.nextInt(90) : -15 + random.nextInt(31);
      csv.append(time.toString().replace('T', ' '))
          .append(',')
          .append(delay)
          .append(',')
          .append(100 + random.nextInt(2000))
          .append(',')
          .append(origin)
          .append(',')
          .append(AIRPORTS.get(random.nextInt(AIRPORTS.size())))
          .append('\n');
    }
    return csv.toString();
  }

  @Test
  void trainsAModelAndWritesItsMetricsUnderTheContract() throws IOException {
    assumeTrue(Python.hasTrainingLibraries(), "/usr/bin/python3 lacks xgboost, pandas or sklearn");
    Path work = tmp.resolve("work");
    Path data = Files.createDirectories(work.resolve("inputs/flights"));
    Files.writeString(data.resolve("data.csv"), flights(400, 7));
    CommandWorkspace workspace =
        CommandWorkspace.prepare(
            work,
            new CommandParams(
                "flight-delays", "run-1", "train", 1, OptionalLong.of(42), Map.of("rounds", 50)),
            List.of(
                CommandInput.of(
                    "flights", CommandInput.Kind.DATASET, data, Optional.of("flights@1"))),
            Map.of("model", "model", "metrics", "metrics.json"));
    List<String> lines = new ArrayList<>();

    CommandOutcome outcome =
        new CommandRunner()
            .run(
                new CommandSpec(
                    List.of("/usr/bin/python3", "train.py"),
                    EXAMPLE,
                    workspace.environment(System.getenv(), Map.of()),
                    Duration.ofMinutes(5)),
                (stream, line) -> lines.add(line),
                () -> false);

    assertThat(outcome.failureReason()).isEmpty();
    assertThat(lines).anyMatch(line -> line.startsWith("trained on 320 rows, held out 80"));
    CommandOutputs outputs = workspace.verifyOutputs();
    assertThat(outputs.metrics()).containsOnlyKeys("auc", "log_loss", "f1", "accuracy");
    assertThat(outputs.metrics().get("auc")).isGreaterThan(0.75);
    assertThat(outputs.metrics().get("accuracy")).isGreaterThan(0.7);
    assertThat(outputs.metrics().get("log_loss")).isBetween(0.0, 0.69);

    Path model = outputs.paths().get("model");
    JsonNode xgboost = JSON.readTree(model.resolve("model.json").toFile());
    JsonNode sklearn = JSON.readTree(xgboost.at("/learner/attributes/scikit_learn").asText("{}"));
    assertThat(sklearn.get("random_state").asLong()).isEqualTo(42);
    assertThat(sklearn.get("n_estimators").asInt()).isEqualTo(50);
    assertThat(xgboost.at("/learner/feature_names").toString())
        .isEqualTo("[\"hour\",\"weekday\",\"distance\",\"origin\",\"destination\"]");
    JsonNode features = JSON.readTree(model.resolve("features.json").toFile());
    assertThat(features.at("/categories/origin").toString())
        .isEqualTo("[\"JFK\",\"LAX\",\"ORD\",\"SEA\",\"SFO\"]");
  }

  @Test
  void aMissingDatasetInputFailsWithTheScriptsMessage() throws IOException {
    assumeTrue(Python.hasTrainingLibraries(), "/usr/bin/python3 lacks xgboost, pandas or sklearn");
    CommandWorkspace workspace =
        CommandWorkspace.prepare(
            tmp.resolve("work"),
            new CommandParams("flight-delays", "run-1", "train", 1, OptionalLong.empty(), Map.of()),
            List.of(),
            Map.of("model", "model"));

    CommandOutcome outcome =
        new CommandRunner()
            .run(
                new CommandSpec(
                    List.of("/usr/bin/python3", "train.py"),
                    EXAMPLE,
                    workspace.environment(System.getenv(), Map.of()),
                    Duration.ofMinutes(5)),
                LineSink.discard(),
                () -> false);

    assertThat(outcome.failureReason().orElseThrow())
        .isEqualTo(
            "the command exited with status 1; last lines of stderr:\n  train.py: name the"
                + " dataset input with the 'input' param; the dataset inputs are []");
  }
}
