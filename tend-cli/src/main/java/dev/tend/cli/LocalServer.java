package dev.tend.cli;

import dev.tend.access.IssuedToken;
import dev.tend.alerting.AlertRepository;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.feedback.FeedbackRepository;
import dev.tend.server.StoreServices;
import dev.tend.server.TendServer;
import dev.tend.server.alerting.AlertSink;
import dev.tend.server.alerting.Alerting;
import dev.tend.server.alerting.AlertsApi;
import dev.tend.server.alerting.MetricHistory;
import dev.tend.server.config.TendConfig;
import dev.tend.server.datasets.DatasetsApi;
import dev.tend.server.deployments.DeploymentsApi;
import dev.tend.server.deployments.FeedbackRolloutQuality;
import dev.tend.server.deployments.RolloutController;
import dev.tend.server.deployments.RolloutMonitor;
import dev.tend.server.feedback.FeedbackApi;
import dev.tend.server.mlflow.MlflowApi;
import dev.tend.server.mlflow.MlflowArtifactsApi;
import dev.tend.server.mlflow.MlflowRegistryApi;
import dev.tend.server.pipelines.PipelineRunner;
import dev.tend.server.pipelines.Pipelines;
import dev.tend.server.projects.ProjectsApi;
import dev.tend.server.serving.Batching;
import dev.tend.server.serving.ServingApi;
import dev.tend.server.training.TrainingApi;
import dev.tend.server.training.TrainingService;
import dev.tend.serving.log.PredictionLog;
import dev.tend.serving.log.PredictionLogOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A started Tend server with everything it owns: the store, the engine that checks pushes, and the
 * HTTP server. What {@code tend server} runs, and what the CLI's end-to-end tests start in-process.
 */
public final class LocalServer implements AutoCloseable {
  /** Copies of DuckDB's native library older than this are left by killed processes. */
  private static final Duration STALE_NATIVE_COPY_AGE = Duration.ofMinutes(10);

  /** How often still firing alerts are checked for their repeat interval. */
  private static final Duration ALERT_REPEAT_CHECK = Duration.ofSeconds(30);

  private final StoreServices store;
  private final Engine engine;
  private final TendServer server;
  private final Pipelines pipelines;
  private final ServingApi serving;
  private final RolloutController rollouts;
  private final PredictionLog predictions;
  private final Alerting alerting;
  private final Optional<IssuedToken> bootstrap;

  private LocalServer(
      StoreServices store,
      Engine engine,
      TendServer server,
      Pipelines pipelines,
      ServingApi serving,
      RolloutController rollouts,
      PredictionLog predictions,
      Alerting alerting,
      Optional<IssuedToken> bootstrap) {
    this.store = store;
    this.engine = engine;
    this.server = server;
    this.pipelines = pipelines;
    this.serving = serving;
    this.rollouts = rollouts;
    this.predictions = predictions;
    this.alerting = alerting;
    this.bootstrap = bootstrap;
  }

