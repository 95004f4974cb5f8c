package dev.tend.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.server.config.TendConfig;
import dev.tend.server.http.Access;
import dev.tend.server.http.ApiRoutes;
import dev.tend.server.http.ApiSettings;
import dev.tend.server.http.Bodies;
import dev.tend.server.http.JettyErrors;
import dev.tend.server.http.Json;
import dev.tend.server.http.Problems;
import dev.tend.server.openapi.OpenApiDocument;
import io.javalin.Javalin;
import io.javalin.config.JavalinState;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.javalin.router.ParsedEndpoint;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Tend server: the HTTP API under {@code /api/v1} and the web UI at {@code /}, on Javalin with
 * virtual threads. Start it with {@link #start}, stop it with {@link #close()} (requests in flight
 * get up to {@code server.shutdown-timeout} to finish). Thread-safe.
 */
public final class TendServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TendServer.class);

  private final Javalin app;
  private final TendConfig config;

  private TendServer(Javalin app, TendConfig config) {
    this.app = app;
    this.config = config;
  }

  /** Starts a server with the built-in routes and {@code modules}; returns once it listens. */
  public static TendServer start(
      TendConfig config, ServerServices services, List<? extends ApiModule> modules) {
    return start(config, services, modules, List.of());
  }

  /**
   * Starts a server with the built-in routes, the API {@code modules} and the {@code web} modules
   * (the browser UI); returns once it listens.
   */
  public static TendServer start(
      TendConfig config,
      ServerServices services,
      List<? extends ApiModule> modules,
      List<? extends WebModule> web) {
    requireNonNull(config, "config is null");
    requireNonNull(services, "services is null");
    ObjectMapper mapper = Json.mapper();
    String version = version();
    ApiSettings settings =
        new ApiSettings(
            mapper,
            config.maxRequestBodyBytes(),
            config.anonymousReads(),
            services.tokens(),
            services.authorizer(),
            services.idempotency());
    List<JsonNode> fragments = new ArrayList<>();
    for (ApiModule module : modules) {
      fragments.add(module.openApi(mapper));
    }
    byte[] openApi = OpenApiDocument.build(mapper, version, fragments).toBytes(mapper);
    byte[] health = json(mapper, new Health("ok", version));
    Javalin app =
        Javalin.create(
            cfg -> {
              cfg.concurrency.useVirtualThreads = true;
              cfg.startup.showJavalinBanner = false;
              cfg.startup.showOldJavalinVersionWarning = false;
              cfg.http.prefer405over404 = true;
              cfg.http.maxRequestSize = config.maxRequestBodyBytes();
              cfg.jsonMapper(new JavalinJackson(mapper, true));
              cfg.jetty.modifyServer(
                  server -> {
                    server.setStopTimeout(config.shutdownTimeout().toMillis());
                    server.setErrorHandler(new JettyErrors(mapper));
                  });
              cfg.requestLogger.http(
                  (ctx, ms) ->
                      LOG.info(
                          "{} {} {} {}ms{}",
                          ctx.method().name(),
                          ctx.path(),
                          ctx.statusCode(),
                          String.format(Locale.ROOT, "%.1f", ms),
                          ctx.attribute("tend.principal") == null
                              ? ""
                              : " principal=" + ctx.attribute("tend.principal")));
              JavalinState state = cfg.unsafe;
              Problems problems =
                  new Problems(
                      mapper,
                      config.maxRequestBodyBytes(),
                      (method, path) -> allowedMethods(state, path));
              cfg.routes.exception(Exception.class, problems::respond);
              cfg.routes.exception(HttpResponseException.class, problems::respond);
              cfg.routes.exception(
                  NotFoundResponse.class,
                  (e, ctx) -> {
                    if (web.stream().noneMatch(module -> module.answerNotFound(ctx))) {
                      problems.respond(e, ctx);
                    }
                  });
              cfg.routes.before(
                  ctx -> Bodies.checkDeclaredLength(ctx.req(), config.maxRequestBodyBytes()));
              ApiRoutes routes = new ApiRoutes(cfg.routes, settings);
              routes.get(
                  "/health",
                  Access.PUBLIC,
                  call -> call.context().contentType("application/json").result(health));
              routes.get(
                  "/openapi.json",
                  Access.PUBLIC,
                  call -> call.context().contentType("application/json").result(openApi));
              for (ApiModule module : modules) {
                module.routes(routes);
              }
              if (!web.isEmpty()) {
                cfg.staticFiles.enableWebjars();
                cfg.staticFiles.add(
                    files -> {
                      files.hostedPath = WebModule.STATIC_PATH;
                      files.directory = WebModule.STATIC_FOLDER;
                      files.location = Location.CLASSPATH;
                      files.headers = Map.of("Cache-Control", "max-age=300");
                    });
                for (WebModule module : web) {
                  module.routes(cfg.routes, settings);
                }
              }
            });
    app.start(config.bind(), config.port());
    TendServer server = new TendServer(app, config);
    LOG.info("Tend server {} listening on {}", version, server.uri());
    return server;
  }

  /** The running version, or {@code development} for a build from source. */
  public static String version() {
    String version = TendServer.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }

  /** The port the server listens on (the chosen one when configured with 0). */
  public int port() {
    return app.port();
  }

  /** The server's base URI, such as {@code http://127.0.0.1:8070}. */
  public URI uri() {
    String host = config.bind().contains(":") ? "[" + config.bind() + "]" : config.bind();
    return URI.create("http://" + host + ":" + port());
  }

  /** Every route the server answers, as {@code METHOD /path}, in registration order. */
  public List<String> routes() {
    return app.unsafe.internalRouter.allHttpHandlers().stream()
        .map(e -> e.endpoint)
        .filter(e -> e.method.isHttpMethod())
        .map(e -> e.method.name() + " " + e.path)
        .toList();
  }

  /** Stops accepting requests, lets those in flight finish, and releases the port. */
  @Override
  public void close() {
    app.stop();
  }

  private static List<String> allowedMethods(JavalinState state, String path) {
    List<String> allowed = new ArrayList<>();
    for (HandlerType type : HandlerType.values()) {
      if (!type.isHttpMethod()) {
        continue;
      }
      List<ParsedEndpoint> entries = state.internalRouter.findHttpHandlerEntries(type, path);
      if (!entries.isEmpty()) {
        allowed.add(type.name());
      }
    }
    return allowed;
  }

  private static byte[] json(ObjectMapper mapper, Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The body of {@code GET /api/v1/health}. */
  record Health(String status, String version) {}
}
