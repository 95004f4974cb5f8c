package dev.tend.server.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tend.pipeline.Pipeline;
import dev.tend.pipelines.LogLine;
import dev.tend.pipelines.PipelineRepository;
import dev.tend.pipelines.PipelineRun;
import dev.tend.pipelines.PipelineRunStatus;
import dev.tend.pipelines.StepRun;
import dev.tend.projects.Project;
import dev.tend.tracking.KeyValue;
import dev.tend.tracking.Metric;
import dev.tend.tracking.NewRun;
import dev.tend.tracking.RunArtifacts;
import dev.tend.tracking.RunInfo;
import dev.tend.tracking.RunStatus;
import dev.tend.tracking.TrackingRepository;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Records pipeline runs as MLflow-compatible tracked runs in the experiment {@code
 * pipelines/<project>/<pipeline>}: the pipeline, trigger and code version as tags, the parameter
 * values as params, each step's wall and CPU seconds and peak memory as metrics, the evaluate
 * steps' metrics, and at the end the status and each step's log as an artifact under {@code logs/}.
 * Train steps record their own runs as children ({@code mlflow.parentRunId}).
 */
final class RunRecorder {
  /** Tags naming the pipeline and the pipeline run on tracked runs. */
  static final String PIPELINE_TAG = "tend.pipeline";

  static final String PIPELINE_RUN_TAG = "tend.pipeline.run";

  private static final int LOG_PAGE = 5_000;

  private final TrackingRepository tracking;
  private final RunArtifacts artifacts;
  private final PipelineRepository repository;

  RunRecorder(TrackingRepository tracking, RunArtifacts artifacts, PipelineRepository repository) {
    this.tracking = tracking;
    this.artifacts = artifacts;
    this.repository = repository;
  }

  /** The tracked run of {@code run}, created at its first execution. */
  String start(Project project, PipelineRun run, Pipeline pipeline, Map<String, Object> params) {
    if (run.trackingRunId().isPresent()) {
      String id = run.trackingRunId().get();
      tracking.updateRun(id, Optional.of(RunStatus.RUNNING), Optional.empty(), Optional.empty());
      return id;
    }
    long experiment = experiment(project, run.pipelineName());
    List<KeyValue> tags = new ArrayList<>();
    tags.add(new KeyValue("mlflow.source.name", "pipeline " + run.pipelineName()));
    tags.add(new KeyValue("mlflow.source.type", "JOB"));
    tags.add(new KeyValue("mlflow.user", run.createdBy()));
    tags.add(new KeyValue(PIPELINE_TAG, run.pipelineName()));
    tags.add(new KeyValue(PIPELINE_RUN_TAG, run.id()));
    tags.add(new KeyValue("tend.pipeline.trigger", run.trigger().detail()));
    run.definitionVersion()
        .ifPresent(v -> tags.add(new KeyValue("tend.pipeline.version", Integer.toString(v))));
    run.codeVersion().ifPresent(c -> tags.add(new KeyValue("mlflow.source.git.commit", c)));
    pipeline.description().ifPresent(d -> tags.add(new KeyValue("mlflow.note.content", d)));
    RunInfo info =
        tracking.createRun(
            new NewRun(
                experiment,
                Optional.of(run.pipelineName() + "-" + run.id().substring(run.id().length() - 6)),
                Optional.of(run.createdBy()),
                Optional.of(run.createdAt().toEpochMilli()),
                tags));
    List<KeyValue> logged = new ArrayList<>();
    params.forEach((k, v) -> logged.add(new KeyValue(k, String.valueOf(v))));
    tracking.logBatch(info.runId(), List.of(), logged, List.of());
    return info.runId();
  }

  long experimentOf(String trackingRunId) {
    return tracking.runInfo(trackingRunId).orElseThrow().experimentId();
  }

  /** Records a finished step's use and, for an evaluate step, its metrics. */
  void step(String trackingRunId, StepRun step, JsonNode outputs) {
    long now = Instant.now().toEpochMilli();
    String prefix = "step." + step.stepId() + ".";
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put(prefix + "wall_seconds", step.usage().wallMillis() / 1000.0);
    metrics.put(prefix + "cpu_seconds", step.usage().cpuMillis() / 1000.0);
    metrics.put(prefix + "peak_memory_mb", step.usage().peakMemoryBytes() / (1024.0 * 1024.0));
    if (outputs != null && outputs.path("metrics").isObject()) {
      for (var role : outputs.path("metrics").properties()) {
        if (role.getValue().isObject()) {
          for (var m : role.getValue().properties()) {
            if (m.getValue().isNumber()) {
              metrics.put(
                  step.stepId() + "." + role.getKey() + "." + m.getKey(), m.getValue().asDouble());
            }
          }
        }
      }
    }
    List<Metric> logged = new ArrayList<>();
    metrics.forEach(
        (k, v) -> {
          if (Double.isFinite(v)) {
            logged.add(new Metric(k, v, now, step.attempts()));
          }
        });
    tracking.logBatch(
        trackingRunId,
        logged,
        List.of(),
        List.of(new KeyValue("tend.step." + step.stepId(), step.status().name())));
  }

  /** A line of the runner's own in a step's log. */
  void log(String runId, String stepId, String line) {
    repository.appendLog(runId, stepId, "tend", List.of(line), Instant.now());
  }

  /** Ends the tracked run with the run's status and keeps each step's log as an artifact. */
  void finish(
      String id,
      String runId,
      PipelineRunStatus status,
      Optional<String> reason,
      Instant finishedAt) {
    Map<String, StringBuilder> logs = new LinkedHashMap<>();
    long after = 0;
    while (true) {
      List<LogLine> page = repository.logs(runId, Optional.empty(), after, LOG_PAGE);
      for (LogLine line : page) {
        logs.computeIfAbsent(line.stepId(), s -> new StringBuilder())
            .append(line.at())
            .append(' ')
            .append(line.stream())
            .append(' ')
            .append(line.text())
            .append('\n');
        after = line.seq();
      }
      if (page.size() < LOG_PAGE) {
        break;
      }
    }
    logs.forEach(
        (step, text) ->
            artifacts.put(
                id,
                "logs/" + step + ".log",
                new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8))));
    List<KeyValue> tags = new ArrayList<>();
    tags.add(new KeyValue("tend.pipeline.status", status.name()));
    reason.ifPresent(r -> tags.add(new KeyValue("tend.pipeline.reason", truncate(r))));
    tracking.logBatch(id, List.of(), List.of(), tags);
    RunStatus tracked =
        switch (status) {
          case SUCCEEDED -> RunStatus.FINISHED;
          case CANCELLED -> RunStatus.KILLED;
          default -> RunStatus.FAILED;
        };
    tracking.updateRun(
        id, Optional.of(tracked), Optional.of(finishedAt.toEpochMilli()), Optional.empty());
  }

  private static String truncate(String text) {
    return text.length() <= 5000 ? text : text.substring(0, 4997) + "...";
  }

  /* pipelines/<project>/<pipeline>, created at the first run. */
  private long experiment(Project project, String pipeline) {
    return tracking
        .ensureExperiment(
            project.id(),
            "pipelines/" + project.name() + "/" + pipeline,
            List.of(new KeyValue(PIPELINE_TAG, pipeline)),
            "system")
        .id();
  }
}
