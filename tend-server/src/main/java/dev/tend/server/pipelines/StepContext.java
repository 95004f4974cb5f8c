package dev.tend.server.pipelines;

import static java.util.Objects.requireNonNull;

import dev.tend.pipeline.Pipeline;
import dev.tend.pipeline.Step;
import dev.tend.pipelines.PipelineRun;
import dev.tend.projects.Project;
import java.nio.file.Path;

/**
 * What a step runs with: its run, pipeline and definition, the attempt (from 1), the values it may
 * refer to, its log, its stop control, a work folder of its own (removed after the step), and the
 * tracked run recording the pipeline run.
 */
record StepContext(
    Project project,
    PipelineRun run,
    Pipeline pipeline,
    Step step,
    int attempt,
    Bindings bindings,
    StepLog log,
    StepControl control,
    Path workDir,
    String trackingRunId,
    long experimentId) {
  StepContext {
    requireNonNull(project, "project is null");
    requireNonNull(run, "run is null");
    requireNonNull(pipeline, "pipeline is null");
    requireNonNull(step, "step is null");
    requireNonNull(bindings, "bindings is null");
    requireNonNull(log, "log is null");
    requireNonNull(control, "control is null");
    requireNonNull(workDir, "workDir is null");
    requireNonNull(trackingRunId, "trackingRunId is null");
  }

  /** Who the step acts as: the user or trigger that started the run. */
  String actor() {
    return run.createdBy();
  }

  /** A key unique to this step of this run, for making a step's effects idempotent. */
  String stepKey() {
    return run.id() + "/" + step.id();
  }
}
