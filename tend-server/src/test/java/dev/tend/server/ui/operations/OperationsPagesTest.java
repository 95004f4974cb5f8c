package dev.tend.server.ui.operations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.operations.ActionEvent;
import dev.tend.operations.Bucket;
import dev.tend.operations.OperationsCalculator;
import dev.tend.operations.OperationsEvents;
import dev.tend.operations.OperationsFigures;
import dev.tend.operations.Period;
import dev.tend.operations.RevisionEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The operations page's charts: one bar or point per bucket, adding up to the period's totals. */
class OperationsPagesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant DAY0 = Instant.parse("2026-11-02T00:00:00Z");

  @Test
  void chartsHaveOneValuePerBucketAndAddUpToTheTotals() throws Exception {
    Period period = new Period(DAY0, DAY0.plus(Duration.ofDays(3)), Bucket.DAY);
    OperationsFigures figures =
        OperationsCalculator.compute(
            period,
            new OperationsEvents(
                List.of(
                    revision("flights-prod", "prod", 1, DAY0.minus(Duration.ofDays(5)), "v1"),
                    revision("flights-prod", "prod", 2, hours(30), "v2"),
                    revision("flights-dev", "dev", 1, hours(2), "v2"),
                    revision("flights-prod", "prod", 3, hours(60), "v3")),
                Map.of(),
                List.of(),
                List.of(
                    new ActionEvent("approve", hours(31), "alice"),
                    new ActionEvent("pipeline-run", hours(50), "automation:retrain"))));

    Map<String, String> charts = OperationsPages.charts(figures);

    assertThat(charts)
        .containsOnlyKeys("deployments", "lead-time", "change-failure", "incidents", "actions");
    JsonNode deployments = JSON.readTree(charts.get("deployments"));
    assertThat(deployments.at("/xAxis/data"))
        .extracting(JsonNode::asText)
        .containsExactly("2026-11-02", "2026-11-03", "2026-11-04");
    assertThat(deployments.get("series"))
        .extracting(s -> s.get("name").asText())
        .containsExactlyElementsOf(figures.totals().deploymentsByEnvironment().keySet());
    assertThat(sum(deployments)).isEqualTo(figures.totals().deployments()).isPositive();

    JsonNode actions = JSON.readTree(charts.get("actions"));
    assertThat(actions.get("series"))
        .extracting(s -> s.get("name").asText())
        .containsExactly("automated", "manual");
    assertThat(actions.at("/series/0/data"))
        .extracting(JsonNode::asDouble)
        .containsExactly(0.0, 0.0, (double) figures.totals().actions().automated());
    assertThat(sum(actions)).isEqualTo(figures.totals().actions().total());

    JsonNode incidents = JSON.readTree(charts.get("incidents"));
    assertThat(incidents.get("series")).hasSize(2);
    assertThat(incidents.at("/series/0/data")).hasSize(3);
    assertThat(incidents.at("/series/0/data/0/1").isNull()).as("no incident: a gap").isTrue();
  }

  private static double sum(JsonNode chart) {
    double total = 0;
    for (JsonNode series : chart.get("series")) {
      for (JsonNode value : series.get("data")) {
        total += value.asDouble();
      }
    }
    return total;
  }

  private static Instant hours(int hours) {
    return DAY0.plus(Duration.ofHours(hours));
  }

  private static RevisionEvent revision(
      String deployment, String environment, int number, Instant at, String version) {
    return new RevisionEvent(
        deployment, environment, number, at, "alice", version, Optional.empty(), Optional.empty());
  }
}
