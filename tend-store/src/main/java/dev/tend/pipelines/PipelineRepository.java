package dev.tend.pipelines;

import dev.tend.store.Database;
import dev.tend.store.Page;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Named pipeline definitions and the durable queue of pipeline runs.
 *
 * <p>Execution is shared by every server process on one database through leases: {@link #claimNext}
 * hands a due run to exactly one process until its lease expires, and every change a process makes
 * to a claimed run ({@code startStep}, {@code finishStep}, {@code retryStep}, {@code finishRun},
 * {@code setTrackingRun}, {@code release}) is fenced: it happens only while that process still
 * holds an unexpired lease, otherwise it changes nothing and throws {@link LeaseLostException}. A
 * step moves from {@code PENDING} to {@code RUNNING} once per attempt, so two processes never start
 * the same attempt. A process that dies leaves its run {@code RUNNING} until the lease expires; the
 * next claim hands it over with the interrupted step still {@code RUNNING} for the new owner to
 * fail and retry. Fenced calls that take no {@code now} ({@code retryStep}, {@code setTrackingRun},
 * {@code release}) check the lease against the database's clock ({@link Database#now()}).
 *
 * <p>A missing run is a {@link dev.tend.store.NotFoundException}; a change that does not fit the
 * current status (starting a step that is not pending) an {@link IllegalStateException}. Each call
 * is one transaction. Enqueueing, cancelling, finishing runs and applying definitions are audited.
 * Thread-safe.
 */
public interface PipelineRepository {
  /** Most log lines kept per step; later lines are counted in {@link StepRun#droppedLogLines()}. */
  int MAX_LOG_LINES_PER_STEP = 20_000;

  /** Longest log line kept, in characters; longer lines are cut and end with an ellipsis. */
  int MAX_LOG_LINE_LENGTH = 4_000;

  /** Most runs a listing returns at once. */
  int MAX_RUN_RESULTS = 1_000;

  /** The pipelines and run queue of {@code database}. */
  static PipelineRepository of(Database database) {
    return new JdbiPipelineRepository(database);
  }

  /**
   * Stores {@code yaml} and {@code files} as the next version of the named pipeline, or returns the
   * latest version unchanged when its text and files are the same.
   */
  PipelineDefinition apply(
      String projectId, String name, String yaml, Map<String, String> files, String actor);

  /** The latest version of the named pipeline. */
  Optional<PipelineDefinition> definition(String projectId, String name);

  Optional<PipelineDefinition> definition(String projectId, String name, int version);

  /** The latest version of each pipeline of a project, by name. */
  List<PipelineDefinition> definitions(String projectId);

  /** The latest version of each pipeline of every project (for the schedulers). */
  List<PipelineDefinition> allDefinitions();

  /** Deletes every version of a definition and its trigger cursors; its runs stay. */
  void deleteDefinition(String projectId, String name, String actor);

  /**
   * Queues a run with its steps {@code PENDING}. When the trigger has a key and the pipeline
   * already has a run with that key, nothing is queued and that run is returned.
   */
  PipelineRun enqueue(NewPipelineRun run);

  Optional<PipelineRun> run(String runId);

  /** Runs of a project, newest first, optionally of one pipeline and in one status. */
  Page<PipelineRun> runs(
      String projectId,
      Optional<String> pipelineName,
      Optional<PipelineRunStatus> status,
      int maxResults,
      Optional<String> cursor);

  /** The runs of a project queued in {@code [from, to)}, oldest first. */
  List<QueuedRun> runsQueued(String projectId, Instant from, Instant to);

  /** The steps of a run in execution order. */
  List<StepRun> steps(String runId);

  /**
   * Cancels a run: a queued one at once (its steps {@code SKIPPED}, status {@code CANCELLED}); a
   * running one is flagged {@link PipelineRun#cancelRequested()} for its owner to stop; a finished
   * one is returned unchanged.
   */
  PipelineRun requestCancel(String runId, String actor);

  /**
   * Claims the due run that has waited longest: a {@code QUEUED} run whose {@code notBefore} has
   * passed, or a {@code RUNNING} run whose lease expired. It becomes {@code RUNNING} under {@code
   * owner} until {@code now + lease}. Empty when no run is due or another process won the race.
   */
  Optional<Claim> claimNext(String owner, Instant now, Duration lease);

  /**
   * Extends the lease to {@code now + lease} and returns the run (to see a cancellation request);
   * empty when the lease was lost.
   */
  Optional<PipelineRun> renew(String runId, String owner, Instant now, Duration lease);

  /** Starts the next attempt of a {@code PENDING} step: {@code RUNNING}, attempts + 1. */
  StepRun startStep(String runId, String owner, String stepId, Instant now);

  /** Ends a {@code RUNNING} step with {@code result}. */
  StepRun finishStep(String runId, String owner, String stepId, StepResult result, Instant now);

  /**
   * Puts a {@code FAILED} step back to {@code PENDING} (its attempts and reason kept) and the run
   * back in the queue, not to be claimed before {@code notBefore}; the lease is released.
   */
  PipelineRun retryStep(
      String runId, String owner, String stepId, String reason, Instant notBefore);

  /**
   * Ends the run ({@code SUCCEEDED}, {@code FAILED} or {@code CANCELLED}): steps still {@code
   * PENDING} become {@code SKIPPED}, a step left {@code RUNNING} becomes {@code CANCELLED}; the
   * lease is released.
   */
  PipelineRun finishRun(
      String runId, String owner, PipelineRunStatus status, Optional<String> reason, Instant now);

  /** Records the tracked run that records this pipeline run. */
  void setTrackingRun(String runId, String owner, String trackingRunId);

  /** Gives a claimed run back to the queue, due at once (a process shutting down). */
  void release(String runId, String owner);

  /**
   * Appends lines to a step's log; past {@link #MAX_LOG_LINES_PER_STEP} they are only counted, and
   * each is cut to {@link #MAX_LOG_LINE_LENGTH}.
   */
  void appendLog(String runId, String stepId, String stream, List<String> lines, Instant at);

  /** Up to {@code max} log lines of a run (of one step, if given) with {@code seq > afterSeq}. */
  List<LogLine> logs(String runId, Optional<String> stepId, long afterSeq, int max);

  /** The position a trigger of a pipeline has reached (a time, an alias history id). */
  Optional<String> cursor(String projectId, String pipelineName, String triggerKey);

  /**
   * Moves a trigger's cursor from {@code expected} (empty: not set yet) to {@code next}; false,
   * changing nothing, when another process moved it first.
   */
  boolean moveCursor(
      String projectId,
      String pipelineName,
      String triggerKey,
      Optional<String> expected,
      String next);
}
