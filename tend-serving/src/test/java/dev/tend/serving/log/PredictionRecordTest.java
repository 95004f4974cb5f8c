package dev.tend.serving.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PredictionRecordTest {

  private static PredictionRecord with(
      String id, String deployment, String inputs, String outputs) {
    return new PredictionRecord(
        id, deployment, "prod", "churn", "3", inputs, outputs, 5, Records.T0, Optional.empty());
  }

  @Test
  void keepsTheTimestampToTheMicrosecond() {
    PredictionRecord r =
        new PredictionRecord(
            "a",
            "d",
            "prod",
            "m",
            "1",
            "{}",
            "1",
            0,
            Instant.parse("2026-01-01T00:00:00.123456789Z"),
            Optional.empty());
    assertThat(r.timestamp()).isEqualTo(Instant.parse("2026-01-01T00:00:00.123456Z"));
    assertThat(r.timestampMicros()).isEqualTo(1767225600123456L);
  }

  @Test
  void rejectsInputsThatAreNotAJsonObject() {
    assertThatThrownBy(() -> with("a", "d", "[1,2]", "1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inputs must be a JSON object");
    assertThatThrownBy(() -> with("a", "d", "{\"x\":1", "1"))
        .hasMessageContaining("inputs is not valid JSON");
    assertThatThrownBy(() -> with("a", "d", "{} {}", "1"))
        .hasMessageContaining("inputs has text after its JSON value");
    assertThatThrownBy(() -> with("a", "d", "{\"x\":NaN}", "1"))
        .hasMessageContaining("inputs is not valid JSON");
    assertThatThrownBy(() -> with("a", "d", "{}", "")).hasMessageContaining("outputs is empty");
  }

  @Test
  void rejectsOversizedJson() {
    String big = "{\"x\":\"" + "a".repeat(PredictionRecord.MAX_JSON_CHARS) + "\"}";
    assertThatThrownBy(() -> with("a", "d", big, "1"))
        .hasMessageContaining("inputs has " + big.length() + " characters");
  }

  @Test
  void rejectsIdsAndNamesThatCannotBeStoredSafely() {
    assertThatThrownBy(() -> with("has space", "d", "{}", "1"))
        .hasMessageContaining("predictionId must be 1 to 128 visible ASCII");
    assertThatThrownBy(() -> with("x".repeat(129), "d", "{}", "1"))
        .hasMessageContaining("predictionId");
    assertThatThrownBy(() -> with("a", "../etc", "{}", "1"))
        .hasMessageContaining("deployment must be letters");
    assertThatThrownBy(() -> with("a", "a/b", "{}", "1")).hasMessageContaining("deployment");
    assertThatThrownBy(
            () ->
                new PredictionRecord(
                    "a", "d", "prod", "m\n", "1", "{}", "1", 0, Records.T0, Optional.empty()))
        .hasMessageContaining("modelName must be 1 to 200 characters without control");
    assertThatThrownBy(
            () ->
                new PredictionRecord(
                    "a", "d", "prod", "m", "1", "{}", "1", -1, Records.T0, Optional.empty()))
        .hasMessageContaining("latencyMicros must not be negative");
  }

  @Test
  void generatedIdsAreUniqueAndOrderedAsStrings() {
    ConcurrentLinkedQueue<List<String>> perThread = new ConcurrentLinkedQueue<>();
    IntStream.range(0, 4)
        .parallel()
        .forEach(
            t ->
                perThread.add(
                    IntStream.range(0, 20_000).mapToObj(i -> PredictionIds.next()).toList()));
    Set<String> all = new HashSet<>();
    for (List<String> ids : perThread) {
      assertThat(ids).isSorted();
      all.addAll(ids);
      with(ids.getFirst(), "d", "{}", "1"); // a valid prediction id
    }
    assertThat(all).hasSize(80_000);
    assertThat(java.util.UUID.fromString(all.iterator().next()).version()).isEqualTo(7);
  }
}
