package dev.tend.server.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.pipeline.Param;
import dev.tend.pipeline.Pipeline;
import dev.tend.pipeline.PipelineException;
import dev.tend.pipeline.PipelineParser;
import dev.tend.pipeline.Step;
import dev.tend.pipeline.StepKind;
import dev.tend.pipelines.Claim;
import dev.tend.pipelines.LeaseLostException;
import dev.tend.pipelines.PipelineRepository;
import dev.tend.pipelines.PipelineRun;
import dev.tend.pipelines.PipelineRunStatus;
import dev.tend.pipelines.ResourceUse;
import dev.tend.pipelines.StepResult;
import dev.tend.pipelines.StepRun;
import dev.tend.pipelines.StepStatus;
import dev.tend.projects.Project;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes one claimed run: its steps in order from the first that has not succeeded, each under
 * its time limit and the run's, recording each step's outcome, use and log. A step left {@code
 * RUNNING} by a process that died is failed as interrupted and retried like any retryable failure.
 * A failed step is retried after a doubling back-off while the pipeline allows (the run goes back
 * to the queue, so another process may take it up); otherwise the run fails with the step's reason
 * and the remaining steps are skipped. Every store write is fenced by the lease: once it is lost
 * ({@link LeaseLostException}) the execution stops without writing anything more.
 */
