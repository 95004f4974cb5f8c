package dev.tend.server.mlflow;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.access.Action;
import dev.tend.access.Principal;
import dev.tend.artifacts.ArtifactException;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.server.ApiModule;
import dev.tend.server.http.ApiRoutes;
import dev.tend.server.http.ApiSettings;
import dev.tend.server.http.Json;
import dev.tend.store.ConflictException;
import dev.tend.store.NotFoundException;
import dev.tend.tracking.TrackingRules;
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
 * What MLflow's REST APIs share: endpoints mounted under their own prefixes, Tend's bearer tokens
 * and project roles, MLflow's request parsing and its error bodies ({@code {"error_code",
 * "message"}}) with the status MLflow uses for each code, and their OpenAPI description.
 * Thread-safe.
 */
abstract class MlflowModule implements ApiModule {
  private static final Logger LOG = LoggerFactory.getLogger(MlflowModule.class);

  /** Where MLflow clients send tracking and registry requests, and the alias MLflow's UI uses. */
  static final List<String> MLFLOW_PREFIXES = List.of("/api/2.0/mlflow", "/ajax-api/2.0/mlflow");

  /** One MLflow call taking and answering JSON. */
  @FunctionalInterface
  interface Call {
    ObjectNode handle(Caller caller, MlflowRequest request);
  }

  /** One MLflow call that writes its own response (streamed artifacts). */
  @FunctionalInterface
  interface Raw {
    void handle(Caller caller, Context ctx);
  }

  private record Endpoint(
      HandlerType method,
      List<String> prefixes,
      String path,
      String summary,
      Call call,
      Raw raw,
      String operationSuffix) {}

  /** Who is calling, with what the server's settings allow anonymous callers. */
  record Caller(Optional<Principal> principal, ApiSettings settings) {
    String name() {
      return principal.map(Principal::name).orElse("anonymous");
    }
  }

  final ProjectRepository projects;
  final ObjectMapper mapper = Json.mapper();
  private final Map<String, String> projectNames = new ConcurrentHashMap<>();
  private final List<Endpoint> endpoints = new ArrayList<>();

  MlflowModule(ProjectRepository projects) {
    this.projects = requireNonNull(projects, "projects is null");
  }

  /** Declares a JSON call at {@code path} under the MLflow prefixes. */
  final void add(HandlerType method, String path, String summary, Call call) {
    endpoints.add(new Endpoint(method, MLFLOW_PREFIXES, path, summary, call, null, ""));
  }

  /** Declares a JSON call whose OpenAPI operation id needs a suffix to stay unique. */
  final void add(HandlerType method, String path, String summary, Call call, String suffix) {
    endpoints.add(new Endpoint(method, MLFLOW_PREFIXES, path, summary, call, null, suffix));
  }

  /** Declares a call that writes its own response, at {@code path} under {@code prefixes}. */
  final void addRaw(
      HandlerType method, List<String> prefixes, String path, String summary, Raw raw) {
    endpoints.add(new Endpoint(method, prefixes, path, summary, null, raw, ""));
  }

