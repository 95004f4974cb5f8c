package dev.tend.server.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.alerting.AlertRepository;
import dev.tend.artifacts.LocalArtifactStore;
import dev.tend.datasets.DatasetRepository;
import dev.tend.deployments.DeploymentRepository;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.feedback.FeedbackRepository;
import dev.tend.pipelines.PipelineRepository;
import dev.tend.projects.ProjectRepository;
import dev.tend.registry.RegistryRepository;
import dev.tend.server.ApiModule;
import dev.tend.server.InMemoryAuth;
import dev.tend.server.InMemoryIdempotencyStore;
import dev.tend.server.ServerServices;
import dev.tend.server.TendServer;
import dev.tend.server.alerting.AlertPipelines;
import dev.tend.server.alerting.AlertSink;
import dev.tend.server.alerting.Alerting;
import dev.tend.server.alerting.AlertsApi;
import dev.tend.server.alerting.MetricHistory;
import dev.tend.server.config.TendConfig;
import dev.tend.server.datasets.DatasetsApi;
import dev.tend.server.deployments.DeploymentsApi;
import dev.tend.server.deployments.RolloutMonitor;
import dev.tend.server.feedback.FeedbackApi;
import dev.tend.server.http.ApiRoutes;
import dev.tend.server.http.ProblemCode;
import dev.tend.server.metrics.MetricsApi;
import dev.tend.server.metrics.TendMetrics;
import dev.tend.server.mlflow.MlflowApi;
import dev.tend.server.mlflow.MlflowArtifactsApi;
import dev.tend.server.mlflow.MlflowRegistryApi;
import dev.tend.server.monitoring.MonitorRunner;
import dev.tend.server.monitoring.Monitoring;
import dev.tend.server.operations.OperationsApi;
import dev.tend.server.pipelines.PipelineService;
import dev.tend.server.pipelines.PipelinesApi;
import dev.tend.server.projects.ProjectsApi;
import dev.tend.server.serving.ServingApi;
import dev.tend.server.serving.TrafficObserver;
import dev.tend.server.training.TrainingApi;
import dev.tend.server.training.TrainingService;
import dev.tend.serving.log.PredictionLog;
import dev.tend.serving.log.PredictionLogOptions;
import dev.tend.store.Database;
import dev.tend.tracking.RunArtifacts;
import dev.tend.tracking.TrackingRepository;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The served OpenAPI document describes exactly the routes the server answers. */
class OpenApiCompletenessTest {
  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  @TempDir Path dataDir;
  Database database;

  @Test
  void theCoreServerDocumentsEveryRouteAndNoOther() throws Exception {
    assertComplete(List.of());
  }

  @Test
  void moduleRoutesAreDocumentedByTheirFragments() throws Exception {
    assertComplete(List.of(testModule()));
  }

  @Test
  void theMetricsRouteIsDocumented() throws Exception {
    try (TendMetrics metrics = new TendMetrics()) {
      assertComplete(List.of(new MetricsApi(metrics)));
    }
  }

  @Test
  void theProjectsRoutesAreDocumented() throws Exception {
    assertComplete(List.of(new ProjectsApi(ProjectRepository.of(unusedDatabase()))));
  }

  @Test
  void theDatasetsRoutesAreDocumented() throws Exception {
    Database db = unusedDatabase();
    try (Engine engine = DuckDbEngines.create()) {
      assertComplete(
          List.of(
              new DatasetsApi(
                  ProjectRepository.of(db),
                  DatasetRepository.of(db),
                  LocalArtifactStore.open(dataDir.resolve("artifacts")),
                  engine,
                  dataDir.resolve("work"))));
    }
  }

  @Test
  void thePipelineRoutesAreDocumented() throws Exception {
    Database db = unusedDatabase();
    assertComplete(
        List.of(
            new PipelinesApi(
                ProjectRepository.of(db),
                new PipelineService(PipelineRepository.of(db), DatasetRepository.of(db)))));
  }

