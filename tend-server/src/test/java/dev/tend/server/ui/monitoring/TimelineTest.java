package dev.tend.server.ui.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.MonitorMetric;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineTest {
  static final Duration MINUTE = Duration.ofMinutes(1);
  static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
  static final ObjectMapper JSON = new ObjectMapper();

  static Instant at(int window) {
    return T0.plus(MINUTE.multipliedBy(window));
  }

  static MetricPoint point(int window, MonitorMetric metric, String column, double value) {
    return MetricPoint.of(
        "d", MetricPoint.ALL_VERSIONS, at(window), at(window + 1), metric, column, value, 10);
  }

  @Test
  void theHeatMapHasOneRowPerFeatureAndOneColumnPerWindowWithMissingWindowsAsGaps() {
    // Windows 0, 1 and 3 have figures; window 2 had no traffic.
    Timeline timeline =
        Timeline.of(MINUTE, at(0), at(3), 200)
            .add(
                List.of(
                    point(0, MonitorMetric.FEATURE_DRIFT, "island", 0.01),
                    point(0, MonitorMetric.FEATURE_DRIFT, "beak", 0.02),
                    point(1, MonitorMetric.FEATURE_DRIFT, "island", 0.03),
                    point(3, MonitorMetric.FEATURE_DRIFT, "beak", 0.9),
                    point(3, MonitorMetric.FEATURE_DRIFT, "island", 0.04),
                    point(3, MonitorMetric.DRIFT_DETECTED, "beak", 1)));

    assertThat(timeline.starts()).containsExactly(at(0), at(1), at(2), at(3));
    assertThat(timeline.labels())
        .containsExactly("11-27 10:00", "11-27 10:01", "11-27 10:02", "11-27 10:03");
    assertThat(timeline.features()).containsExactly("beak", "island");
    Double[][] matrix = timeline.driftMatrix();
    assertThat(matrix[0]).containsExactly(0.02, null, null, 0.9);
    assertThat(matrix[1]).containsExactly(0.01, 0.03, null, 0.04);
    assertThat(timeline.maxDrift()).isEqualTo(0.9);
  }

  @Test
  void aLineBreaksAtAWindowWithoutTheFigure() {
    Timeline timeline =
        Timeline.of(MINUTE, at(0), at(2), 200)
            .add(
                List.of(
                    point(0, MonitorMetric.ACCURACY, "", 0.9),
                    point(2, MonitorMetric.ACCURACY, "", 0.7),
                    point(1, MonitorMetric.MISSING_SHARE, "beak", 0.5)));

    assertThat(timeline.values(MonitorMetric.ACCURACY)).containsExactly(0.9, null, 0.7);
    assertThat(timeline.has(MonitorMetric.MISSING_SHARE))
        .as("a column's figure is not the window's")
        .isFalse();
    assertThat(timeline.values(MonitorMetric.LABEL_COVERAGE)).containsExactly(null, null, null);
    assertThat(timeline.series("accuracy", MonitorMetric.ACCURACY).points())
        .extracting(p -> p.time(), p -> p.value())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(at(0), 0.9),
            org.assertj.core.groups.Tuple.tuple(at(1), null),
            org.assertj.core.groups.Tuple.tuple(at(2), 0.7));
  }

  @Test
  void onlyTheLatestWindowsAreShownAndFiguresOffTheGridAreLeftOut() {
    List<MetricPoint> points = new ArrayList<>();
    for (int w = 0; w < 10; w++) {
      points.add(point(w, MonitorMetric.QUALITY_SCORE, "", w / 10.0));
    }
    // Stored under an older, longer window that does not start on this grid.
    points.add(
        MetricPoint.of(
            "d",
            MetricPoint.ALL_VERSIONS,
            at(9).plusSeconds(30),
            at(11),
            MonitorMetric.QUALITY_SCORE,
            "",
            0.5,
            1));

    Timeline timeline = Timeline.of(MINUTE, at(0), at(9), 4).add(points);

    assertThat(timeline.starts()).containsExactly(at(6), at(7), at(8), at(9));
    assertThat(timeline.values(MonitorMetric.QUALITY_SCORE)).containsExactly(0.6, 0.7, 0.8, 0.9);
    assertThatThrownBy(() -> Timeline.of(Duration.ZERO, at(0), at(1), 4))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aClassifierDrawsAccuracyAgainstLabelCoverageAndQualityAgainstAccuracy() throws Exception {
    Timeline timeline =
        Timeline.of(MINUTE, at(0), at(1), 200)
            .add(
                List.of(
                    point(0, MonitorMetric.FEATURE_DRIFT, "island", 0.2),
                    point(0, MonitorMetric.ACCURACY, "", 0.95),
                    point(1, MonitorMetric.ACCURACY, "", 0.6),
                    point(0, MonitorMetric.F1, "", 0.9),
                    point(0, MonitorMetric.LABEL_COVERAGE, "", 0.5),
                    point(1, MonitorMetric.LABEL_COVERAGE, "", 0.25),
                    point(0, MonitorMetric.QUALITY_SCORE, "", 1.0),
                    point(1, MonitorMetric.QUALITY_SCORE, "", 0.7)));

    MonitoringPages.ChartsView charts = MonitoringPages.charts(timeline, "psi ≥ 0.1");

    JsonNode heatmap = JSON.readTree(charts.heatmap().orElseThrow());
    assertThat(heatmap.at("/title/text").asText()).endsWith("drifted at psi ≥ 0.1");
    assertThat(heatmap.at("/yAxis/data").toString()).isEqualTo("[\"island\"]");
    assertThat(heatmap.at("/series/0/data").toString()).isEqualTo("[[0,0,0.2]]");

    JsonNode performance = JSON.readTree(charts.performance().orElseThrow());
    assertThat(names(performance)).containsExactly("accuracy", "F1", "label coverage");
    assertThat(performance.at("/series/2/yAxisIndex").asInt()).isEqualTo(1);
    assertThat(performance.at("/series/2/data/1/1").asDouble()).isEqualTo(0.25);
    assertThat(performance.at("/series/1/data/1/1").isNull()).isTrue();
    /* Shares are drawn on 0 to 1, never scaled past 100%. */
    for (String axis : List.of("/yAxis/0", "/yAxis/1")) {
      assertThat(performance.at(axis + "/min").asDouble()).as(axis).isEqualTo(0.0);
      assertThat(performance.at(axis + "/max").asDouble()).as(axis).isEqualTo(1.0);
    }

    JsonNode quality = JSON.readTree(charts.qualityAccuracy().orElseThrow());
    assertThat(names(quality)).containsExactly("quality score", "accuracy");
    assertThat(quality.at("/series/1/yAxisIndex").asInt()).isEqualTo(1);
    assertThat(quality.at("/series/1/data/1/1").asDouble()).isEqualTo(0.6);
  }

  @Test
  void aRegressorDrawsItsErrorsAndAPageWithoutFiguresDrawsNoChart() throws Exception {
    Timeline regressor =
        Timeline.of(MINUTE, at(0), at(0), 200)
            .add(
                List.of(
                    point(0, MonitorMetric.RMSE, "", 3.0),
                    point(0, MonitorMetric.MAE, "", 2.0),
                    point(0, MonitorMetric.R2, "", 0.8)));
    MonitoringPages.ChartsView charts = MonitoringPages.charts(regressor, "");
    assertThat(names(JSON.readTree(charts.performance().orElseThrow())))
        .containsExactly("RMSE", "MAE", "label coverage");
    JsonNode quality = JSON.readTree(charts.qualityAccuracy().orElseThrow());
    assertThat(names(quality)).containsExactly("quality score", "R2");
    /* R2 is negative when worse than the mean: its axis follows the data. */
    assertThat(quality.at("/yAxis/0/max").asDouble()).isEqualTo(1.0);
    assertThat(quality.at("/yAxis/1/scale").asBoolean()).isTrue();
    assertThat(quality.at("/yAxis/1/max").isMissingNode()).isTrue();
    assertThat(charts.heatmap()).isEmpty();

    MonitoringPages.ChartsView none =
        MonitoringPages.charts(Timeline.of(MINUTE, at(0), at(0), 200), "");
    assertThat(Arrays.asList(none.heatmap(), none.performance(), none.qualityAccuracy()))
        .allMatch(java.util.Optional::isEmpty);
  }

  private static List<String> names(JsonNode option) {
    List<String> names = new ArrayList<>();
    option.path("series").forEach(s -> names.add(s.path("name").asText()));
    return names;
  }
}