final class RunExecution {
  private static final Logger LOG = LoggerFactory.getLogger(RunExecution.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PipelineRepository repository;
  private final Map<StepKind, StepAction> actions;
  private final RunRecorder recorder;
  private final ScheduledExecutorService timers;
  private final String owner;
  private final Path workRoot;
  private final Claim claim;
  private final Project project;
  private volatile StepControl current;
  private volatile String stopRequest;
  private volatile boolean requeue;

  RunExecution(
      PipelineRepository repository,
      Map<StepKind, StepAction> actions,
      RunRecorder recorder,
      ScheduledExecutorService timers,
      String owner,
      Path workRoot,
      Claim claim,
      Project project) {
    this.repository = repository;
    this.actions = actions;
    this.recorder = recorder;
    this.timers = timers;
    this.owner = owner;
    this.workRoot = workRoot;
    this.claim = claim;
    this.project = project;
  }

  String runId() {
    return claim.run().id();
  }

  /** Stops the step running now and ends the run: a cancellation or a lost lease. */
  void stop(String reason) {
    stop(reason, false);
  }

  /**
   * Stops the step running now; with {@code requeue} (the server shutting down) the step is retried
   * at once, here after a restart or by another server, without counting against its retries'
   * back-off.
   */
  void stop(String reason, boolean requeue) {
    this.requeue = requeue;
    stopRequest = reason;
    StepControl control = current;
    if (control != null) {
      control.stop(reason);
    }
  }

  /** Runs until the run ends, goes back to the queue for a retry, or the lease is lost. */
  void execute() {
    PipelineRun run = claim.run();
    try {
      Pipeline pipeline;
      Map<String, Object> params;
      try {
        pipeline = PipelineParser.parse(run.yaml(), run.pipelineName() + ".yaml");
        params = params(pipeline, run.params());
      } catch (PipelineException | IllegalArgumentException e) {
        finish(PipelineRunStatus.FAILED, "the pipeline cannot run: " + message(e));
        return;
      }
      String trackingRunId = recorder.start(project, run, pipeline, params);
      if (run.trackingRunId().isEmpty()) {
        repository.setTrackingRun(run.id(), owner, trackingRunId);
      }
      Bindings bindings = new Bindings(params);
      Instant deadline = run.startedAt().orElse(Instant.now()).plus(pipeline.timeout());
      for (StepRun stored : claim.steps()) {
        Step step =
            pipeline
                .step(stored.stepId())
                .orElseThrow(() -> new IllegalStateException("no step " + stored.stepId()));
        switch (stored.status()) {
          case SUCCEEDED -> {
            bindings.putOutputs(step.id(), readOutputs(stored.outputs()));
            continue;
          }
          case SKIPPED, CANCELLED -> {
            continue;
          }
          case RUNNING -> {
            String reason = "interrupted: the server running it stopped before it finished";
            repository.finishStep(
                run.id(),
                owner,
                step.id(),
                new StepResult(
                    StepStatus.FAILED,
                    "{}",
                    Optional.of(reason),
                    ResourceUse.NONE,
                    Optional.empty()),
                Instant.now());
            recorder.log(run.id(), step.id(), reason);
            failed(pipeline, step, stored.attempts(), StepFailure.retryable(reason, null));
            return;
          }
          case FAILED -> {
            // Left by a process that died between failing the step and deciding what next.
            failed(
                pipeline,
                step,
                stored.attempts(),
                StepFailure.retryable(stored.reason().orElse("failed"), null));
            return;
          }
          case PENDING -> {
            if (requeue) {
              repository.release(run.id(), owner);
              return;
            }
            if (stopRequest != null || repository.run(run.id()).orElseThrow().cancelRequested()) {
              finish(PipelineRunStatus.CANCELLED, "cancelled before step '" + step.id() + "'");
              return;
            }
            if (!Instant.now().isBefore(deadline)) {
              finish(
                  PipelineRunStatus.FAILED,
                  "the run exceeded its time limit of " + describe(pipeline.timeout()));
              return;
            }
            StepRun started = repository.startStep(run.id(), owner, step.id(), Instant.now());
            Optional<StepFailure> failure =
                runStep(pipeline, step, started, bindings, trackingRunId, deadline);
            if (failure.isPresent()) {
              if (requeue) {
                repository.retryStep(
                    run.id(), owner, step.id(), failure.get().getMessage(), Instant.now());
                return;
              }
              if (stopRequest != null && failure.get().getMessage().equals(stopRequest)) {
                finish(PipelineRunStatus.CANCELLED, stopRequest);
                return;
              }
              failed(pipeline, step, started.attempts(), failure.get());
              return;
            }
          }
        }
      }
      finish(PipelineRunStatus.SUCCEEDED, null);
    } catch (LeaseLostException e) {
      LOG.warn("pipeline run {}: {}; another process takes it over", run.id(), e.getMessage());
    }
  }

  /* Runs one started step; empty when it succeeded (its outputs are then bound). */
  private Optional<StepFailure> runStep(
      Pipeline pipeline,
      Step step,
      StepRun started,
      Bindings bindings,
      String trackingRunId,
      Instant runDeadline) {
    PipelineRun run = claim.run();
    StepLog log = new StepLog(repository, run.id(), step.id());
    StepControl control = new StepControl(Thread.currentThread());
    current = control;
    if (stopRequest != null) {
      control.stop(stopRequest);
    }
    Duration limit = step.timeout();
    Duration untilDeadline = Duration.between(Instant.now(), runDeadline);
    String limitReason =
        untilDeadline.compareTo(limit) < 0
            ? "the run exceeded its time limit of " + describe(pipeline.timeout())
            : "the step exceeded its time limit of " + describe(limit);
    ScheduledFuture<?> timer =
        timers.schedule(
            () -> control.stop(limitReason),
            Math.max(1, Math.min(limit.toMillis(), untilDeadline.toMillis())),
            TimeUnit.MILLISECONDS);
    ScheduledFuture<?> flusher =
        timers.scheduleWithFixedDelay(
            () -> {
              try {
                log.flush();
              } catch (RuntimeException e) {
                LOG.debug("cannot flush the log of step {}", step.id(), e);
              }
            },
            1,
            1,
            TimeUnit.SECONDS);
    Path work = workRoot.resolve("pipeline-" + run.id() + "-" + step.id());
    ResourceMeter meter = ResourceMeter.start();
    StepAction.Outcome outcome = null;
    StepFailure failure = null;
    log.info(
        "step '" + step.id() + "' (" + step.kind().label() + "), attempt " + started.attempts());
    try {
      deleteTree(work);
      Files.createDirectories(work);
      outcome =
          actions
              .get(step.kind())
              .execute(
                  new StepContext(
                      project,
                      run,
                      pipeline,
                      step,
                      started.attempts(),
                      bindings,
                      log,
                      control,
                      work,
                      trackingRunId,
                      recorder.experimentOf(trackingRunId)));
      control.check();
    } catch (StepFailure e) {
      failure =
          control
              .stopReason()
              .map(
                  reason ->
                      e.usage()
                          .map(StepFailure.of(reason)::withUsage)
                          .orElse(StepFailure.of(reason)))
              .orElse(e);
    } catch (LeaseLostException e) {
      throw e;
    } catch (IOException | UncheckedIOException e) {
      failure = StepFailure.retryable("an I/O error: " + message(e), e);
    } catch (RuntimeException e) {
      LOG.warn("pipeline run {} step {} failed", run.id(), step.id(), e);
      failure =
          control
              .stopReason()
              .map(StepFailure::of)
              .orElse(StepFailure.retryable("an internal error: " + message(e), e));
    } finally {
      timer.cancel(false);
      flusher.cancel(false);
      current = null;
      Thread.interrupted();
      try {
        deleteTree(work);
      } catch (IOException e) {
        LOG.warn("cannot remove the work folder {}", work, e);
      }
    }
    ResourceUse measured = meter.stop();
    Optional<ResourceUse> own =
        outcome != null ? outcome.usage() : failure != null ? failure.usage() : Optional.empty();
    ResourceUse usage =
        own.isPresent()
            ? new ResourceUse(
                measured.wallMillis(), own.get().cpuMillis(), own.get().peakMemoryBytes())
            : measured;
    StepResult result;
    if (failure == null) {
      log.info("step '" + step.id() + "' succeeded in " + usage.wallMillis() + " ms");
      result =
          new StepResult(
              StepStatus.SUCCEEDED,
              outcome.outputs().toString(),
              Optional.empty(),
              usage,
              outcome.trackingRunId());
    } else {
      boolean cancelled =
          !requeue
              && stopRequest != null
              && control.stopReason().filter(stopRequest::equals).isPresent();
      log.info(
          "step '"
              + step.id()
              + "' "
              + (cancelled ? "cancelled: " : "failed: ")
              + failure.getMessage());
      result =
          new StepResult(
              cancelled ? StepStatus.CANCELLED : StepStatus.FAILED,
              "{}",
              Optional.of(failure.getMessage()),
              usage,
              Optional.empty());
    }
    log.flush();
    StepRun finished = repository.finishStep(run.id(), owner, step.id(), result, Instant.now());
    recorder.step(trackingRunId, finished, outcome == null ? null : outcome.outputs());
    if (failure == null) {
      bindings.putOutputs(step.id(), outcome.outputs());
      return Optional.empty();
    }
    return Optional.of(failure);
  }

  /* A step failed: retry it after a back-off when allowed, else fail the run. */
  private void failed(Pipeline pipeline, Step step, int attempts, StepFailure failure) {
    int retries = pipeline.retriesFor(step);
    String reason = "step '" + step.id() + "' failed: " + failure.getMessage();
    if (failure.retryable() && attempts <= retries) {
      Duration backoff = pipeline.retryDelay(attempts);
      repository.retryStep(
          claim.run().id(), owner, step.id(), failure.getMessage(), Instant.now().plus(backoff));
      recorder.log(
          claim.run().id(),
          step.id(),
          "retrying step '"
              + step.id()
              + "' in "
              + describe(backoff)
              + " (attempt "
              + (attempts + 1)
              + " of "
              + (retries + 1)
              + ")");
      return;
    }
    if (failure.retryable() && attempts > retries) {
      reason += " (after " + attempts + " attempts)";
    }
    finish(PipelineRunStatus.FAILED, reason);
  }

  /* The tracked run is ended first, so once the run shows as ended its record is complete. */
  private void finish(PipelineRunStatus status, String reason) {
    Instant now = Instant.now();
    repository
        .run(claim.run().id())
        .flatMap(PipelineRun::trackingRunId)
        .ifPresent(
            id -> recorder.finish(id, claim.run().id(), status, Optional.ofNullable(reason), now));
    repository.finishRun(claim.run().id(), owner, status, Optional.ofNullable(reason), now);
  }

  /* The run's parameter values typed, with the pipeline's defaults for those not given. */
  static Map<String, Object> params(Pipeline pipeline, Map<String, String> given) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Param param : pipeline.params()) {
      String text = given.get(param.name());
      try {
        values.put(param.name(), text == null ? param.defaultValue() : Bindings.typed(param, text));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "param '" + param.name() + "' must be " + param.type().label() + ", not '" + text + "'",
            e);
      }
    }
    for (String name : given.keySet()) {
      if (pipeline.params().stream().noneMatch(p -> p.name().equals(name))) {
        throw new IllegalArgumentException(
            "pipeline '"
                + pipeline.name()
                + "' has no param '"
                + name
                + "'; its params: "
                + (pipeline.params().isEmpty()
                    ? "none"
                    : String.join(", ", pipeline.params().stream().map(Param::name).toList())));
      }
    }
    return values;
  }

  private static JsonNode readOutputs(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  static String describe(Duration duration) {
    return duration.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
  }

  private static String message(Throwable e) {
    if (e instanceof PipelineException p) {
      return p.describe();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