  @Test
  void theServingRoutesAreDocumented() throws Exception {
    Database db = unusedDatabase();
    LocalArtifactStore artifacts = LocalArtifactStore.open(dataDir.resolve("artifacts"));
    try (PredictionLog log =
            PredictionLog.open(
                dataDir.resolve("predictions"),
                PredictionLogOptions.defaults().withoutMaintenance());
        ServingApi serving =
            new ServingApi(
                ProjectRepository.of(db),
                RegistryRepository.of(db, artifacts),
                DeploymentRepository.of(db),
                artifacts,
                dataDir.resolve("models"),
                log,
                TrafficObserver.NONE,
                ServingApi.DEFAULT_REFRESH)) {
      assertComplete(List.of(serving));
    }
  }

  @Test
  void theDeploymentRoutesAreDocumented() throws Exception {
    Database db = unusedDatabase();
    LocalArtifactStore artifacts = LocalArtifactStore.open(dataDir.resolve("artifacts"));
    try (PredictionLog log =
            PredictionLog.open(
                dataDir.resolve("predictions"),
                PredictionLogOptions.defaults().withoutMaintenance());
        ServingApi serving =
            new ServingApi(
                ProjectRepository.of(db),
                RegistryRepository.of(db, artifacts),
                DeploymentRepository.of(db),
                artifacts,
                dataDir.resolve("models"),
                log,
                TrafficObserver.NONE,
                ServingApi.DEFAULT_REFRESH)) {
      assertComplete(
          List.of(
              serving,
              new DeploymentsApi(
                  ProjectRepository.of(db),
                  RegistryRepository.of(db, artifacts),
                  DeploymentRepository.of(db),
                  serving.servable(),
                  new RolloutMonitor(Clock.systemUTC()),
                  name -> {})));
    }
  }

  @Test
  void theFeedbackRoutesAreDocumented() throws Exception {
    Database db = unusedDatabase();
    try (PredictionLog log =
        PredictionLog.open(
            dataDir.resolve("predictions"), PredictionLogOptions.defaults().withoutMaintenance())) {
      assertComplete(
          List.of(new FeedbackApi(ProjectRepository.of(db), FeedbackRepository.of(db), log)));
    }
  }

  @Test
  void theAlertingRoutesAreDocumented() throws Exception {
    Database db = unusedDatabase();
    try (Alerting alerting =
        new Alerting(
            ProjectRepository.of(db),
            AlertRepository.of(db),
            MetricHistory.NONE,
            AlertSink.NONE,
            AlertPipelines.NONE,
            Clock.systemUTC(),
            Optional.empty())) {
      assertComplete(List.of(new AlertsApi(ProjectRepository.of(db), alerting)));
    }
  }

  @Test
  void theMonitoringRoutesAreDocumented() throws Exception {
    Database db = unusedDatabase();
    LocalArtifactStore artifacts = LocalArtifactStore.open(dataDir.resolve("artifacts"));
    try (PredictionLog log =
            PredictionLog.open(
                dataDir.resolve("predictions"),
                PredictionLogOptions.defaults().withoutMaintenance());
        Monitoring monitoring =
            new Monitoring(
                new Monitoring.Store(
                    db,
                    ProjectRepository.of(db),
                    RegistryRepository.of(db, artifacts),
                    TrackingRepository.of(db),
                    DatasetRepository.of(db),
                    DeploymentRepository.of(db)),
                log,
                MonitorRunner.Settings.of(Duration.ofSeconds(5), Duration.ofSeconds(1)),
                Clock.systemUTC())) {
      assertComplete(List.of(monitoring.api()));
    }
  }

  @Test
  void theOperationsRouteIsDocumented() throws Exception {
    Database db = unusedDatabase();
    LocalArtifactStore artifacts = LocalArtifactStore.open(dataDir.resolve("artifacts"));
    assertComplete(
        List.of(
            new OperationsApi(
                ProjectRepository.of(db),
                DeploymentRepository.of(db),
                AlertRepository.of(db),
                PipelineRepository.of(db),
                RegistryRepository.of(db, artifacts),
                TrackingRepository.of(db),
                DatasetRepository.of(db),
                Clock.systemUTC())));
  }

  @Test
  void theTrainingRouteIsDocumented() throws Exception {
    Database db = unusedDatabase();
    LocalArtifactStore artifacts = LocalArtifactStore.open(dataDir.resolve("artifacts"));
    try (Engine engine = DuckDbEngines.create()) {
      assertComplete(
          List.of(
              new TrainingApi(
                  ProjectRepository.of(db),
                  DatasetRepository.of(db),
                  new TrainingService(
                      DatasetRepository.of(db),
                      TrackingRepository.of(db),
                      RunArtifacts.of(db, artifacts),
                      RegistryRepository.of(db, artifacts),
                      artifacts,
                      engine,
                      dataDir.resolve("work")))));
    }
  }

