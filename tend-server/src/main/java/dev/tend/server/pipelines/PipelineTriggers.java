package dev.tend.server.pipelines;

import dev.tend.datasets.Dataset;
import dev.tend.datasets.DatasetRepository;
import dev.tend.datasets.DatasetVersion;
import dev.tend.pipeline.Cron;
import dev.tend.pipeline.Pipeline;
import dev.tend.pipeline.PipelineException;
import dev.tend.pipeline.PipelineParser;
import dev.tend.pipeline.Trigger;
import dev.tend.pipelines.PipelineDefinition;
import dev.tend.pipelines.PipelineRepository;
import dev.tend.pipelines.PipelineRun;
import dev.tend.pipelines.RunTrigger;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues runs of stored pipelines when their triggers fire: a cron schedule (in UTC) reaching its
 * next time, a dataset alias moving ({@code dataset_version: flights@production}; a plain dataset
 * name watches {@code latest}, which moves with each accepted version), or an alert firing ({@link
 * #alertFired}). Each trigger keeps a cursor in the database (the last schedule time, the alias's
 * version) moved by compare-and-set, and each run it queues carries a key naming the event, so
 * several servers checking at once queue one run per event. A new trigger starts from now: it does
 * not catch up on the past; a schedule missed while no server ran fires once, for its latest time.
 * Thread-safe.
 */
public final class PipelineTriggers implements AutoCloseable {
  /** Who queues the runs triggers start ({@code queued_by}). */
  public static final String ACTOR = "trigger";

  private static final Logger LOG = LoggerFactory.getLogger(PipelineTriggers.class);
  private static final int MAX_CATCH_UP = 100_000;

  private final PipelineRepository repository;
  private final PipelineService service;
  private final ProjectRepository projects;
  private final DatasetRepository datasets;
  private final ScheduledExecutorService timer;

  public PipelineTriggers(
      PipelineService service, ProjectRepository projects, DatasetRepository datasets) {
    this.service = service;
    this.repository = service.repository();
    this.projects = projects;
    this.datasets = datasets;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("tend-pipeline-triggers").factory());
  }

  /** Checks every trigger every {@code period}. */
  public PipelineTriggers start(Duration period) {
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            check(Instant.now());
          } catch (RuntimeException e) {
            LOG.warn("checking pipeline triggers failed", e);
          }
        },
        0,
        period.toMillis(),
        TimeUnit.MILLISECONDS);
    return this;
  }

  /** Checks every schedule and dataset trigger once at {@code now}; returns the runs queued. */
  public List<PipelineRun> check(Instant now) {
    List<PipelineRun> queued = new ArrayList<>();
    for (PipelineDefinition definition : repository.allDefinitions()) {
      Optional<Pipeline> pipeline = parse(definition);
      Optional<Project> project = projects.get(definition.projectId());
      if (pipeline.isEmpty() || project.isEmpty()) {
        continue;
      }
      for (Trigger trigger : pipeline.get().triggers()) {
        try {
          switch (trigger) {
            case Trigger.Schedule s ->
                schedule(project.get(), definition, s, now).ifPresent(queued::add);
            case Trigger.OnDatasetVersion d ->
                dataset(project.get(), definition, d).ifPresent(queued::add);
            case Trigger.OnAlert a -> {}
          }
        } catch (RuntimeException e) {
          LOG.warn("trigger {} of pipeline {} failed", trigger, definition.name(), e);
        }
      }
    }
    return queued;
  }

  /**
   * Queues a run of every stored pipeline of the project with an {@code alert: <name>} trigger; one
   * run per pipeline and incident however often it is reported.
   */
  public List<PipelineRun> alertFired(String projectId, String alert, String incidentId) {
    List<PipelineRun> queued = new ArrayList<>();
    Optional<Project> project = projects.get(projectId);
    if (project.isEmpty()) {
      return queued;
    }
    for (PipelineDefinition definition : repository.definitions(projectId)) {
      Optional<Pipeline> pipeline = parse(definition);
      if (pipeline.isEmpty()) {
        continue;
      }
      boolean listens =
          pipeline.get().triggers().stream()
              .anyMatch(t -> t instanceof Trigger.OnAlert a && a.alert().equals(alert));
      if (listens) {
        queued.add(
            enqueue(
                project.get(),
                definition,
                new RunTrigger(
                    RunTrigger.Kind.ALERT,
                    "alert " + alert + " fired (incident " + incidentId + ")",
                    Optional.of("alert:" + alert + ":" + incidentId))));
      }
    }
    return queued;
  }

  private Optional<PipelineRun> schedule(
      Project project, PipelineDefinition definition, Trigger.Schedule schedule, Instant now) {
    Cron cron = schedule.cron();
    String key = "schedule:" + cron.text();
    Optional<String> cursor = repository.cursor(project.id(), definition.name(), key);
    ZonedDateTime current = now.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
    if (cursor.isEmpty()) {
      repository.moveCursor(
          project.id(), definition.name(), key, Optional.empty(), current.toString());
      return Optional.empty();
    }
    ZonedDateTime from = ZonedDateTime.parse(cursor.get());
    Optional<ZonedDateTime> due = Optional.empty();
    Optional<ZonedDateTime> next = cron.next(from);
    for (int i = 0; i < MAX_CATCH_UP && next.isPresent() && !next.get().isAfter(current); i++) {
      due = next;
      next = cron.next(next.get());
    }
    if (due.isEmpty()
        || !repository.moveCursor(
            project.id(), definition.name(), key, cursor, due.get().toString())) {
      return Optional.empty();
    }
    String at = due.get().toInstant().toString();
    return Optional.of(
        enqueue(
            project,
            definition,
            new RunTrigger(
                RunTrigger.Kind.SCHEDULE,
                "schedule '" + cron.text() + "' at " + at,
                Optional.of(key + "@" + at))));
  }

  private Optional<PipelineRun> dataset(
      Project project, PipelineDefinition definition, Trigger.OnDatasetVersion trigger) {
    String alias = trigger.alias().orElse(dev.tend.datasets.Alias.LATEST);
    String watched = trigger.dataset() + "@" + alias;
    String key = "dataset:" + watched;
    Optional<Dataset> dataset = datasets.find(project.id(), trigger.dataset());
    Optional<DatasetVersion> version = dataset.flatMap(d -> datasets.resolve(d.id(), alias));
    String seen = version.map(v -> Integer.toString(v.number())).orElse("none");
    Optional<String> cursor = repository.cursor(project.id(), definition.name(), key);
    if (cursor.isEmpty()) {
      repository.moveCursor(project.id(), definition.name(), key, Optional.empty(), seen);
      return Optional.empty();
    }
    if (cursor.get().equals(seen)
        || version.isEmpty()
        || !repository.moveCursor(project.id(), definition.name(), key, cursor, seen)) {
      return Optional.empty();
    }
    return Optional.of(
        enqueue(
            project,
            definition,
            new RunTrigger(
                RunTrigger.Kind.DATASET,
                watched + " moved to version " + seen,
                Optional.of(key + ":" + seen))));
  }

  private PipelineRun enqueue(Project project, PipelineDefinition definition, RunTrigger trigger) {
    PipelineRun run = service.run(project, definition, Map.of(), Optional.empty(), trigger, ACTOR);
    LOG.info("queued run {} of pipeline {}: {}", run.id(), definition.name(), trigger.detail());
    return run;
  }

  private static Optional<Pipeline> parse(PipelineDefinition definition) {
    try {
      return Optional.of(PipelineParser.parse(definition.yaml(), definition.name() + ".yaml"));
    } catch (PipelineException e) {
      LOG.warn("stored pipeline {} does not parse: {}", definition.name(), e.describe());
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
