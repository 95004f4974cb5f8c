package dev.tend.server.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.pipeline.GateCondition;
import dev.tend.pipeline.Step;
import dev.tend.tracking.KeyValue;
import dev.tend.tracking.Metric;
import dev.tend.tracking.TrackingRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code gate}: tests each condition on an evaluate step's metrics, the candidate's on the left and
 * a constant or the champion's value plus an offset on the right. With no champion yet (the first
 * model), champion conditions hold and say so. The decision, each condition with both scores, is
 * the output {@code decision} and is recorded on the pipeline's tracked run whether or not the gate
 * passes (tag {@code tend.gate.<step>}, metrics {@code gate.<step>.passed}); a gate that does not
 * pass fails the run with the conditions that did not hold.
 */
final class GateStep implements StepAction {
  private final TrackingRepository tracking;

  GateStep(TrackingRepository tracking) {
    this.tracking = tracking;
  }

  @Override
  public Outcome execute(StepContext context) throws StepFailure {
    Step.Gate gate = (Step.Gate) context.step().body();
    Object value = context.bindings().value(gate.evaluation());
    if (!(value instanceof JsonNode metrics) || !metrics.path("candidate").isObject()) {
      throw StepFailure.of("'" + gate.evaluation() + "' holds no evaluation metrics");
    }
    JsonNode candidate = metrics.get("candidate");
    JsonNode champion = metrics.path("champion");
    boolean hasChampion = champion.isObject();
    ObjectNode outputs = RunExecution.object();
    ObjectNode decision = outputs.putObject("decision");
    ArrayNode results = decision.putArray("conditions");
    List<String> failed = new ArrayList<>();
    for (GateCondition condition : gate.conditions()) {
      ObjectNode result = results.addObject().put("condition", condition.toString());
      double left = metric(candidate, condition.metric(), "candidate");
      result.put("candidate", left);
      boolean passed;
      switch (condition.right()) {
        case GateCondition.Constant c -> {
          result.put("threshold", c.value());
          passed = condition.comparison().test(left, c.value());
        }
        case GateCondition.Champion c -> {
          if (!hasChampion) {
            result.put("note", "no champion yet: holds");
            passed = true;
          } else {
            double champ = metric(champion, c.metric(), "champion");
            result.put("champion", champ);
            result.put("threshold", champ + c.offset());
            passed = condition.comparison().test(left, champ + c.offset());
          }
        }
      }
      result.put("passed", passed);
      if (!passed) {
        failed.add(
            condition
                + " (candidate "
                + format(left)
                + (result.has("champion")
                    ? ", champion " + format(result.get("champion").asDouble())
                    : "")
                + ")");
      }
      context.log().info((passed ? "holds: " : "fails: ") + result);
    }
    boolean passed = failed.isEmpty();
    decision.put("passed", passed);
    if (hasChampion) {
      decision.put("champion_version", metrics.path("champion_version").asText(""));
    }
    record(context, decision, passed);
    if (!passed) {
      throw StepFailure.of("gate not passed: " + String.join("; ", failed));
    }
    return Outcome.of(outputs);
  }

  private void record(StepContext context, ObjectNode decision, boolean passed) {
    long now = Instant.now().toEpochMilli();
    String id = context.step().id();
    List<Metric> metrics = new ArrayList<>();
    metrics.add(new Metric("gate." + id + ".passed", passed ? 1 : 0, now, context.attempt()));
    tracking.logBatch(
        context.trackingRunId(),
        metrics,
        List.of(),
        List.of(new KeyValue("tend.gate." + id, truncate(decision.toString()))));
  }

  private static String truncate(String text) {
    return text.length() <= 5000 ? text : text.substring(0, 4997) + "...";
  }

  private static double metric(JsonNode metrics, String name, String role) throws StepFailure {
    JsonNode value = metrics.get(name);
    if (value == null || !value.isNumber()) {
      throw StepFailure.of(
          "the evaluation has no '" + name + "' for the " + role + "; it has " + names(metrics));
    }
    return value.asDouble();
  }

  private static String names(JsonNode metrics) {
    List<String> names = new ArrayList<>();
    metrics.fieldNames().forEachRemaining(names::add);
    return names.isEmpty() ? "none" : String.join(", ", names);
  }

  private static String format(double value) {
    return String.format(java.util.Locale.ROOT, "%.4f", value);
  }
}