  @Override
  public void routes(ApiRoutes routes) {
    ApiSettings settings = routes.settings();
    for (Endpoint endpoint : endpoints) {
      for (String prefix : endpoint.prefixes()) {
        routes.mount(
            endpoint.method(),
            prefix + endpoint.path().replaceAll("\\{(\\w+)}", "<$1>"),
            ctx -> serve(ctx, settings, endpoint));
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
        endpoint.prefixes().forEach(prefix -> servers.addObject().put("url", prefix));
      }
      ObjectNode operation = path.putObject(endpoint.method().name().toLowerCase(Locale.ROOT));
      operation.put(
          "operationId",
          (endpoint.prefixes().equals(MLFLOW_PREFIXES) ? "mlflow" : "mlflowArtifacts")
              + operationName(endpoint.path())
              + endpoint.operationSuffix());
      operation.put("summary", endpoint.summary());
      operation.put(
          "description",
          "MLflow's REST API; see docs/tracking.md. Errors are {\"error_code\", \"message\"}.");
      operation.putArray("tags").add("mlflow");
      if (endpoint.path().contains("{path}")) {
        ObjectNode parameter = operation.putArray("parameters").addObject();
        parameter.put("name", "path");
        parameter.put("in", "path");
        parameter.put("required", true);
        parameter.put(
            "description", "<experiment_id>/<run_id>/artifacts/<file path> (may hold slashes)");
        parameter.putObject("schema").put("type", "string");
      }
      if (endpoint.call() != null
          && endpoint.method() != HandlerType.GET
          && endpoint.method() != HandlerType.DELETE) {
        operation
            .putObject("requestBody")
            .putObject("content")
            .putObject("application/json")
            .putObject("schema")
            .put("type", "object");
      } else if (endpoint.method() == HandlerType.PUT) {
        operation
            .putObject("requestBody")
            .putObject("content")
            .putObject("application/octet-stream")
            .putObject("schema")
            .put("type", "string")
            .put("format", "binary");
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
    for (String part : path.replaceAll("[{}]", "").split("[/-]")) {
      if (!part.isEmpty()) {
        out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return out.toString();
  }

  // ---------------------------------------------------------------- serving

  private void serve(Context ctx, ApiSettings settings, Endpoint endpoint) {
    try {
      Caller caller = new Caller(authenticate(ctx, settings), settings);
      if (endpoint.raw() != null) {
        endpoint.raw().handle(caller, ctx);
        return;
      }
      MlflowRequest request;
      if (endpoint.method() == HandlerType.GET) {
        request = MlflowRequest.ofQuery(ctx.queryParamMap());
      } else {
        JsonNode body = readBody(ctx, settings, endpoint);
        request =
            body == null && !ctx.queryParamMap().isEmpty()
                ? MlflowRequest.ofQuery(ctx.queryParamMap())
                : MlflowRequest.ofBody(body);
      }
      respond(ctx, 200, endpoint.call().handle(caller, request));
    } catch (RuntimeException e) {
      fail(ctx, e);
    }
  }

  /** Answers {@code e} in MLflow's error convention. */
  final void fail(Context ctx, RuntimeException e) {
    int status;
    ObjectNode response;
    switch (e) {
      case MlflowError m -> {
        status = m.status();
        response = error(m.code(), m.getMessage());
        if (m.status() == 401) {
          ctx.header("WWW-Authenticate", "Bearer realm=\"tend\"");
        }
      }
      case NotFoundException n -> {
        status = 404;
        response = error(MlflowError.RESOURCE_DOES_NOT_EXIST, n.getMessage());
      }
      case ConflictException c -> {
        status = 400;
        response = error(MlflowError.RESOURCE_ALREADY_EXISTS, c.getMessage());
      }
      case IllegalArgumentException i -> {
        status = 400;
        response = error(MlflowError.INVALID_PARAMETER_VALUE, i.getMessage());
      }
      default -> {
        String incident = UUID.randomUUID().toString();
        LOG.error("incident {}: {} {} failed", incident, ctx.method().name(), ctx.path(), e);
        status = 500;
        response =
            error(
                MlflowError.INTERNAL_ERROR,
                "the server failed to handle this request; report incident " + incident);
      }
    }
    if (e instanceof ArtifactException && !(e instanceof MlflowError)) {
      LOG.warn("artifact failure on {} {}: {}", ctx.method().name(), ctx.path(), e.getMessage());
    }
    respond(ctx, status, response);
  }

  final void respond(Context ctx, int status, ObjectNode response) {
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
  final void require(Caller caller, String projectId, Action action) {
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
  static void requireToken(Caller caller) {
    if (caller.principal().isEmpty()) {
      throw new MlflowError(
          MlflowError.UNAUTHENTICATED,
          401,
          "this call needs an API token: set MLFLOW_TRACKING_TOKEN (sent as 'Authorization:"
              + " Bearer <token>')");
    }
  }

  /** The principal a search is restricted to, or empty for global admins and anonymous reads. */
  static Optional<String> reader(Caller caller) {
    if (caller.principal().isEmpty()) {
      if (!caller.settings().anonymousReads()) {
        requireToken(caller);
      }
      return Optional.empty();
    }
    Principal principal = caller.principal().get();
    return principal.globalAdmin() ? Optional.empty() : Optional.of(principal.id());
  }

  final String projectName(String projectId) {
    return projectNames.computeIfAbsent(
        projectId,
        id -> projects.get(id).map(Project::name).orElseThrow(() -> new IllegalStateException(id)));
  }

  static Map<String, String> tagMap(List<JsonNode> nodes) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode node : nodes) {
      MlflowRequest kv = MlflowRequest.ofBody(node);
      out.put(kv.requiredString("key"), kv.string("value").orElse(""));
    }
    return out;
  }
}
