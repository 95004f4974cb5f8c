package dev.tend.pipelines;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A run this process now holds the lease of, with its steps in execution order. A step still {@code
 * RUNNING} in a claim was interrupted: the process that started it lost its lease (it died or
 * stalled).
 */
public record Claim(PipelineRun run, List<StepRun> steps) {
  public Claim {
    requireNonNull(run, "run is null");
    steps = List.copyOf(steps);
  }
}
