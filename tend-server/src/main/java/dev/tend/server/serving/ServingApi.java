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
import dev.tend.server.http.ProblemCode;
import dev.tend.server.openapi.OpenApiDocument;
import dev.tend.serving.log.PredictionIds;
import dev.tend.serving.protocol.Batch;
import dev.tend.serving.protocol.DecodeLimits;
import dev.tend.serving.protocol.PredictRequest;
import dev.tend.serving.protocol.ServingProtocolException;
import dev.tend.store.Names;
import dev.tend.train.TrainException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Serving over HTTP: create or re-point a project's deployment, list deployments with their
 * traffic, and predict through a deployment with Tend's protocol. Models are loaded once per
 * version into a {@link ModelCache} under {@code <data.dir>/models} and kept while a deployment
 * points at them. Close it to release the loaded models. Thread-safe.
 */
public final class ServingApi implements ApiModule, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ProjectRepository projects;
  private final RegistryRepository registry;
  private final DeploymentRepository deployments;
  private final ModelCache cache;

  /**
   * @param modelsDir where versions' files are downloaded, one folder per version id ({@code
   *     <data.dir>/models})
   */
  public ServingApi(
      ProjectRepository projects,
      RegistryRepository registry,
      DeploymentRepository deployments,
      ArtifactStore artifacts,
      Path modelsDir) {
    this(projects, registry, deployments, artifacts, modelsDir, Batching.DEFAULT);
  }

  /**
   * @param modelsDir where versions' files are downloaded, one folder per version id ({@code
   *     <data.dir>/models})
   * @param batching how concurrent predictions on one version are coalesced
   */
  public ServingApi(
      ProjectRepository projects,
      RegistryRepository registry,
      DeploymentRepository deployments,
      ArtifactStore artifacts,
      Path modelsDir,
      Batching batching) {
    this.projects = requireNonNull(projects, "projects is null");
    this.registry = requireNonNull(registry, "registry is null");
    this.deployments = requireNonNull(deployments, "deployments is null");
    this.cache = new ModelCache(artifacts, modelsDir, DecodeLimits.DEFAULT, batching);
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
    Deployment deployment =
        deployments
            .get(name)
            .filter(
                d ->
                    projects
                        .get(d.projectId())
                        .map(p -> call.may(p.name(), Action.READ))
                        .orElse(false))
            .orElseThrow(() -> new ApiException.NotFound("no deployment named '" + name + "'"));
    ModelVersion version =
        version(deployment.current().traffic().stableVersionId(), new HashMap<>());
    byte[] body = call.jsonBodyBytes();
    ServedModel served = cache.acquire(version);
    try {
      PredictRequest request;
      try {
        request = served.codec().decodeRequest(body);
      } catch (ServingProtocolException e) {
        throw refused(e, body);
      }
      Batch outputs;
      try {
        outputs = served.predict(request.inputs());
      } catch (IllegalArgumentException e) {
        throw new ApiException(
            ProblemCode.WRONG_TYPE,
            e.getMessage(),
            List.of(FieldError.body("", e.getMessage())),
            Map.of(),
            e);
      }
      List<String> ids = new ArrayList<>(outputs.rowCount());
      for (Optional<String> id : request.predictionIds()) {
        ids.add(id.orElseGet(PredictionIds::next));
      }
      byte[] response =
          served
              .codec()
              .encodeResponse(
                  request, outputs, ids, version.modelName(), Integer.toString(version.version()));
      call.context().contentType("application/json").result(response);
    } finally {
      served.release();
    }
  }

  /* A 400 with the codec's code, pointing at the field in the body's own shape. */
  private static ApiException refused(ServingProtocolException e, byte[] body) {
    ProblemCode code = ProblemCode.valueOf(e.code().name());
    String pointer = "";
    if (e.field().isPresent()) {
      String field = "/" + e.field().get().replace("~", "~0").replace("/", "~1");
      String row = e.row().isPresent() ? "/" + e.row().getAsInt() : "";
      pointer = "/inputs" + field;
      try {
        JsonNode json = JSON.readTree(body);
        if (json != null && json.has("rows")) {
          pointer = "/rows" + row + "/inputs" + field;
        } else if (json != null && json.has("instances")) {
          pointer = "/instances" + row + field;
        }
      } catch (IOException ignored) {
        // Malformed JSON names no field.
      }
    }
    return new ApiException(
        code, e.getMessage(), List.of(FieldError.body(pointer, e.getMessage())), Map.of(), e);
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
    cache.close();
  }
}
