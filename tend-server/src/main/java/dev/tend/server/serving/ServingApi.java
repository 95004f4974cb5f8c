package dev.tend.server.serving;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.access.Action;
import dev.tend.artifacts.ArtifactStore;
import dev.tend.deployments.Deployment;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Serving over HTTP: predict through a deployment with Tend's protocol (deployments themselves are
 * managed by {@code DeploymentsApi}, which loads versions through {@link #servable()}). Models are
 * loaded once per version into a {@link ModelCache} under {@code <data.dir>/models} and kept while
 * a deployment points at them. Close it to release the loaded models. Thread-safe.
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
    this.projects = requireNonNull(projects, "projects is null");
    this.registry = requireNonNull(registry, "registry is null");
    this.deployments = requireNonNull(deployments, "deployments is null");
    this.cache = new ModelCache(artifacts, modelsDir, DecodeLimits.DEFAULT);
  }

  @Override
  public void routes(ApiRoutes routes) {
    routes.post("/deployments/{name}/predict", Access.READ, this::predict);
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

  @Override
  public void close() {
    cache.close();
  }
}