  /**
   * Opens the store, which locks the data dir and cleans up after a server that died on it (see
   * {@link StoreServices}), creates the first admin when the database is new ({@code adminToken}
   * when given, else a new token), and starts serving; pushes work in the store's work dir.
   *
   * @throws dev.tend.server.config.ConfigException when another server holds the data dir
   */
  public static LocalServer start(TendConfig settings, Optional<String> adminToken) {
    StoreServices store = StoreServices.open(settings);
    Engine engine;
    try {
      DuckDbEngines.removeStaleNativeCopies(
          Path.of(System.getProperty("java.io.tmpdir")), STALE_NATIVE_COPY_AGE);
      engine = DuckDbEngines.create();
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    Pipelines pipelines = null;
    ServingApi serving = null;
    RolloutController rollouts = null;
    PredictionLog predictions = null;
    Alerting alerting = null;
    try {
      Optional<IssuedToken> bootstrap = store.bootstrap(adminToken);
      TrainingService training =
          new TrainingService(
              store.datasets(),
              store.tracking(),
              store.runArtifacts(),
              store.registry(),
              store.artifacts(),
              engine,
              store.workDir());
      predictions =
          PredictionLog.open(
              settings.dataDir().resolve("predictions"),
              PredictionLogOptions.defaults().withSyncInterval(settings.logSyncInterval()));
      /* Figures per version for rollouts; the serving path reports its requests to it. */
      RolloutMonitor monitor = new RolloutMonitor(Clock.systemUTC());
      serving =
          new ServingApi(
              store.projects(),
              store.registry(),
              store.deployments(),
              store.artifacts(),
              settings.dataDir().resolve("models"),
              predictions,
              monitor,
              ServingApi.DEFAULT_REFRESH,
              Batching.of(settings));
      DeploymentsApi deployments =
          new DeploymentsApi(
              store.projects(),
              store.registry(),
              store.deployments(),
              serving.servable(),
              monitor,
              serving);
      pipelines =
          new Pipelines(
              new Pipelines.Store(
                  store.projects(),
                  store.datasets(),
                  store.tracking(),
                  store.runArtifacts(),
                  store.registry(),
                  store.artifacts(),
                  store.pipelines(),
                  store.access(),
                  engine,
                  store.workDir()),
              training,
              PipelineRunner.Settings.defaults()
                  .withWorkers(Math.max(1, settings.pipelineWorkers()))
                  .withLease(settings.pipelineLease()),
              Optional.of(deployments.service()));
      FeedbackApi feedback =
          new FeedbackApi(store.projects(), FeedbackRepository.of(store.database()), predictions);
      /* Candidates are judged on quality too once feedback labels their predictions. */
      rollouts =
          new RolloutController(
              store.deployments(),
              monitor,
              new FeedbackRolloutQuality(feedback.labelledPredictions(), store.registry()),
              deployments,
              Clock.systemUTC());
      alerting =
          new Alerting(
              store.projects(),
              AlertRepository.of(store.database()),
              MetricHistory.NONE,
              AlertSink.NONE,
              pipelines.triggers()::alertFired,
              Clock.systemUTC(),
              Optional.empty());
      TendServer server =
          TendServer.start(
              settings,
              store.services(),
              List.of(
                  new ProjectsApi(store.projects()),
                  new DatasetsApi(
                      store.projects(),
                      store.datasets(),
                      store.artifacts(),
                      engine,
                      store.workDir()),
                  new MlflowApi(store.projects(), store.tracking()),
                  new MlflowRegistryApi(store.projects(), store.registry()),
                  new MlflowArtifactsApi(store.projects(), store.tracking(), store.runArtifacts()),
                  new TrainingApi(store.projects(), store.datasets(), training),
                  pipelines.api(),
                  deployments,
                  serving,
                  feedback,
                  new AlertsApi(store.projects(), alerting)));
      alerting.start(ALERT_REPEAT_CHECK);
      rollouts.start(RolloutController.PERIOD);
      if (settings.pipelineWorkers() > 0) {
        pipelines.start(Optional.of(Pipelines.TRIGGER_PERIOD));
      }
      return new LocalServer(
          store, engine, server, pipelines, serving, rollouts, predictions, alerting, bootstrap);
    } catch (RuntimeException e) {
      if (alerting != null) {
        alerting.close();
      }
      if (rollouts != null) {
        rollouts.close();
      }
      if (serving != null) {
        serving.close();
      }
      if (predictions != null) {
        predictions.close();
      }
      if (pipelines != null) {
        pipelines.close();
      }
      engine.close();
      store.close();
      throw e;
    }
  }

  /** The token of the admin created at this start; empty when the database had one already. */
  public Optional<IssuedToken> bootstrap() {
    return bootstrap;
  }

  /** Alerting, for the monitor runner's figures and the channels' delivery reports. */
  public Alerting alerting() {
    return alerting;
  }

  StoreServices store() {
    return store;
  }

  public URI uri() {
    return server.uri();
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      try {
        alerting.close();
        rollouts.close();
        serving.close();
        predictions.close();
        pipelines.close();
        engine.close();
      } finally {
        store.close();
      }
    }
  }
}
