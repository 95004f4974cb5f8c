package dev.tend.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed, validated pipeline: parameters, triggers and steps whose {@code needs} form a DAG.
 * Built by {@link PipelineParser}.
 */
public record Pipeline(
    String name,
    Optional<String> description,
    List<Param> params,
    List<Trigger> triggers,
    List<Step> steps) {
  public Pipeline {
    requireNonNull(name, "name is null");
    requireNonNull(description, "description is null");
    params = List.copyOf(params);
    triggers = List.copyOf(triggers);
    steps = List.copyOf(steps);
  }

  public Optional<Step> step(String id) {
    return steps.stream().filter(s -> s.id().equals(id)).findFirst();
  }

  /** The steps in an order where each comes after the steps it needs; ties keep file order. */
  public List<Step> topologicalOrder() {
    Map<String, List<String>> needs = new LinkedHashMap<>();
    for (Step step : steps) {
      needs.put(step.id(), step.needs());
    }
    return Dag.topologicalOrder(needs).stream().map(id -> step(id).orElseThrow()).toList();
  }
}