  @Test
  void theProblemSchemaListsEveryStableCode() throws Exception {
    try (TendServer server = start(List.of())) {
      JsonNode doc = fetch(server);
      List<String> documented = new ArrayList<>();
      doc.at("/components/schemas/Problem/properties/code/enum")
          .forEach(c -> documented.add(c.asText()));
      assertThat(documented)
          .containsExactlyInAnyOrderElementsOf(
              Arrays.stream(ProblemCode.values()).map(ProblemCode::code).toList());
      assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
      assertThat(doc.at("/components/securitySchemes/bearer/scheme").asText()).isEqualTo("bearer");
      assertThat(doc.at("/servers/0/url").asText()).isEqualTo(ApiRoutes.PREFIX);
    }
  }

  private void assertComplete(List<ApiModule> modules) throws Exception {
    try (TendServer server = start(modules)) {
      JsonNode doc = fetch(server);
      Set<String> documented = new TreeSet<>();
      doc.get("paths")
          .properties()
          .forEach(
              path ->
                  path.getValue()
                      .properties()
                      .forEach(
                          op -> {
                            if (METHODS.contains(op.getKey())) {
                              for (String base : servers(path.getValue())) {
                                documented.add(
                                    op.getKey().toUpperCase(Locale.ROOT)
                                        + " "
                                        + base
                                        + path.getKey());
                              }
                            }
                          }));
      Set<String> registered = new TreeSet<>();
      // Javalin's <name> is a parameter that may hold slashes: OpenAPI's {name}.
      server.routes().forEach(r -> registered.add(r.replaceAll("<(\\w+)>", "{$1}")));
      assertThat(registered).isNotEmpty();
      assertThat(documented).isEqualTo(registered);
    }
  }

  /* A path's own servers (routes mounted outside /api/v1, such as MLflow's) or the API prefix. */
  private static List<String> servers(JsonNode path) {
    List<String> servers = new ArrayList<>();
    /* A server "/" holds paths at the root, such as /metrics. */
    path.path("servers")
        .forEach(server -> servers.add(server.get("url").asText().replaceAll("/$", "")));
    return servers.isEmpty() ? List.of(ApiRoutes.PREFIX) : servers;
  }

  @Test
  void theMlflowRoutesAreDocumentedUnderBothOfTheirPrefixes() throws Exception {
    Database db = unusedDatabase();
    assertComplete(List.of(new MlflowApi(ProjectRepository.of(db), TrackingRepository.of(db))));
  }

  @Test
  void theRegistryAndArtifactRoutesAreDocumented() throws Exception {
    Database db = unusedDatabase();
    LocalArtifactStore artifacts = LocalArtifactStore.open(dataDir.resolve("artifacts"));
    assertComplete(
        List.of(
            new MlflowApi(ProjectRepository.of(db), TrackingRepository.of(db)),
            new MlflowRegistryApi(ProjectRepository.of(db), RegistryRepository.of(db, artifacts)),
            new MlflowArtifactsApi(
                ProjectRepository.of(db),
                TrackingRepository.of(db),
                RunArtifacts.of(db, artifacts))));
  }

  private Database unusedDatabase() {
    database = Database.open("jdbc:sqlite:" + dataDir.resolve("tend.db"));
    return database;
  }

  @AfterEach
  void closeDatabase() {
    if (database != null) {
      database.close();
    }
  }

  private TendServer start(List<ApiModule> modules) {
    return TendServer.start(
        TendConfig.forDataDir(dataDir).withPort(0),
        new ServerServices(new InMemoryAuth(), new InMemoryAuth(), new InMemoryIdempotencyStore()),
        modules);
  }

  private static JsonNode fetch(TendServer server) throws Exception {
    var response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(server.uri() + "/api/v1/openapi.json")).build(),
                BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return new ObjectMapper().readTree(response.body());
  }

  private static ApiModule testModule() throws Exception {
    var constructor = Class.forName("dev.tend.server.TestModule").getDeclaredConstructor();
    constructor.setAccessible(true);
    return (ApiModule) constructor.newInstance();
  }
}
