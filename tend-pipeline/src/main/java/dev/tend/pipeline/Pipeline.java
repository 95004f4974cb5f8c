package dev.tend.pipeline;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed, validated pipeline: parameters, triggers and steps whose {@code needs} form a DAG.
 * Built by {@link PipelineParser}.
 *
 * @param retries how many times a failed or interrupted step is retried before the run fails,
 *     unless the step says otherwise ({@link #retriesFor})
 * @param retryBackoff the wait before the first retry; it doubles for each further retry
 * @param timeout the longest the whole run may take
 */
public record Pipeline(
    String name,
    Optional<String> description,
    List<Param> params,
    List<Trigger> triggers,
    List<Step> steps,
    int retries,
    Duration retryBackoff,
    Duration timeout) {
  public static final int DEFAULT_RETRIES = 2;
  public static final int MAX_RETRIES = 10;
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(30);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(6);

  public Pipeline {
    requireNonNull(name, "name is null");
    requireNonNull(description, "description is null");
    params = List.copyOf(params);
    triggers = List.copyOf(triggers);
    steps = List.copyOf(steps);
    if (retries < 0 || retries > MAX_RETRIES) {
      throw new IllegalArgumentException("retries must be from 0 to " + MAX_RETRIES);
    }
    requireNonNull(retryBackoff, "retryBackoff is null");
    requireNonNull(timeout, "timeout is null");
  }

  /** How many times {@code step} is retried: its own {@code retries}, else the pipeline's. */
  public int retriesFor(Step step) {
    return step.retries().orElse(retries);
  }

  /**
   * The wait before retry number {@code retry} (1 for the first): the backoff, doubled each time.
   */
  public Duration retryDelay(int retry) {
    if (retry < 1 || retry > MAX_RETRIES) {
      throw new IllegalArgumentException("retry must be from 1 to " + MAX_RETRIES + ": " + retry);
    }
    return retryBackoff.multipliedBy(1L << (retry - 1));
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
