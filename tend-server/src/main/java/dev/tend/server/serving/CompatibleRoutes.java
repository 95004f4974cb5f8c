package dev.tend.server.serving;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.access.Action;
import dev.tend.access.Principal;
import dev.tend.registry.ModelVersion;
import dev.tend.server.http.ApiException;
import dev.tend.server.http.ApiRoutes;
import dev.tend.server.http.ApiSettings;
import dev.tend.server.http.Bodies;
import dev.tend.server.http.ProblemCode;
import dev.tend.serving.protocol.Field;
import dev.tend.serving.protocol.TensorDatatype;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * MLflow's scoring protocol per deployment (/deployments/{name}/invocations, ping, health, version)
 * and the Open Inference Protocol (/v2/...), mounted outside /api/v1. Mounted routes skip the
 * guard, so they authenticate here with the server's tokens and authorize READ on the
 * deployment's project like Tend's own predict route; errors are written in each protocol's own
 * shape.
 */
final class CompatibleRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(CompatibleRoutes.class);

  private enum Style {
    MLFLOW,
    OPEN_INFERENCE
  }

  private interface Handler {
    void handle(Context ctx, ApiSettings settings, Style style) throws IOException;
  }

  private final RoutingTable table;
  private final Predictor predictor;
  private final ModelCache cache;

  CompatibleRoutes(RoutingTable table, Predictor predictor, ModelCache cache) {
    this.table = requireNonNull(table, "table is null");
    this.predictor = requireNonNull(predictor, "predictor is null");
    this.cache = requireNonNull(cache, "cache is null");
  }

  void mount(ApiRoutes routes) {
    ApiSettings settings = routes.settings();
    mount(
        routes,
        settings,
        HandlerType.POST,
        "/deployments/{name}/invocations",
        Style.MLFLOW,
        (ctx, s, style) -> infer(ctx, s, style, route(ctx, s, "name"), Optional.empty()));
    mount(routes, settings, HandlerType.GET, "/deployments/{name}/ping", Style.MLFLOW, this::ping);
    mount(
        routes, settings, HandlerType.GET, "/deployments/{name}/health", Style.MLFLOW, this::ping);
    mount(
        routes,
        settings,
        HandlerType.GET,
        "/deployments/{name}/version",
        Style.MLFLOW,
        (ctx, s, style) -> {
          Route route = route(ctx, s, "name");
          ctx.status(200)
              .contentType("text/plain")
              .result(Integer.toString(route.stable().version()));
        });
    mount(
        routes,
        settings,
        HandlerType.GET,
        "/v2/health/live",
        Style.OPEN_INFERENCE,
        (ctx, s, style) -> json(ctx, 200, s.mapper().createObjectNode().put("live", true)));
    mount(
        routes,
        settings,
        HandlerType.GET,
        "/v2/health/ready",
        Style.OPEN_INFERENCE,
        (ctx, s, style) -> {
          boolean ready = true;
          for (Route route : table.all()) {
            ready &= loads(route);
          }
          json(ctx, ready ? 200 : 503, s.mapper().createObjectNode().put("ready", ready));
        });
    mount(
        routes,
        settings,
        HandlerType.GET,
        "/v2/models/{model}",
        Style.OPEN_INFERENCE,
        this::metadata);
    mount(
        routes,
        settings,
        HandlerType.GET,
        "/v2/models/{model}/ready",
        Style.OPEN_INFERENCE,
        (ctx, s, style) -> {
          Route route = route(ctx, s, "model");
          boolean ready = loads(route);
          json(
              ctx,
              ready ? 200 : 503,
              s.mapper().createObjectNode().put("name", route.deployment()).put("ready", ready));
        });
    mount(
        routes,
        settings,
        HandlerType.POST,
        "/v2/models/{model}/infer",
        Style.OPEN_INFERENCE,
        (ctx, s, style) -> infer(ctx, s, style, route(ctx, s, "model"), Optional.empty()));
    mount(
        routes,
        settings,
        HandlerType.POST,
        "/v2/models/{model}/versions/{version}/infer",
        Style.OPEN_INFERENCE,
        (ctx, s, style) ->
            infer(ctx, s, style, route(ctx, s, "model"), Optional.of(ctx.pathParam("version"))));
  }

  private static void mount(
      ApiRoutes routes,
      ApiSettings settings,
      HandlerType method,
      String path,
      Style style,
      Handler handler) {
    routes.mount(method, path, ctx -> serve(ctx, settings, style, handler));
  }

  private static void serve(Context ctx, ApiSettings settings, Style style, Handler handler)
      throws IOException {
    try {
      handler.handle(ctx, settings, style);
    } catch (ApiException e) {
      e.headers().forEach(ctx::header);
      error(ctx, settings.mapper(), style, e.code().status(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("serving {} {} failed", ctx.method(), ctx.path(), e);
      error(ctx, settings.mapper(), style, 500, "the server failed to answer; see its log");
    }
  }

  private static void error(
      Context ctx, ObjectMapper mapper, Style style, int status, String message) {
    ObjectNode body = mapper.createObjectNode();
    switch (style) {
      case MLFLOW -> body.put("error_code", mlflowCode(status)).put("message", message);
      case OPEN_INFERENCE -> body.put("error", message);
    }
    json(ctx, status, body);
  }

  /* MLflow's scoring server answers bad input as BAD_REQUEST; the rest by their usual codes. */
  private static String mlflowCode(int status) {
    return switch (status) {
      case 401 -> "UNAUTHENTICATED";
      case 403 -> "PERMISSION_DENIED";
      case 404 -> "RESOURCE_DOES_NOT_EXIST";
      case 503 -> "TEMPORARILY_UNAVAILABLE";
      default -> status >= 500 ? "INTERNAL_ERROR" : "BAD_REQUEST";
    };
  }

  private static void json(Context ctx, int status, ObjectNode body) {
    ctx.status(status).contentType("application/json").result(body.toString());
  }

  private void infer(
      Context ctx, ApiSettings settings, Style style, Route route, Optional<String> version) {
    byte[] body = readJson(ctx, settings.maxRequestBodyBytes());
    Predictor.Answer answer =
        predictor.answer(
            route,
            body,
            style == Style.MLFLOW ? Predictor.Protocol.MLFLOW : Predictor.Protocol.OPEN_INFERENCE,
            version);
    ctx.header(ServingApi.MODEL_VERSION_HEADER, Integer.toString(answer.version().version()))
        .header(ServingApi.PREDICTION_IDS_HEADER, String.join(",", answer.predictionIds()))
        .status(200)
        .contentType("application/json")
        .result(answer.body());
  }

  private void ping(Context ctx, ApiSettings settings, Style style) {
    Route route = route(ctx, settings, "name");
    if (!loads(route)) {
      throw new ApiException(
          ProblemCode.MODEL_UNAVAILABLE,
          "the models of deployment '" + route.deployment() + "' cannot be loaded");
    }
    ctx.status(200).contentType("application/json").result("{}\n");
  }

  private void metadata(Context ctx, ApiSettings settings, Style style) {
    Route route = route(ctx, settings, "model");
    ObjectNode body = settings.mapper().createObjectNode();
    body.put("name", route.deployment());
    ArrayNode versions = body.putArray("versions");
    versions.add(Integer.toString(route.stable().version()));
    route.candidate().ifPresent(c -> versions.add(Integer.toString(c.version().version())));
    body.put("platform", "tend");
    ServedModel served = acquire(route.stable());
    try {
      tensors(body.putArray("inputs"), served.signature().inputs());
      tensors(body.putArray("outputs"), served.signature().outputs());
    } finally {
      served.release();
    }
    json(ctx, 200, body);
  }

  private static void tensors(ArrayNode array, List<Field> fields) {
    for (Field field : fields) {
      ObjectNode tensor = array.addObject();
      tensor.put("name", field.name());
      tensor.put("datatype", TensorDatatype.of(field.type()).name());
      tensor.putArray("shape").add(-1);
    }
  }

  /* Whether every version the route may answer with is loaded (loading it if needed). */
  private boolean loads(Route route) {
    List<ModelVersion> versions = new ArrayList<>();
    versions.add(route.stable());
    route.candidate().ifPresent(c -> versions.add(c.version()));
    for (ModelVersion version : versions) {
      try {
        cache.acquire(version).release();
      } catch (RuntimeException e) {
        LOG.warn("model version {} of '{}' cannot be loaded", version.id(), route.deployment(), e);
        return false;
      }
    }
    return true;
  }

  private ServedModel acquire(ModelVersion version) {
    try {
      return cache.acquire(version);
    } catch (RuntimeException e) {
      throw new ApiException(
          ProblemCode.MODEL_UNAVAILABLE,
          "model version " + version.modelName() + "/" + version.version() + " cannot be loaded");
    }
  }

  /* The named deployment if the caller may read its project; 404 otherwise, as Tend's route. */
  private Route route(Context ctx, ApiSettings settings, String param) {
    Optional<Principal> principal = authenticate(ctx, settings);
    String name = ctx.pathParam(param);
    return table
        .get(name)
        .filter(
            r ->
                principal.isEmpty()
                    || settings.authorizer().can(principal.get(), r.projectName(), Action.READ))
        .orElseThrow(() -> new ApiException.NotFound("no deployment named '" + name + "'"));
  }

  private static Optional<Principal> authenticate(Context ctx, ApiSettings settings) {
    String header = ctx.header("Authorization");
    if (header == null) {
      if (!settings.anonymousReads()) {
        throw new ApiException(
            ProblemCode.UNAUTHORIZED,
            "this call needs an API token, sent as 'Authorization: Bearer <token>'",
            List.of(),
            Map.of("WWW-Authenticate", "Bearer"),
            null);
      }
      return Optional.empty();
    }
    String[] parts = header.trim().split("\\s+", 2);
    if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer") || parts[1].isBlank()) {
      throw new ApiException(
          ProblemCode.UNAUTHORIZED, "the Authorization header must be 'Bearer <token>'");
    }
    return Optional.of(
        settings
            .tokens()
            .verify(parts[1].trim())
            .orElseThrow(
                () ->
                    new ApiException(
                        ProblemCode.UNAUTHORIZED,
                        "the API token is not valid (unknown, revoked or expired)")));
  }

  /* The body of a request sent as application/json, at most the server's limit. */
  private static byte[] readJson(Context ctx, long limit) {
    String type = ctx.contentType();
    String mediaType = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!mediaType.equals("application/json")) {
      Bodies.discardRest(inputOf(ctx));
      throw new ApiException(
          ProblemCode.UNSUPPORTED_MEDIA_TYPE,
          "the body must be sent as application/json, not "
              + (type == null ? "without a Content-Type" : "'" + type + "'"));
    }
    // A declared length over the limit was refused before any route ran (TendServer's
    // before-handler).
    byte[] body;
    try (InputStream in = ctx.req().getInputStream()) {
      body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (body.length > limit) {
        Bodies.discardRest(in);
      }
    } catch (IOException e) {
      throw new ApiException(ProblemCode.MALFORMED_REQUEST, "the request body could not be read");
    }
    if (body.length > limit) {
      throw new ApiException(
          ProblemCode.PAYLOAD_TOO_LARGE,
          "the request body is larger than the limit of "
              + limit
              + " bytes (server.max-request-body)");
    }
    return body;
  }

  private static InputStream inputOf(Context ctx) {
    try {
      return ctx.req().getInputStream();
    } catch (IOException e) {
      return InputStream.nullInputStream();
    }
  }
}
