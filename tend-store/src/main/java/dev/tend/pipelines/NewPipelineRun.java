package dev.tend.pipelines;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A run to enqueue: the pipeline's name and text (a snapshot: later changes to the definition do
 * not affect it), the definition version it came from (empty for a file run directly), its files,
 * the parameter values, the trigger, the code version the caller reported (a git commit) and its
 * steps in execution order.
 */
public record NewPipelineRun(
    String projectId,
    String pipelineName,
    OptionalInt definitionVersion,
    String yaml,
    Map<String, String> files,
    Map<String, String> params,
    RunTrigger trigger,
    Optional<String> codeVersion,
    List<NewStep> steps,
    String actor) {
  public NewPipelineRun {
    requireNonNull(projectId, "projectId is null");
    requireNonNull(pipelineName, "pipelineName is null");
    requireNonNull(definitionVersion, "definitionVersion is null");
    requireNonNull(yaml, "yaml is null");
    files = Map.copyOf(files);
    params = Map.copyOf(params);
    requireNonNull(trigger, "trigger is null");
    requireNonNull(codeVersion, "codeVersion is null");
    steps = List.copyOf(steps);
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("a run needs at least one step");
    }
    requireNonNull(actor, "actor is null");
  }

  /** A step of the run: its id in the pipeline and its kind ({@code train}). */
  public record NewStep(String stepId, String kind) {
    public NewStep {
      requireNonNull(stepId, "stepId is null");
      requireNonNull(kind, "kind is null");
    }
  }
}
