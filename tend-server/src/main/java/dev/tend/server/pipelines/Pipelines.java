package dev.tend.server.pipelines;

import static java.util.Objects.requireNonNull;

import dev.tend.access.AccessRepository;
import dev.tend.artifacts.ArtifactStore;
import dev.tend.datasets.DatasetRepository;
import dev.tend.engine.Engine;
import dev.tend.pipeline.StepKind;
import dev.tend.pipelines.PipelineRepository;
import dev.tend.projects.ProjectRepository;
import dev.tend.registry.RegistryRepository;
import dev.tend.server.deployments.Deployments;
import dev.tend.server.training.TrainingService;
import dev.tend.tracking.RunArtifacts;
import dev.tend.tracking.TrackingRepository;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Everything pipelines need in one server: the service that checks and queues runs, the HTTP API,
 * the triggers and the runner, built over the store. The runner and triggers run only when asked
 * ({@link #start}), so a process can serve the API without executing runs. Close it before the
 * store and engine it uses. Thread-safe.
 */
public final class Pipelines implements AutoCloseable {
  /** How often triggers are checked by default. */
  public static final Duration TRIGGER_PERIOD = Duration.ofSeconds(5);

  private final PipelineService service;
  private final PipelinesApi api;
  private final PipelineTriggers triggers;
  private final PipelineRunner runner;
  private boolean started;

  /** The store and engine pipelines run over; owned by the caller. */
  public record Store(
      ProjectRepository projects,
      DatasetRepository datasets,
      TrackingRepository tracking,
      RunArtifacts runArtifacts,
      RegistryRepository registry,
      ArtifactStore artifacts,
      PipelineRepository pipelines,
      AccessRepository access,
      Engine engine,
      Path workDir) {
    public Store {
      requireNonNull(projects, "projects is null");
      requireNonNull(datasets, "datasets is null");
      requireNonNull(tracking, "tracking is null");
      requireNonNull(runArtifacts, "runArtifacts is null");
      requireNonNull(registry, "registry is null");
      requireNonNull(artifacts, "artifacts is null");
      requireNonNull(pipelines, "pipelines is null");
      requireNonNull(access, "access is null");
      requireNonNull(engine, "engine is null");
      requireNonNull(workDir, "workDir is null");
    }
  }

  /** Pipelines on a server without model serving: deploy steps may move aliases only. */
  public Pipelines(Store store, TrainingService training, PipelineRunner.Settings settings) {
    this(store, training, settings, Optional.empty());
  }

  /**
   * Pipelines whose deploy steps deploy to serving environments through {@code deployments}, the
   * same rules the deployments API applies.
   */
  public Pipelines(
      Store store,
      TrainingService training,
      PipelineRunner.Settings settings,
      Optional<Deployments> deployments) {
    requireNonNull(deployments, "deployments is null");
    this.service = new PipelineService(store.pipelines(), store.datasets());
    this.api = new PipelinesApi(store.projects(), service);
    this.triggers = new PipelineTriggers(service, store.projects(), store.datasets());
    DatasetResolver datasets =
        new DatasetResolver(store.datasets(), store.artifacts(), store.tracking());
    Map<StepKind, StepAction> actions = new EnumMap<>(StepKind.class);
    actions.put(StepKind.VALIDATE, new ValidateStep(datasets, store.engine()));
    actions.put(StepKind.TRAIN, new TrainStep(datasets, training));
    actions.put(
        StepKind.EVALUATE,
        new EvaluateStep(datasets, store.engine(), store.registry(), store.runArtifacts()));
    actions.put(StepKind.GATE, new GateStep(store.tracking()));
    actions.put(
        StepKind.REGISTER, new RegisterStep(training, store.registry(), store.runArtifacts()));
    actions.put(
        StepKind.DEPLOY,
        new DeployStep(store.registry(), store.pipelines(), store.access(), deployments));
    actions.put(
        StepKind.COMMAND,
        new CommandStep(datasets, store.engine(), store.tracking(), store.runArtifacts()));
    this.runner =
        new PipelineRunner(
            store.pipelines(),
            store.projects(),
            actions,
            new RunRecorder(store.tracking(), store.runArtifacts(), store.pipelines()),
            settings,
            store.workDir());
  }

  /** Starts executing queued runs and checking triggers every {@code triggerPeriod}. */
  public synchronized Pipelines start(Optional<Duration> triggerPeriod) {
    if (!started) {
      started = true;
      runner.start();
      triggerPeriod.ifPresent(triggers::start);
    }
    return this;
  }

  public PipelinesApi api() {
    return api;
  }

  public PipelineService service() {
    return service;
  }

  public PipelineTriggers triggers() {
    return triggers;
  }

  public PipelineRunner runner() {
    return runner;
  }

  @Override
  public void close() {
    try {
      triggers.close();
    } finally {
      runner.close();
    }
  }
}
