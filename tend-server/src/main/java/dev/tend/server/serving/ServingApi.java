package dev.tend.server.serving;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.access.Action;
import dev.tend.access.Principal;
import dev.tend.artifacts.ArtifactStore;
import dev.tend.deployments.Deployment;
import dev.tend.deployments.DeploymentRepository;
import dev.tend.deployments.Environment;
import dev.tend.deployments.Revision;
import dev.tend.deployments.RolloutMode;
import dev.tend.deployments.Traffic;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.registry.ModelVersion;
import dev.tend.registry.RegisteredModel;
import dev.tend.registry.RegistryRepository;
import dev.tend.server.ApiModule;
import dev.tend.server.http.Access;
import dev.tend.server.http.ApiCall;
import dev.tend.server.http.ApiException;
import dev.tend.server.http.ApiRoutes;
import dev.tend.server.http.FieldError;
import dev.tend.server.openapi.OpenApiDocument;
import dev.tend.serving.log.PredictionLog;
import dev.tend.serving.protocol.DecodeLimits;
import dev.tend.store.Names;
import dev.tend.train.TrainException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serving over HTTP: create or re-point a project's deployment, list deployments with their
 * traffic, and predict through a deployment with Tend's protocol, MLflow's scoring protocol or the
 * Open Inference Protocol. Predictions are routed between a deployment's stable and candidate
 * versions by routes kept in memory (refreshed from the store periodically and at once when {@link
 * #changed} is called), and every answered row is logged durably before the answer goes out. Models
 * are loaded once per version into a {@link ModelCache} under {@code <data.dir>/models} and kept
 * while a deployment points at them. Close it to release the loaded models; the prediction log
 * stays open, its owner closes it. Thread-safe.
 */
public final class ServingApi implements ApiModule, DeploymentListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServingApi.class);

  /** How often the routes are read again from the store by default. */
  public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(5);

  /** Header naming the model version that answered, on every protocol's answer. */
  public static final String MODEL_VERSION_HEADER = "Tend-Model-Version";

  /**
   * Header listing the logged prediction ids, comma-separated in row order, on MLflow and Open
   * Inference answers, whose bodies have no place for them.
   */
  public static final String PREDICTION_IDS_HEADER = "Tend-Prediction-Ids";

  static final DecodeLimits LIMITS = DecodeLimits.DEFAULT;

  private final ProjectRepository projects;
  private final RegistryRepository registry;
  private final DeploymentRepository deployments;
  private final ModelCache cache;
  private final RoutingTable table;
  private final Predictor predictor;
  private final ScheduledExecutorService refresher;

  /**
   * Reads every deployment's routes and refreshes them every {@code refresh}.
   *
   * @param modelsDir where versions' files are downloaded, one folder per version id ({@code
   *     <data.dir>/models})
   * @param log where every answered prediction is logged before the answer goes out
   * @param observer hears every routed request
   * @param refresh how often the routes are read again from the store, so that servers sharing one
   *     database converge on changes another one made
   */
  public ServingApi(
      ProjectRepository projects,
      RegistryRepository registry,
      DeploymentRepository deployments,
      ArtifactStore artifacts,
      Path modelsDir,
      PredictionLog log,
      TrafficObserver observer,
      Duration refresh) {
    this.projects = requireNonNull(projects, "projects is null");
    this.registry = requireNonNull(registry, "registry is null");
    this.deployments = requireNonNull(deployments, "deployments is null");
    if (!refresh.isPositive()) {
      throw new IllegalArgumentException("refresh must be positive: " + refresh);
    }
    this.cache = new ModelCache(artifacts, modelsDir, LIMITS);
    this.table = new RoutingTable(projects, registry, deployments);
    this.predictor = new Predictor(cache, log, observer);
    refresh();
    this.refresher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "tend-serving-routes");
              thread.setDaemon(true);
              return thread;
            });
    long millis = refresh.toMillis();
    refresher.scheduleWithFixedDelay(this::refresh, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void refresh() {
    try {
      table.refreshAll();
      retain();
    } catch (RuntimeException e) {
      LOG.warn("could not refresh the serving routes; keeping the previous ones", e);
    }
  }

  private void retain() {
    var ids = table.versionIds();
    cache.retain(ids);
    predictor.retain(ids);
  }

  /** Reloads the named deployment's routes from the store, so a traffic change applies at once. */
  @Override
  public void changed(String deployment) {
    requireNonNull(deployment, "deployment is null");
    table.reload(deployment);
    retain();
  }

  /** The routes this server holds for {@code deployment} now. */
  Optional<Route> route(String deployment) {
    return table.get(deployment);
  }

  /** Shadow copies dropped because the shadow queue was full, since the start. */
  public long shadowsDropped() {
    return predictor.shadowsDropped();
  }

  record DeployRequest(
      String model,
      Optional<Integer> version,
      Optional<String> alias,
      String environment,
      Optional<String> reason) {
    DeployRequest {
      version = version == null ? Optional.empty() : version;
      alias = alias == null ? Optional.empty() : alias;
      reason = reason == null ? Optional.empty() : reason;
    }
  }

  record VersionView(String model, int version, String versionId, int percent) {}

  record CandidateView(
      String model,
      int version,
      String versionId,
      String mode,
      int percent,
      Optional<String> stickyKey) {}

  record TrafficView(VersionView stable, Optional<CandidateView> candidate) {}

  record DeploymentView(
      String name,
      String project,
      String environment,
      String model,
      int version,
      TrafficView traffic,
      int revision,
      String reason,
      Instant updatedAt,
      String updatedBy,
      Instant createdAt,
      String createdBy) {}

  @Override
  public void routes(ApiRoutes routes) {
    routes.put("/projects/{project}/deployments/{name}", Access.WRITE, this::deploy);
    routes.get("/deployments", Access.READ, this::list);
    routes.post("/deployments/{name}/predict", Access.READ, this::predict);
    new CompatibleRoutes(table, predictor, cache).mount(routes);
  }

  // ---------------------------------------------------------------- deploy

  private void deploy(ApiCall call) {
    Project project = project(call);
    String name = call.pathParam("name");
    checkName("deployment", name, FieldError.path("name", ""));
    DeployRequest request = call.body(DeployRequest.class);
    if (request.model() == null) {
      throw invalid("/model", "the registered model to deploy is required");
    }
    if (request.environment() == null) {
      throw invalid("/environment", "the environment is required: dev, staging or prod");
    }
    Environment environment;
    try {
      environment = Environment.fromWireName(request.environment());
    } catch (IllegalArgumentException e) {
      throw invalid("/environment", e.getMessage());
    }
    if (environment == Environment.PROD && !call.may(project.name(), Action.MAINTAIN)) {
      throw new ApiException.Forbidden(
          "deploying to prod needs the maintainer role in project '" + project.name() + "'");
    }
    Optional<Deployment> existing = deployments.get(name);
    if (existing.isPresent()) {
      if (!existing.get().projectId().equals(project.id())) {
        throw new ApiException.Conflict(
            "the deployment name '" + name + "' is taken by another project");
      }
      if (existing.get().environment() != environment) {
        throw new ApiException.Conflict(
            "deployment '"
                + name
                + "' serves "
                + existing.get().environment().wireName()
                + "; its environment cannot change to "
                + environment.wireName()
                + ", create another deployment");
      }
    }
    ModelVersion version = resolve(project, request);
    ServedModel served;
    try {
      served = cache.acquire(version);
    } catch (TrainException | IllegalArgumentException | UncheckedIOException e) {
      throw invalid(
          request.alias().isPresent() ? "/alias" : "/version",
          "model version " + version.version() + " cannot be served: " + e.getMessage());
    }
    served.release();
    String reason = request.reason().orElse("");
    Deployment stored =
        existing.isEmpty()
            ? deployments.create(
                project.id(), name, environment, Traffic.stable(version.id()), reason, actor(call))
            : deployments.update(name, Traffic.stable(version.id()), reason, actor(call));
    cache.retain(servedVersions());
    changed(name);
    call.json(existing.isEmpty() ? 201 : 200, view(stored, project, new HashMap<>()));
  }

  private ModelVersion resolve(Project project, DeployRequest request) {
    if (request.version().isPresent() == request.alias().isPresent()) {
      throw invalid("/version", "give either a version number or an alias of the model");
    }
    RegisteredModel model =
        registry
            .model(project.id(), request.model())
            .orElseThrow(
                () ->
                    invalid(
                        "/model",
                        "no registered model named '"
                            + request.model()
                            + "' in project '"
                            + project.name()
                            + "'"));
    if (request.version().isPresent()) {
      int number = request.version().get();
      return registry
          .version(model.id(), number)
          .orElseThrow(
              () -> invalid("/version", "model '" + model.name() + "' has no version " + number));
    }
    String alias = request.alias().get();
    return registry
        .versionByAlias(model.id(), alias)
        .orElseThrow(
            () -> invalid("/alias", "model '" + model.name() + "' has no alias '" + alias + "'"));
  }

  private Set<String> servedVersions() {
    Set<String> ids = new HashSet<>();
    for (Deployment d : deployments.listAll()) {
      ids.add(d.current().traffic().stableVersionId());
      d.current().traffic().candidate().ifPresent(c -> ids.add(c.versionId()));
    }
    return ids;
  }

  // ---------------------------------------------------------------- list

  private void list(ApiCall call) {
    Map<String, Optional<Project>> byId = new HashMap<>();
    Map<String, Optional<ModelVersion>> versions = new HashMap<>();
    List<DeploymentView> items = new ArrayList<>();
    for (Deployment d : deployments.listAll()) {
      Optional<Project> project = byId.computeIfAbsent(d.projectId(), projects::get);
      if (project.isPresent() && call.may(project.get().name(), Action.READ)) {
        items.add(view(d, project.get(), versions));
      }
    }
    call.json(200, Map.of("items", items));
  }

  private DeploymentView view(
      Deployment d, Project project, Map<String, Optional<ModelVersion>> versions) {
    Revision current = d.current();
    ModelVersion stable = version(current.traffic().stableVersionId(), versions);
    Optional<CandidateView> candidate =
        current
            .traffic()
            .candidate()
            .map(
                c -> {
                  ModelVersion v = version(c.versionId(), versions);
                  return new CandidateView(
                      v.modelName(),
                      v.version(),
                      v.id(),
                      c.mode().wireName(),
                      c.percent(),
                      c.stickyKey());
                });
    int stablePercent =
        current
            .traffic()
            .candidate()
            .map(c -> c.mode() == RolloutMode.SHADOW ? 100 : 100 - c.percent())
            .orElse(100);
    return new DeploymentView(
        d.name(),
        project.name(),
        d.environment().wireName(),
        stable.modelName(),
        stable.version(),
        new TrafficView(
            new VersionView(stable.modelName(), stable.version(), stable.id(), stablePercent),
            candidate),
        current.number(),
        current.reason(),
        current.createdAt(),
        current.createdBy(),
        d.createdAt(),
        d.createdBy());
  }

  /* A deployment's versions stay live: the store refuses to point at deleted ones. */
  private ModelVersion version(String id, Map<String, Optional<ModelVersion>> versions) {
    return versions
        .computeIfAbsent(id, registry::versionById)
        .orElseThrow(
            () ->
                new ApiException.Conflict(
                    "model version " + id + " of a deployment was deleted; deploy another"));
  }

  // ---------------------------------------------------------------- predict

  private void predict(ApiCall call) {
    String name = call.pathParam("name");
    checkName("deployment", name, FieldError.path("name", ""));
    Route route =
        table
            .get(name)
            .filter(r -> call.may(r.projectName(), Action.READ))
            .orElseThrow(() -> new ApiException.NotFound("no deployment named '" + name + "'"));
    byte[] body = call.jsonBodyBytes();
    Predictor.Answer answer =
        predictor.answer(route, body, Predictor.Protocol.TEND, Optional.empty());
    call.context()
        .header(MODEL_VERSION_HEADER, Integer.toString(answer.version().version()))
        .contentType("application/json")
        .result(answer.body());
  }

  // ---------------------------------------------------------------- helpers

  private Project project(ApiCall call) {
    String name = call.pathParam("project");
    checkName("project", name, FieldError.path("project", ""));
    return projects
        .findByName(name)
        .orElseThrow(() -> new ApiException.NotFound("no project named '" + name + "'"));
  }

  private static void checkName(String what, String name, FieldError where) {
    try {
      Names.requireValid(what, name);
    } catch (IllegalArgumentException e) {
      throw new ApiException.ValidationFailed(where.withMessage(e.getMessage()));
    }
  }

  private static String actor(ApiCall call) {
    return call.principal().map(Principal::name).orElseThrow();
  }

  private static ApiException invalid(String pointer, String message) {
    return new ApiException.ValidationFailed(FieldError.body(pointer, message));
  }

  @Override
  public JsonNode openApi(ObjectMapper mapper) {
    return OpenApiDocument.load(mapper, ServingApi.class, "serving-openapi.json");
  }

  @Override
  public void close() {
    refresher.shutdownNow();
    predictor.close();
    cache.close();
  }
}
