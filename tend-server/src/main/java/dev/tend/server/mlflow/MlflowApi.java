package dev.tend.server.mlflow;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.access.Action;
import dev.tend.access.Principal;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.server.ApiModule;
import dev.tend.server.http.ApiRoutes;
import dev.tend.server.http.ApiSettings;
import dev.tend.server.http.Json;
import dev.tend.store.ConflictException;
import dev.tend.store.NotFoundException;
import dev.tend.store.Page;
import dev.tend.tracking.Experiment;
import dev.tend.tracking.ExperimentSearch;
import dev.tend.tracking.KeyValue;
import dev.tend.tracking.Metric;
import dev.tend.tracking.NewRun;
import dev.tend.tracking.Run;
import dev.tend.tracking.RunInfo;
import dev.tend.tracking.RunInput;
import dev.tend.tracking.RunSearch;
import dev.tend.tracking.RunStatus;
import dev.tend.tracking.TrackingRepository;
import dev.tend.tracking.TrackingRules;
import dev.tend.tracking.ViewType;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MLflow's tracking REST API on Tend's tracking store. Every route is served under {@link
 * #PREFIXES}. Experiments belong to a Tend project: the one named by the {@code tend.project} tag
 * given when the experiment is created, else {@value #DEFAULT_PROJECT} (created on first start,
 * with MLflow's Default experiment, id 0). Reads need a role that may read in the project (or
 * anonymous reads), logging and run changes need write, and deleting, restoring or renaming an
 * experiment needs maintain. Thread-safe.
 */
public final class MlflowApi implements ApiModule {
  private static final Logger LOG = LoggerFactory.getLogger(MlflowApi.class);

  /** Where MLflow clients send requests: the REST API and the alias MLflow's UI uses. */
  public static final List<String> PREFIXES = List.of("/api/2.0/mlflow", "/ajax-api/2.0/mlflow");

  /** The experiment tag that chooses an experiment's project when it is created. */
  public static final String PROJECT_TAG = "tend.project";

  /** The project of experiments created without {@link #PROJECT_TAG}. */
  public static final String DEFAULT_PROJECT = "default";

  private static final int DEFAULT_HISTORY_RESULTS = 25_000;

  private final ProjectRepository projects;
  private final TrackingRepository tracking;
  private final ObjectMapper mapper = Json.mapper();
  private final Map<Long, String> projectOfExperiment = new ConcurrentHashMap<>();
  private final Map<String, String> projectNames = new ConcurrentHashMap<>();
  private final List<Endpoint> endpoints = new ArrayList<>();

  /** One MLflow call: turns a request into the response object. */
  @FunctionalInterface
  private interface Call {
    ObjectNode handle(Caller caller, MlflowRequest request);
  }

  private record Endpoint(HandlerType method, String path, String summary, Call call) {}

  /** Who is calling, with what the server's settings allow anonymous callers. */
  private record Caller(Optional<Principal> principal, ApiSettings settings) {
    String name() {
      return principal.map(Principal::name).orElse("anonymous");
    }
  }

  /**
   * Creates the API and makes sure the {@value #DEFAULT_PROJECT} project and MLflow's Default
   * experiment exist.
   */
  public MlflowApi(ProjectRepository projects, TrackingRepository tracking) {
    this.projects = requireNonNull(projects, "projects is null");
    this.tracking = requireNonNull(tracking, "tracking is null");
    Project defaultProject = defaultProject();
    tracking.ensureDefaultExperiment(defaultProject.id());
    declare();
  }

  private Project defaultProject() {
    return projects
        .findByName(DEFAULT_PROJECT)
        .orElseGet(
            () -> {
              try {
                return projects.create(
                    DEFAULT_PROJECT, "Experiments of MLflow clients that name no project", "tend");
              } catch (ConflictException e) {
                return projects.findByName(DEFAULT_PROJECT).orElseThrow();
              }
            });
  }

  private void declare() {
    HandlerType get = HandlerType.GET;
    HandlerType post = HandlerType.POST;
    endpoints.add(
        new Endpoint(post, "/experiments/create", "Create an experiment.", this::createExperiment));
    endpoints.add(
        new Endpoint(post, "/experiments/search", "Search experiments.", this::searchExperiments));
    endpoints.add(
        new Endpoint(get, "/experiments/search", "Search experiments.", this::searchExperiments));
    endpoints.add(new Endpoint(get, "/experiments/get", "Get an experiment.", this::getExperiment));
    endpoints.add(
        new Endpoint(
            get, "/experiments/get-by-name", "Get an experiment by name.", this::getByName));
    endpoints.add(
        new Endpoint(
            post,
            "/experiments/delete",
            "Mark an experiment and its runs deleted.",
            this::deleteExperiment));
    endpoints.add(
        new Endpoint(
            post,
            "/experiments/restore",
            "Restore a deleted experiment and its runs.",
            this::restoreExperiment));
    endpoints.add(
        new Endpoint(post, "/experiments/update", "Rename an experiment.", this::updateExperiment));
    endpoints.add(
        new Endpoint(
            post,
            "/experiments/set-experiment-tag",
            "Set a tag on an experiment.",
            this::setExperimentTag));
    endpoints.add(new Endpoint(post, "/runs/create", "Start a run.", this::createRun));
    endpoints.add(
        new Endpoint(
            post, "/runs/update", "Change a run's status, end time or name.", this::updateRun));
    endpoints.add(new Endpoint(post, "/runs/delete", "Mark a run deleted.", this::deleteRun));
    endpoints.add(new Endpoint(post, "/runs/restore", "Restore a deleted run.", this::restoreRun));
    endpoints.add(new Endpoint(post, "/runs/log-metric", "Log a metric point.", this::logMetric));
    endpoints.add(
        new Endpoint(
            post, "/runs/log-parameter", "Log a param (immutable once logged).", this::logParam));
    endpoints.add(new Endpoint(post, "/runs/set-tag", "Set a tag on a run.", this::setTag));
    endpoints.add(
        new Endpoint(post, "/runs/delete-tag", "Delete a tag of a run.", this::deleteTag));
    endpoints.add(
        new Endpoint(
            post,
            "/runs/log-batch",
            "Log up to 1000 metrics, 100 params and 100 tags at once.",
            this::logBatch));
    endpoints.add(
        new Endpoint(
            post,
            "/runs/log-inputs",
            "Record datasets a run read (source type 'tend' links a Tend dataset version).",
            this::logInputs));
    endpoints.add(new Endpoint(get, "/runs/get", "Get a run with its data.", this::getRun));
    endpoints.add(
        new Endpoint(
            post,
            "/runs/search",
            "Search runs (MLflow's filter grammar plus OR and parentheses).",
            this::searchRuns));
    endpoints.add(
        new Endpoint(
            get,
            "/metrics/get-history",
            "Every logged point of a metric, by step.",
            this::metricHistory));
  }

  @Override
  public void routes(ApiRoutes routes) {
    ApiSettings settings = routes.settings();
    for (String prefix : PREFIXES) {
      for (Endpoint endpoint : endpoints) {
        routes.mount(
            endpoint.method(), prefix + endpoint.path(), ctx -> serve(ctx, settings, endpoint));
      }
    }
  }

  @Override
  public JsonNode openApi(ObjectMapper mapper) {
    ObjectNode fragment = mapper.createObjectNode();
    ObjectNode paths = fragment.putObject("paths");
    for (Endpoint endpoint : endpoints) {
      ObjectNode path = (ObjectNode) paths.get(endpoint.path());
      if (path == null) {
        path = paths.putObject(endpoint.path());
        ArrayNode servers = path.putArray("servers");
        PREFIXES.forEach(prefix -> servers.addObject().put("url", prefix));
      }
      ObjectNode operation = path.putObject(endpoint.method().name().toLowerCase(Locale.ROOT));
      operation.put(
          "operationId",
          "mlflow"
              + operationName(endpoint.path())
              + (endpoint.method() == HandlerType.GET
                      && endpoint.path().equals("/experiments/search")
                  ? "Get"
                  : ""));
      operation.put("summary", endpoint.summary());
      operation.put(
          "description",
          "MLflow's REST API; see docs/tracking.md. Errors are {\"error_code\", \"message\"}.");
      operation.putArray("tags").add("mlflow");
      if (endpoint.method() == HandlerType.POST) {
        operation
            .putObject("requestBody")
            .putObject("content")
            .putObject("application/json")
            .putObject("schema")
            .put("type", "object");
      }
      ObjectNode responses = operation.putObject("responses");
      responses.putObject("200").put("description", "MLflow's response object.");
      for (String status : List.of("400", "401", "403", "404")) {
        responses
            .putObject(status)
            .put("description", "MLflow error")
            .putObject("content")
            .putObject("application/json")
            .set("schema", mlflowErrorSchema(mapper));
      }
    }
    return fragment;
  }

  private static ObjectNode mlflowErrorSchema(ObjectMapper mapper) {
    ObjectNode schema = mapper.createObjectNode();
    schema.put("type", "object");
    schema.putArray("required").add("error_code").add("message");
    ObjectNode properties = schema.putObject("properties");
    properties.putObject("error_code").put("type", "string");
    properties.putObject("message").put("type", "string");
    return schema;
  }

  private static String operationName(String path) {
    StringBuilder out = new StringBuilder();
    for (String part : path.split("[/-]")) {
      if (!part.isEmpty()) {
        out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return out.toString();
  }

  // ---------------------------------------------------------------- plumbing

  private void serve(Context ctx, ApiSettings settings, Endpoint endpoint) {
    ObjectNode response;
    int status = 200;
    try {
      Caller caller = new Caller(authenticate(ctx, settings), settings);
      MlflowRequest request =
          endpoint.method() == HandlerType.GET
              ? MlflowRequest.ofQuery(ctx.queryParamMap())
              : MlflowRequest.ofBody(readBody(ctx, settings, endpoint));
      response = endpoint.call().handle(caller, request);
    } catch (MlflowError e) {
      status = e.status();
      response = error(e.code(), e.getMessage());
      if (e.status() == 401) {
        ctx.header("WWW-Authenticate", "Bearer realm=\"tend\"");
      }
    } catch (NotFoundException e) {
      status = 404;
      response = error(MlflowError.RESOURCE_DOES_NOT_EXIST, e.getMessage());
    } catch (ConflictException e) {
      status = 400;
      response = error(MlflowError.RESOURCE_ALREADY_EXISTS, e.getMessage());
    } catch (IllegalArgumentException e) {
      status = 400;
      response = error(MlflowError.INVALID_PARAMETER_VALUE, e.getMessage());
    } catch (RuntimeException e) {
      String incident = UUID.randomUUID().toString();
      LOG.error("incident {}: {} {} failed", incident, ctx.method().name(), ctx.path(), e);
      status = 500;
      response =
          error(
              MlflowError.INTERNAL_ERROR,
              "the server failed to handle this request; report incident " + incident);
    }
    ctx.status(status);
    ctx.contentType("application/json");
    try {
      ctx.result(mapper.writeValueAsBytes(response));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an MLflow response", e);
    }
  }

  private static ObjectNode error(String code, String message) {
    ObjectNode node = MlflowJson.object();
    node.put("error_code", code);
    node.put("message", message);
    return node;
  }

  private JsonNode readBody(Context ctx, ApiSettings settings, Endpoint endpoint) {
    long limit = settings.maxRequestBodyBytes();
    byte[] body;
    try (InputStream in = ctx.req().getInputStream()) {
      body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
    } catch (IOException e) {
      throw new MlflowError(
          MlflowError.MALFORMED_REQUEST, 400, "the request body could not be read");
    }
    if (body.length > limit) {
      throw new MlflowError(
          MlflowError.INVALID_PARAMETER_VALUE,
          413,
          "the request body is larger than the server's limit of " + limit + " bytes");
    }
    if (endpoint.path().equals("/runs/log-batch")
        && body.length > TrackingRules.MAX_BATCH_REQUEST_BYTES) {
      throw MlflowError.invalid(
          "Batched logging API requests must be at most "
              + TrackingRules.MAX_BATCH_REQUEST_BYTES
              + " bytes, got a request of size "
              + body.length
              + ".");
    }
    if (body.length == 0) {
      return null;
    }
    try {
      return mapper.readTree(body);
    } catch (IOException e) {
      String where =
          e instanceof JsonProcessingException json && json.getLocation() != null
              ? " at line "
                  + json.getLocation().getLineNr()
                  + ", column "
                  + json.getLocation().getColumnNr()
              : "";
      throw new MlflowError(MlflowError.MALFORMED_REQUEST, 400, "malformed JSON" + where);
    }
  }

  private static Optional<Principal> authenticate(Context ctx, ApiSettings settings) {
    String header = ctx.header("Authorization");
    if (header == null) {
      return Optional.empty();
    }
    String[] parts = header.trim().split("\\s+", 2);
    if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer") || parts[1].isBlank()) {
      throw new MlflowError(
          MlflowError.UNAUTHENTICATED,
          401,
          "the Authorization header must be 'Bearer <token>' (set MLFLOW_TRACKING_TOKEN)");
    }
    return Optional.of(
        settings
            .tokens()
            .verify(parts[1].trim())
            .orElseThrow(
                () ->
                    new MlflowError(
                        MlflowError.UNAUTHENTICATED,
                        401,
                        "the API token is not valid (unknown, revoked or expired)")));
  }

  /** Throws unless the caller may take {@code action} in the project with id {@code projectId}. */
  private void require(Caller caller, String projectId, Action action) {
    if (caller.principal().isEmpty()) {
      if (action == Action.READ && caller.settings().anonymousReads()) {
        return;
      }
      throw new MlflowError(
          MlflowError.UNAUTHENTICATED,
          401,
          "this call needs an API token: set MLFLOW_TRACKING_TOKEN (sent as 'Authorization:"
              + " Bearer <token>')");
    }
    String project = projectName(projectId);
    if (!caller.settings().authorizer().can(caller.principal().get(), project, action)) {
      throw new MlflowError(
          MlflowError.PERMISSION_DENIED,
          403,
          "'"
              + caller.name()
              + "' may not "
              + action.name().toLowerCase(Locale.ROOT)
              + " in project '"
              + project
              + "'");
    }
  }

  /** Throws 401 for anonymous callers of a write, before anything is looked up. */
  private static void requireToken(Caller caller) {
    if (caller.principal().isEmpty()) {
      throw new MlflowError(
          MlflowError.UNAUTHENTICATED,
          401,
          "this call needs an API token: set MLFLOW_TRACKING_TOKEN (sent as 'Authorization:"
              + " Bearer <token>')");
    }
  }

  private String projectName(String projectId) {
    return projectNames.computeIfAbsent(
        projectId,
        id -> projects.get(id).map(Project::name).orElseThrow(() -> new IllegalStateException(id)));
  }

  private Experiment experiment(String idText) {
    long id = experimentId(idText);
    Experiment experiment =
        tracking
            .experiment(id)
            .orElseThrow(() -> MlflowError.notFound("No Experiment with id=" + idText + " exists"));
    projectOfExperiment.putIfAbsent(id, experiment.projectId());
    return experiment;
  }

  private static long experimentId(String idText) {
    try {
      return Long.parseLong(idText);
    } catch (NumberFormatException e) {
      throw MlflowError.notFound("No Experiment with id=" + idText + " exists");
    }
  }

  private String projectOf(long experimentId) {
    String cached = projectOfExperiment.get(experimentId);
    return cached != null ? cached : experiment(Long.toString(experimentId)).projectId();
  }

  private RunInfo run(Caller caller, String runId, Action action) {
    if (action != Action.READ) {
      requireToken(caller);
    }
    RunInfo info =
        tracking
            .runInfo(runId)
            .orElseThrow(() -> MlflowError.notFound("Run with id=" + runId + " not found"));
    require(caller, projectOf(info.experimentId()), action);
    return info;
  }

  // ---------------------------------------------------------------- experiments

  private ObjectNode createExperiment(Caller caller, MlflowRequest request) {
    requireToken(caller);
    String name = request.requiredString("name");
    List<KeyValue> tags = keyValues(request.objects("tags"));
    String projectName =
        tags.stream()
            .filter(t -> t.key().equals(PROJECT_TAG))
            .map(KeyValue::value)
            .reduce((a, b) -> b)
            .orElse(DEFAULT_PROJECT);
    Project project =
        projects
            .findByName(projectName)
            .orElseThrow(
                () ->
                    MlflowError.notFound(
                        "No Tend project named '"
                            + projectName
                            + "' (chosen by the experiment tag "
                            + PROJECT_TAG
                            + ")"));
    require(caller, project.id(), Action.WRITE);
    Experiment experiment =
        tracking.createExperiment(
            project.id(),
            name,
            request.string("artifact_location").filter(s -> !s.isEmpty()),
            tags,
            caller.name());
    ObjectNode response = MlflowJson.object();
    response.put("experiment_id", experiment.idText());
    return response;
  }

  private ObjectNode searchExperiments(Caller caller, MlflowRequest request) {
    Optional<String> reader;
    if (caller.principal().isEmpty()) {
      if (!caller.settings().anonymousReads()) {
        requireToken(caller);
      }
      reader = Optional.empty();
    } else {
      Principal principal = caller.principal().get();
      reader = principal.globalAdmin() ? Optional.empty() : Optional.of(principal.id());
    }
    Page<Experiment> page =
        tracking.searchExperiments(
            new ExperimentSearch(
                request.string("filter").orElse(""),
                viewType(request, "view_type"),
                maxResults(request, RunSearch.DEFAULT_MAX_RESULTS),
                request.strings("order_by"),
                request.string("page_token"),
                reader));
    ObjectNode response = MlflowJson.object();
    ArrayNode experiments = response.putArray("experiments");
    page.items().forEach(e -> experiments.add(MlflowJson.experiment(e)));
    page.nextCursor().ifPresent(t -> response.put("next_page_token", t));
    return response;
  }

  private ObjectNode getExperiment(Caller caller, MlflowRequest request) {
    Experiment experiment = experiment(request.requiredString("experiment_id"));
    require(caller, experiment.projectId(), Action.READ);
    ObjectNode response = MlflowJson.object();
    response.set("experiment", MlflowJson.experiment(experiment));
    return response;
  }

  private ObjectNode getByName(Caller caller, MlflowRequest request) {
    String name = request.requiredString("experiment_name");
    Experiment experiment =
        tracking
            .experimentByName(name)
            .orElseThrow(
                () -> MlflowError.notFound("Could not find experiment with name '" + name + "'"));
    require(caller, experiment.projectId(), Action.READ);
    ObjectNode response = MlflowJson.object();
    response.set("experiment", MlflowJson.experiment(experiment));
    return response;
  }

  private ObjectNode deleteExperiment(Caller caller, MlflowRequest request) {
    requireToken(caller);
    Experiment experiment = experiment(request.requiredString("experiment_id"));
    require(caller, experiment.projectId(), Action.MAINTAIN);
    tracking.deleteExperiment(experiment.id(), caller.name());
    return MlflowJson.object();
  }

  private ObjectNode restoreExperiment(Caller caller, MlflowRequest request) {
    requireToken(caller);
    Experiment experiment = experiment(request.requiredString("experiment_id"));
    require(caller, experiment.projectId(), Action.MAINTAIN);
    tracking.restoreExperiment(experiment.id(), caller.name());
    return MlflowJson.object();
  }

  private ObjectNode updateExperiment(Caller caller, MlflowRequest request) {
    requireToken(caller);
    Experiment experiment = experiment(request.requiredString("experiment_id"));
    require(caller, experiment.projectId(), Action.MAINTAIN);
    Optional<String> newName = request.string("new_name").filter(n -> !n.isEmpty());
    if (newName.isPresent()) {
      tracking.renameExperiment(experiment.id(), newName.get(), caller.name());
    }
    return MlflowJson.object();
  }

  private ObjectNode setExperimentTag(Caller caller, MlflowRequest request) {
    requireToken(caller);
    Experiment experiment = experiment(request.requiredString("experiment_id"));
    require(caller, experiment.projectId(), Action.WRITE);
    tracking.setExperimentTag(
        experiment.id(), request.requiredString("key"), request.string("value").orElse(""));
    return MlflowJson.object();
  }

  // ---------------------------------------------------------------- runs

  private ObjectNode createRun(Caller caller, MlflowRequest request) {
    requireToken(caller);
    Experiment experiment =
        experiment(
            request
                .string("experiment_id")
                .filter(s -> !s.isEmpty())
                .orElse(Long.toString(TrackingRepository.DEFAULT_EXPERIMENT_ID)));
    require(caller, experiment.projectId(), Action.WRITE);
    RunInfo info =
        tracking.createRun(
            new NewRun(
                experiment.id(),
                request.string("run_name").filter(s -> !s.isEmpty()),
                request.string("user_id").filter(s -> !s.isEmpty()),
                request.int64("start_time"),
                keyValues(request.objects("tags"))));
    return runResponse(info.runId());
  }

  private ObjectNode runResponse(String runId) {
    Run run = tracking.run(runId).orElseThrow();
    ObjectNode response = MlflowJson.object();
    response.set("run", MlflowJson.run(run));
    return response;
  }

  private ObjectNode updateRun(Caller caller, MlflowRequest request) {
    String runId = request.runId();
    run(caller, runId, Action.WRITE);
    Optional<RunStatus> status =
        request
            .string("status")
            .map(
                s -> {
                  try {
                    return RunStatus.valueOf(s);
                  } catch (IllegalArgumentException e) {
                    throw MlflowError.invalid(
                        "Invalid value '"
                            + s
                            + "' for parameter 'status': use RUNNING, SCHEDULED, FINISHED, FAILED"
                            + " or KILLED");
                  }
                });
    RunInfo info =
        tracking.updateRun(runId, status, request.int64("end_time"), request.string("run_name"));
    ObjectNode response = MlflowJson.object();
    response.set("run_info", MlflowJson.runInfo(info));
    return response;
  }

  private ObjectNode deleteRun(Caller caller, MlflowRequest request) {
    String runId = request.runId();
    run(caller, runId, Action.WRITE);
    tracking.deleteRun(runId, caller.name());
    return MlflowJson.object();
  }

  private ObjectNode restoreRun(Caller caller, MlflowRequest request) {
    String runId = request.runId();
    run(caller, runId, Action.WRITE);
    tracking.restoreRun(runId, caller.name());
    return MlflowJson.object();
  }

  private ObjectNode logMetric(Caller caller, MlflowRequest request) {
    String runId = request.runId();
    Metric metric =
        new Metric(
            request.requiredString("key"),
            request.number("value").orElseThrow(() -> MlflowError.missing("value")),
            request.int64("timestamp").orElseThrow(() -> MlflowError.missing("timestamp")),
            request.int64("step").orElse(0L));
    run(caller, runId, Action.WRITE);
    tracking.logBatch(runId, List.of(metric), List.of(), List.of());
    return MlflowJson.object();
  }

  private ObjectNode logParam(Caller caller, MlflowRequest request) {
    String runId = request.runId();
    KeyValue param =
        new KeyValue(request.requiredString("key"), request.string("value").orElse(""));
    run(caller, runId, Action.WRITE);
    tracking.logBatch(runId, List.of(), List.of(param), List.of());
    return MlflowJson.object();
  }

  private ObjectNode setTag(Caller caller, MlflowRequest request) {
    String runId = request.runId();
    KeyValue tag = new KeyValue(request.requiredString("key"), request.string("value").orElse(""));
    run(caller, runId, Action.WRITE);
    tracking.logBatch(runId, List.of(), List.of(), List.of(tag));
    return MlflowJson.object();
  }

  private ObjectNode deleteTag(Caller caller, MlflowRequest request) {
    String runId = request.runId();
    String key = request.requiredString("key");
    run(caller, runId, Action.WRITE);
    tracking.deleteTag(runId, key);
    return MlflowJson.object();
  }

  private ObjectNode logBatch(Caller caller, MlflowRequest request) {
    String runId = request.runId();
    List<JsonNode> metricNodes = request.objects("metrics");
    List<KeyValue> params = keyValues(request.objects("params"));
    List<KeyValue> tags = keyValues(request.objects("tags"));
    TrackingRules.requireBatchLimits(metricNodes.size(), params.size(), tags.size());
    List<Metric> metrics = new ArrayList<>();
    for (JsonNode node : metricNodes) {
      MlflowRequest m = MlflowRequest.ofBody(node);
      metrics.add(
          new Metric(
              m.requiredString("key"),
              m.number("value").orElseThrow(() -> MlflowError.missing("value")),
              m.int64("timestamp").orElseThrow(() -> MlflowError.missing("timestamp")),
              m.int64("step").orElse(0L)));
    }
    run(caller, runId, Action.WRITE);
    tracking.logBatch(runId, metrics, params, tags);
    return MlflowJson.object();
  }

  private ObjectNode logInputs(Caller caller, MlflowRequest request) {
    String runId = request.runId();
    List<RunInput> inputs = new ArrayList<>();
    for (JsonNode node : request.objects("datasets")) {
      MlflowRequest input = MlflowRequest.ofBody(node);
      JsonNode datasetNode = node.get("dataset");
      if (datasetNode == null || !datasetNode.isObject()) {
        throw MlflowError.missing("dataset");
      }
      MlflowRequest dataset = MlflowRequest.ofBody(datasetNode);
      Map<String, String> tags = new LinkedHashMap<>();
      keyValues(input.objects("tags")).forEach(t -> tags.put(t.key(), t.value()));
      inputs.add(
          RunInput.of(
              dataset.requiredString("name"),
              dataset.requiredString("digest"),
              dataset.requiredString("source_type"),
              dataset.requiredString("source"),
              dataset.string("schema"),
              dataset.string("profile"),
              tags));
    }
    run(caller, runId, Action.WRITE);
    tracking.logInputs(runId, inputs);
    return MlflowJson.object();
  }

  private ObjectNode getRun(Caller caller, MlflowRequest request) {
    String runId = request.runId();
    run(caller, runId, Action.READ);
    return runResponse(runId);
  }

  private ObjectNode searchRuns(Caller caller, MlflowRequest request) {
    List<Long> ids = new ArrayList<>();
    for (String text : request.strings("experiment_ids")) {
      long id;
      try {
        id = Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw MlflowError.invalid("Invalid experiment ID: '" + text + "'");
      }
      Optional<Experiment> experiment = tracking.experiment(id);
      if (experiment.isPresent()) {
        require(caller, experiment.get().projectId(), Action.READ);
        ids.add(id);
      }
    }
    if (ids.isEmpty() && caller.principal().isEmpty() && !caller.settings().anonymousReads()) {
      requireToken(caller);
    }
    Page<Run> page =
        tracking.searchRuns(
            new RunSearch(
                ids,
                request.string("filter").orElse(""),
                viewType(request, "run_view_type"),
                maxResults(request, RunSearch.DEFAULT_MAX_RESULTS),
                request.strings("order_by"),
                request.string("page_token")));
    ObjectNode response = MlflowJson.object();
    ArrayNode runs = response.putArray("runs");
    page.items().forEach(r -> runs.add(MlflowJson.run(r)));
    page.nextCursor().ifPresent(t -> response.put("next_page_token", t));
    return response;
  }

  private ObjectNode metricHistory(Caller caller, MlflowRequest request) {
    String runId = request.runId();
    String key = request.requiredString("metric_key");
    run(caller, runId, Action.READ);
    Page<Metric> page =
        tracking.metricHistory(
            runId, key, request.string("page_token"), maxResults(request, DEFAULT_HISTORY_RESULTS));
    ObjectNode response = MlflowJson.object();
    ArrayNode metrics = response.putArray("metrics");
    page.items().forEach(m -> metrics.add(MlflowJson.metric(m)));
    page.nextCursor().ifPresent(t -> response.put("next_page_token", t));
    return response;
  }

  // ---------------------------------------------------------------- helpers

  private static int maxResults(MlflowRequest request, int fallback) {
    long value = request.int64("max_results").orElse((long) fallback);
    if (value < 1 || value > RunSearch.MAX_RESULTS) {
      throw MlflowError.invalid(
          "Invalid value "
              + value
              + " for parameter 'max_results' supplied. It must be between 1 and "
              + RunSearch.MAX_RESULTS);
    }
    return (int) value;
  }

  private static ViewType viewType(MlflowRequest request, String name) {
    return request
        .string(name)
        .map(
            v -> {
              try {
                return ViewType.valueOf(v);
              } catch (IllegalArgumentException e) {
                throw MlflowError.invalid(
                    "Invalid value '"
                        + v
                        + "' for parameter '"
                        + name
                        + "': use ACTIVE_ONLY, DELETED_ONLY or ALL");
              }
            })
        .orElse(ViewType.ACTIVE_ONLY);
  }

  private static List<KeyValue> keyValues(List<JsonNode> nodes) {
    List<KeyValue> out = new ArrayList<>();
    for (JsonNode node : nodes) {
      MlflowRequest kv = MlflowRequest.ofBody(node);
      out.add(new KeyValue(kv.requiredString("key"), kv.string("value").orElse("")));
    }
    return out;
  }
}
