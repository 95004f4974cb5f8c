package dev.tend.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The demo's verdict: which weeks fall before, during and after the degradation, and when the loop
 * counts as closed. The server's answers are written as it writes them (snake_case JSON).
 */
class SummaryTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");
  static final Duration WINDOW = Duration.ofSeconds(8);

  static Instant week(int k) {
    return T0.plus(WINDOW.multipliedBy(k));
  }

  static List<Summary.WeekRecord> weeks(int n) {
    List<Summary.WeekRecord> records = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      DemoData.Week week =
          new DemoData.Week(k, DemoData.FIRST_DAY.plusDays(7L * k), Path.of("w" + k), k == 2);
      records.add(
          new Summary.WeekRecord(
              week,
              week(k),
              new TrafficReplayer.Replay(List.of(), 0, Optional.empty(), 0, Map.of("1", 100L))));
    }
    return records;
  }

  static TreeMap<Instant, LoopWatcher.Point> series(double... values) {
    TreeMap<Instant, LoopWatcher.Point> points = new TreeMap<>();
    for (int k = 0; k < values.length; k++) {
      if (!Double.isNaN(values[k])) {
        points.put(week(k), new LoopWatcher.Point(week(k), values[k], 1000));
      }
    }
    return points;
  }

  static JsonNode json(String text) throws Exception {
    return JSON.readTree(text.replace('\'', '"'));
  }

  static List<JsonNode> alerts() throws Exception {
    return List.of(
        // Distance drifting since this very window names it; date, drifting since week 0, not.
        json(
            "{'rule': 'flights-missing-inputs', 'metric': 'missing_share', 'column': 'origin',"
                + " 'onset': '"
                + week(2)
                + "', 'fired_at': '"
                + week(3)
                + "', 'root_cause': {'window': {'start': '"
                + week(2)
                + "'}, 'drifted_features': [{'column': 'date', 'since': '"
                + week(0)
                + "'}, {'column': 'distance', 'since': '"
                + week(2)
                + "'}]}}"),
        // The suite's checks name no column themselves: the root cause does.
        json(
            "{'rule': 'flights-suite-checks', 'metric': 'checks_failed', 'column': '',"
                + " 'onset': '"
                + week(2)
                + "', 'fired_at': '"
                + week(3)
                + "', 'root_cause': {'failing_checks': [{'check': 'completeness(origin)',"
                + " 'columns': ['origin']}]}}"),
        json(
            "{'rule': 'flights-auc-drop', 'metric': 'roc_auc', 'column': '', 'onset': '"
                + week(3)
                + "', 'fired_at': '"
                + week(5)
                + "'}"));
  }

  static JsonNode action(String state, Instant finished) throws Exception {
    return json(
        "{'id': 'a1', 'state': '"
            + state
            + "', 'created_at': '"
            + week(5)
            + "', 'updated_at': '"
            + finished
            + "', 'finished_at': '"
            + finished
            + "', 'pipeline_run_id': 'r1', 'champion': {'model': 'flight-delays', 'version': 1},"
            + " 'challenger': {'model': 'flight-delays', 'version': 2}, 'trigger': {'kind':"
            + " 'alert', 'rule': 'flights-auc-drop'}, 'gate': {'metric': 'roc_auc', 'rows': 5000,"
            + " 'champion': 0.66, 'challenger': 0.70, 'passed': true}}");
  }

  @Test
  void theLoopClosesWhenEveryStepHappenedAndAucRecovered() throws Exception {
    // Weeks 0-1 before the drift, 2 the broken feed, 3-6 degraded, promoted during week 7.
    Summary summary =
        new Summary(
            weeks(10),
            alerts(),
            List.of(),
            List.of(action("promoted", week(7).plusSeconds(3))),
            Optional.empty(),
            series(0.70, 0.71, 0.55, 0.66, 0.665, 0.67, 0.66, 0.66, 0.70, 0.71),
            series(0.30, 0.31, 0.10, 0.22, 0.22, 0.23, 0.22, 0.22, 0.31, 0.32),
            Map.of(),
            true,
            true);

    assertThat(summary.qualityColumns()).containsExactly("distance", "origin");
    List<Summary.Phase> phases = summary.phases();
    assertThat(phases.get(0).weeks()).containsExactly("2001-02-01", "2001-02-08");
    assertThat(phases.get(1).weeks()).hasSize(5).doesNotContain("2001-02-15");
    // The window in which it was promoted still served the champion for part of it.
    assertThat(phases.get(2).weeks()).containsExactly("2001-03-29", "2001-04-05");
    assertThat(phases.get(1).auc().getAsDouble())
        .isCloseTo(0.663, org.assertj.core.data.Offset.offset(0.001));
    assertThat(phases.get(2).auc().getAsDouble())
        .isCloseTo(0.705, org.assertj.core.data.Offset.offset(0.001));
    assertThat(summary.unmet()).isEmpty();
    assertThat(summary.closed()).isTrue();

    StringWriter text = new StringWriter();
    summary.print(new PrintWriter(text));
    assertThat(text.toString())
        .contains("data quality alerts named: distance, origin")
        .contains("roc_auc 0.7000 vs 0.6600 on 5000 rows (passed)")
        .contains("retrains 1, promotions 1, rollbacks 0")
        .contains("The loop closed");
    JsonNode json = summary.json();
    assertThat(json.path("closed").asBoolean()).isTrue();
    assertThat(json.at("/phases/after/roc_auc").asDouble()).isGreaterThan(0.7);
    assertThat(json.at("/weeks/2/broken_feed").asBoolean()).isTrue();
  }

  @Test
  void eachMissingStepIsNamed() throws Exception {
    List<JsonNode> onlyOrigin =
        List.of(
            ((com.fasterxml.jackson.databind.node.ObjectNode) alerts().getFirst())
                .without("root_cause"));
    Summary summary =
        new Summary(
            weeks(8),
            onlyOrigin,
            List.of(),
            List.of(action("rolled-back", week(6))),
            Optional.empty(),
            series(0.70, 0.71, 0.55, 0.66, 0.665, 0.67, 0.66, 0.66),
            series(0.30, 0.31, 0.10, 0.22, 0.22, 0.23, 0.22, 0.22),
            Map.of(),
            true,
            true);

    assertThat(summary.closed()).isFalse();
    assertThat(summary.unmet())
        .containsExactly(
            "the data quality alerts named [origin], not both origin and distance",
            "no drift or performance alert fired",
            "no automation action reached promoted (states: [rolled-back])",
            "AUC after the promotion (-) is not above AUC during the degradation (-)");
  }

  @Test
  void aucThatDidNotRecoverKeepsTheLoopOpen() throws Exception {
    Summary summary =
        new Summary(
            weeks(10),
            alerts(),
            List.of(),
            List.of(action("promoted", week(7).plusSeconds(3))),
            Optional.empty(),
            series(0.70, 0.71, 0.55, 0.66, 0.665, 0.67, 0.66, 0.66, 0.66, 0.65),
            series(0.30, 0.31, 0.10, 0.22, 0.22, 0.23, 0.22, 0.22, 0.22, 0.21),
            Map.of(),
            true,
            true);

    assertThat(summary.unmet())
        .singleElement()
        .asString()
        .startsWith("AUC after the promotion (0.655) is not above");
  }
}
