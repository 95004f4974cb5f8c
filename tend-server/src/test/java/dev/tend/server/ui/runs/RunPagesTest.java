package dev.tend.server.ui.runs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tend.tracking.Metric;
import dev.tend.tracking.RunStatus;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The runs pages' view logic: columns, comparisons, filters and charts. */
class RunPagesTest {
  @Test
  void columnsPutTheSortMetricFirstThenWhatTellsRunsApart() {
    List<Map<String, String>> runs =
        List.of(
            Map.of("seed", "1", "lr", "0.1", "label", "y", "depth", "3"),
            Map.of("seed", "1", "lr", "0.2", "label", "y"),
            Map.of("seed", "1", "lr", "0.2", "label", "y", "depth", "3"));
    assertThat(RunPages.columns(runs, "", 10)).containsExactly("lr", "label", "seed", "depth");
    assertThat(RunPages.columns(runs, "depth", 2)).containsExactly("depth", "lr");
    assertThat(RunPages.columns(runs, "absent", 1)).containsExactly("lr");
  }

  @Test
  void aCompareRowDiffersWhenARunLacksTheKeyOrHasAnotherValue() {
    assertThat(RunPages.compareRow("lr", List.of("0.1", "0.1")).differs()).isFalse();
    assertThat(RunPages.compareRow("lr", List.of("0.1", "0.2")).differs()).isTrue();
    RunPages.CompareRow missing = RunPages.compareRow("lr", Arrays.asList("0.1", null));
    assertThat(missing.differs()).isTrue();
    assertThat(missing.values()).containsExactly("0.1", "–");
  }

  @Test
  void theStatusJoinsTheUsersFilterAndNamesAreQuotedForTheGrammar() {
    RunPages.Filters filters =
        new RunPages.Filters(
            Optional.of(3L),
            Optional.of(RunStatus.FINISHED),
            "metrics.acc > 0.9 OR params.a = 'b'",
            Optional.of("it`s"),
            false,
            RunPages.PAGE_SIZE);
    assertThat(filters.searchFilter())
        .isEqualTo("(metrics.acc > 0.9 OR params.a = 'b') AND attributes.status = 'FINISHED'");
    assertThat(filters.orderBy()).containsExactly("metrics.`it``s` DESC");
    assertThat(filters.query())
        .isEqualTo(
            "experiment=3&status=FINISHED&filter=metrics.acc+%3E+0.9+OR+params.a+%3D+%27b%27"
                + "&sort=it%60s");
    assertThat(RunPages.quoted("o'brien")).isEqualTo("'o''brien'");
  }

  @Test
  void runsOfTheSameNameGetTheirOwnLineInACompareChart() {
    RunPages.RunRow a = row("0123456789ab", "species-train");
    RunPages.RunRow b = row("fedcba987654", "species-train");
    RunPages.RunRow c = row("aaaaaaaaaaaa", "other");
    List<RunPages.RunRow> rows = List.of(a, b, c);
    assertThat(
            List.of(
                RunPages.seriesName(rows, 0),
                RunPages.seriesName(rows, 1),
                RunPages.seriesName(rows, 2)))
        .containsExactly("species-train (01234567)", "species-train (fedcba98)", "other");
  }

  private static RunPages.RunRow row(String id, String name) {
    return new RunPages.RunRow(
        id, name, "/r/" + id, "e", RunStatus.FINISHED, "", "", List.of(), List.of(), "");
  }

  @Test
  void aStepChartHasALinePerRunAndGapsForNonFiniteValues() {
    String option =
        RunPages.stepChart(
            "<b>loss</b>",
            Map.of(
                "run-a",
                List.of(new Metric("loss", 1.0, 0, 0), new Metric("loss", Double.NaN, 1, 1))));
    assertThat(option)
        .contains("\"name\":\"run-a\"")
        .contains("[[0,1.0],[1,null]]")
        .contains("\"name\":\"step\"");
  }
}
