package dev.tend.cli;

import dev.tend.access.IssuedToken;
import dev.tend.alerting.AlertRepository;
import dev.tend.automations.AutomationRepository;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.feedback.FeedbackRepository;
import dev.tend.server.StoreServices;
import dev.tend.server.TendServer;
import dev.tend.server.alerting.Alerting;
import dev.tend.server.alerting.AlertsApi;
import dev.tend.server.alerting.MetricHistory;
import dev.tend.server.alerting.channel.Channel;
import dev.tend.server.alerting.channel.ChannelDispatcher;
import dev.tend.server.alerting.channel.DeliveryOutcome;
import dev.tend.server.automation.Automation;
import dev.tend.server.automation.AutomationApi;
import dev.tend.server.config.TendConfig;
import dev.tend.server.datasets.DatasetsApi;
import dev.tend.server.deployments.DeploymentsApi;
import dev.tend.server.deployments.FeedbackRolloutQuality;
import dev.tend.server.deployments.RolloutController;
import dev.tend.server.deployments.RolloutMonitor;
import dev.tend.server.feedback.FeedbackApi;
import dev.tend.server.metrics.AlertGauges;
import dev.tend.server.metrics.MetricsApi;
import dev.tend.server.metrics.TendMetrics;
import dev.tend.server.mlflow.MlflowApi;
import dev.tend.server.mlflow.MlflowArtifactsApi;
import dev.tend.server.mlflow.MlflowRegistryApi;
import dev.tend.server.monitoring.MonitorRunner;
import dev.tend.server.monitoring.Monitoring;
import dev.tend.server.operations.OperationsApi;
import dev.tend.server.operations.OperationsReader;
import dev.tend.server.pipelines.PipelineRunner;
import dev.tend.server.pipelines.Pipelines;
import dev.tend.server.projects.ProjectsApi;
import dev.tend.server.serving.Batching;
import dev.tend.server.serving.ServingApi;
import dev.tend.server.serving.TrafficObserver;
import dev.tend.server.training.TrainingApi;
import dev.tend.server.training.TrainingService;
import dev.tend.server.ui.WebUi;
import dev.tend.server.ui.alerts.AlertPages;
import dev.tend.server.ui.automation.AutomationPages;
import dev.tend.server.ui.datasets.DatasetPages;
import dev.tend.server.ui.deployments.DeploymentPages;
import dev.tend.server.ui.home.HealthReader;
import dev.tend.server.ui.home.HomePages;
import dev.tend.server.ui.models.ModelPages;
import dev.tend.server.ui.monitoring.MonitoringPages;
import dev.tend.server.ui.operations.OperationsPages;
import dev.tend.server.ui.runs.RunPages;
import dev.tend.serving.log.PredictionLog;
import dev.tend.serving.log.PredictionLogOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

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
  private final Alerts alerts;
  private final Monitoring monitoring;
  private final Automation automation;
  private final Optional<IssuedToken> bootstrap;

  private LocalServer(
      StoreServices store,
      Engine engine,
      TendServer server,
      Pipelines pipelines,
      ServingApi serving,
      RolloutController rollouts,
      PredictionLog predictions,
      Alerts alerts,
      Monitoring monitoring,
      Automation automation,
      Optional<IssuedToken> bootstrap) {
    this.store = store;
    this.engine = engine;
    this.server = server;
    this.pipelines = pipelines;
    this.serving = serving;
    this.rollouts = rollouts;
    this.predictions = predictions;
    this.alerts = alerts;
    this.monitoring = monitoring;
    this.automation = automation;
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
    ChannelDispatcher dispatcher = null;
    TendMetrics metrics = null;
    Monitoring monitoring = null;
    Automation automation = null;
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
      /* Every deployment's windows and figures; it counts failed requests too. */
      monitoring =
          new Monitoring(
              new Monitoring.Store(
                  store.database(),
                  store.projects(),
                  store.registry(),
                  store.tracking(),
                  store.datasets(),
                  store.deployments()),
              predictions,
              MonitorRunner.Settings.of(settings.monitorInterval(), settings.logSyncInterval()),
              Clock.systemUTC());
      metrics = new TendMetrics();
      TrafficObserver failures = monitoring.failures();
      TrafficObserver served = metrics.serving();
      TrafficObserver traffic =
          (deployment, version, role, latency, failed) -> {
            monitor.served(deployment, version, role, latency, failed);
            failures.served(deployment, version, role, latency, failed);
            served.served(deployment, version, role, latency, failed);
          };
      serving =
          new ServingApi(
              store.projects(),
              store.registry(),
              store.deployments(),
              store.artifacts(),
              settings.dataDir().resolve("models"),
              predictions,
              traffic,
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
      feedback.onLogged(monitoring.runner());
      /* Candidates are judged on quality too once feedback labels their predictions. */
      rollouts =
          new RolloutController(
              store.deployments(),
              monitor,
              new FeedbackRolloutQuality(feedback.labelledPredictions(), store.registry()),
              deployments,
              Clock.systemUTC());
      /* Alert events go to the configured channels; each delivery is noted on the incident. */
      AtomicReference<Alerting> deliveriesTo = new AtomicReference<>();
      dispatcher =
          new ChannelDispatcher(
              settings.alertChannels().stream().map(c -> Channel.of(c, Clock.systemUTC())).toList(),
              ChannelDispatcher.Settings.defaults(),
              outcome -> noteDelivery(deliveriesTo.get(), outcome),
              Clock.systemUTC());
      AlertRepository alertRecords = AlertRepository.of(store.database());
      alerting =
          new Alerting(
              store.projects(),
              alertRecords,
              MetricHistory.of(monitoring.monitors()),
              dispatcher::dispatch,
              pipelines.triggers()::alertFired,
              Clock.systemUTC(),
              Optional.empty(),
              monitoring.rootCauses());
      alerting.checkRulesWith(monitoring.ruleChecks());
      deliveriesTo.set(alerting);
      /* Policies act on firing alerts: retrain, gate, canary, promote (docs/automation.md). */
      automation =
          new Automation(
              new Automation.Services(
                  store.projects(),
                  AutomationRepository.of(store.database()),
                  pipelines.service(),
                  store.registry(),
                  store.datasets(),
                  store.deployments(),
                  deployments.service(),
                  alertRecords,
                  feedback.labelledPredictions(),
                  serving.offline()),
              Clock.systemUTC());
      alerting.onFired(automation::alertFired);
      /* Each window's figures feed /metrics and the alert rules, in that order. */
      Alerting rules = alerting;
      TendMetrics exported = metrics;
      monitoring.runner().addListener((projectId, points) -> exported.monitor().update(points));
      monitoring
          .runner()
          .addListener(
              (projectId, points) -> {
                rules.figures(projectId, points);
                exported.alerts().update(firing(alertRecords));
              });
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
                  new AlertsApi(store.projects(), alerting),
                  new OperationsApi(
                      store.projects(),
                      store.deployments(),
                      alertRecords,
                      store.pipelines(),
                      store.registry(),
                      store.tracking(),
                      store.datasets(),
                      Clock.systemUTC()),
                  monitoring.api(),
                  new AutomationApi(store.projects(), automation),
                  new MetricsApi(metrics)),
              List.of(
                  new WebUi(
                      store.projects(),
                      List.of(
                          new HomePages(
                              store.projects(), HealthReader.of(store, Clock.systemUTC())),
                          new DatasetPages(store.datasets()),
                          new RunPages(
                              store.tracking(),
                              store.runArtifacts(),
                              store.registry(),
                              store.datasets()),
                          new ModelPages(
                              store.registry(),
                              store.tracking(),
                              store.datasets(),
                              store.deployments()),
                          new DeploymentPages(
                              store.deployments(),
                              store.registry(),
                              deployments.service(),
                              monitor,
                              monitoring.monitors()),
                          new MonitoringPages(monitoring.monitors(), monitoring.api()),
                          new AutomationPages(automation),
                          new AlertPages(alerting, Clock.systemUTC()),
                          new OperationsPages(
                              new OperationsReader(
                                  store.deployments(),
                                  alertRecords,
                                  store.pipelines(),
                                  store.registry(),
                                  store.tracking(),
                                  store.datasets()),
                              Clock.systemUTC())),
                      Clock.systemUTC())));
      alerting.start(ALERT_REPEAT_CHECK);
      rollouts.start(RolloutController.PERIOD);
      monitoring.start();
      automation.start(Automation.PERIOD);
      if (settings.pipelineWorkers() > 0) {
        pipelines.start(Optional.of(Pipelines.TRIGGER_PERIOD));
      }
      return new LocalServer(
          store,
          engine,
          server,
          pipelines,
          serving,
          rollouts,
          predictions,
          new Alerts(alerting, dispatcher, metrics),
          monitoring,
          automation,
          bootstrap);
    } catch (RuntimeException e) {
      if (automation != null) {
        automation.close();
      }
      if (alerting != null) {
        alerting.close();
      }
      if (dispatcher != null) {
        dispatcher.close();
      }
      if (metrics != null) {
        metrics.close();
      }
      if (rollouts != null) {
        rollouts.close();
      }
      if (monitoring != null) {
        monitoring.close();
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

  /** Alert evaluation and what it reaches: the channels and {@code /metrics}; closed together. */
  private record Alerts(Alerting alerting, ChannelDispatcher dispatcher, TendMetrics metrics)
      implements AutoCloseable {
    @Override
    public void close() {
      try {
        alerting.close();
      } finally {
        try {
          dispatcher.close();
        } finally {
          metrics.close();
        }
      }
    }
  }

  /** Notes a delivery's last word on the incident timeline; retries still to come are not. */
  private static void noteDelivery(Alerting alerting, DeliveryOutcome outcome) {
    if (alerting == null || outcome.status() == DeliveryOutcome.Status.RETRYING) {
      return;
    }
    alerting.delivered(
        outcome.event().alertId(),
        new Alerting.Delivery(
            outcome.channel(),
            outcome.event().kind(),
            outcome.status() == DeliveryOutcome.Status.DELIVERED,
            outcome.detail()));
  }

  private static List<AlertGauges.Firing> firing(AlertRepository alerts) {
    return alerts.openCounts().stream()
        .map(c -> new AlertGauges.Firing(c.project(), c.rule(), c.severity(), c.count()))
        .toList();
  }

  /** The token of the admin created at this start; empty when the database had one already. */
  public Optional<IssuedToken> bootstrap() {
    return bootstrap;
  }

  /** Alerting, for the monitor runner's figures and the channels' delivery reports. */
  public Alerting alerting() {
    return alerts.alerting();
  }

  StoreServices store() {
    return store;
  }

  /** Automation policies and actions; tests advance actions with {@link Automation#tick}. */
  public Automation automation() {
    return automation;
  }

  /** The monitor runner and its store: listeners (alerts, /metrics) register here. */
  public Monitoring monitoring() {
    return monitoring;
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
        automation.close();
        alerts.close();
        rollouts.close();
        monitoring.close();
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
