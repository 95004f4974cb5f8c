package dev.tend.server.serving;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.access.Action;
import dev.tend.artifacts.ArtifactStore;
import dev.tend.deployments.DeploymentRepository;
import dev.tend.projects.ProjectRepository;
import dev.tend.registry.ModelVersion;
import dev.tend.registry.RegistryRepository;
import dev.tend.server.ApiModule;
import dev.tend.server.http.Access;
import dev.tend.server.http.ApiCall;
import dev.tend.server.http.ApiException;
import dev.tend.server.http.ApiRoutes;
import dev.tend.server.http.FieldError;
import dev.tend.server.openapi.OpenApiDocument;
import dev.tend.serving.log.PredictionLog;
import dev.tend.serving.protocol.Batch;
import dev.tend.serving.protocol.DecodeLimits;
import dev.tend.serving.protocol.ServingProtocolException;
import dev.tend.store.Names;
import dev.tend.train.TrainException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * Serving over HTTP: predict through a deployment with Tend's protocol, MLflow's scoring protocol
 * or the Open Inference Protocol (deployments themselves are managed by {@code DeploymentsApi},
 * which loads versions through {@link #servable()} and calls {@link #changed} after each change).
 * Predictions are routed between a deployment's stable and candidate versions by routes kept in
 * memory (refreshed from the store periodically and at once when {@link #changed} is called), and
 * every answered row is logged durably before the answer goes out. Models are loaded once per
 * version into a {@link ModelCache} under {@code <data.dir>/models} and kept while a deployment
 * points at them. Close it to release the loaded models; the prediction log stays open, its owner
 * closes it. Thread-safe.
 */
public final class ServingApi implements ApiModule, DeploymentListener, AutoCloseable {
  /** Rows per model call when predicting logged inputs outside traffic. */
  static final int OFFLINE_CHUNK = 2_000;

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
    this(
        projects,
        registry,
        deployments,
        artifacts,
        modelsDir,
        log,
        observer,
        refresh,
        Batching.DEFAULT);
  }

  /**
   * Serving with {@code batching} instead of the default micro-batching.
   *
   * @param batching how concurrent predictions on one version are coalesced
   */
  public ServingApi(
      ProjectRepository projects,
      RegistryRepository registry,
      DeploymentRepository deployments,
      ArtifactStore artifacts,
      Path modelsDir,
      PredictionLog log,
      TrafficObserver observer,
      Duration refresh,
      Batching batching) {
    this.projects = requireNonNull(projects, "projects is null");
    this.registry = requireNonNull(registry, "registry is null");
    this.deployments = requireNonNull(deployments, "deployments is null");
    if (!refresh.isPositive()) {
      throw new IllegalArgumentException("refresh must be positive: " + refresh);
    }
    this.cache = new ModelCache(artifacts, modelsDir, LIMITS, batching);
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

  @Override
  public void routes(ApiRoutes routes) {
    routes.post("/deployments/{name}/predict", Access.READ, this::predict);
    new CompatibleRoutes(table, predictor, cache).mount(routes);
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

  private static void checkName(String what, String name, FieldError where) {
    try {
      Names.requireValid(what, name);
    } catch (IllegalArgumentException e) {
      throw new ApiException.ValidationFailed(where.withMessage(e.getMessage()));
    }
  }

  @Override
  public JsonNode openApi(ObjectMapper mapper) {
    return OpenApiDocument.load(mapper, ServingApi.class, "serving-openapi.json");
  }

  /** The model cache as deployment management sees it. */
  public ServableVersions servable() {
    return new ServableVersions() {
      @Override
      public void requireServable(ModelVersion version) {
        ServedModel served;
        try {
          served = cache.acquire(version);
        } catch (TrainException | UncheckedIOException e) {
          throw new IllegalArgumentException(e.getMessage(), e);
        }
        served.release();
      }

      @Override
      public void retain(Set<String> versionIds) {
        cache.retain(versionIds);
      }
    };
  }

  /**
   * Predictions outside traffic: a version is loaded into the model cache (until {@link
   * ServableVersions#retain} drops it), its inputs decoded as a TEND batch of instances.
   */
  public OfflinePredictions offline() {
    return (version, inputs) -> {
      if (inputs.isEmpty()) {
        return List.of();
      }
      ServedModel served;
      try {
        served = cache.acquire(version);
      } catch (TrainException | UncheckedIOException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      try {
        // Chunks stay under the codec's per-request row limit, however many rows a gate reads.
        List<String> rows = new ArrayList<>(inputs.size());
        for (int from = 0; from < inputs.size(); from += OFFLINE_CHUNK) {
          List<String> chunk = inputs.subList(from, Math.min(inputs.size(), from + OFFLINE_CHUNK));
          String body = "{\"instances\": [" + String.join(",", chunk) + "]}";
          Batch outputs =
              served.predict(
                  served.codec().decodeRequest(body.getBytes(StandardCharsets.UTF_8)).inputs());
          for (int row = 0; row < outputs.rowCount(); row++) {
            rows.add(outputs.rowJson(row));
          }
        }
        return rows;
      } catch (ServingProtocolException e) {
        throw new IllegalArgumentException(
            "model version "
                + version.modelName()
                + "/"
                + version.version()
                + " refuses the logged inputs: "
                + e.getMessage(),
            e);
      } finally {
        served.release();
      }
    };
  }

  @Override
  public void close() {
    refresher.shutdownNow();
    predictor.close();
    cache.close();
  }
}
