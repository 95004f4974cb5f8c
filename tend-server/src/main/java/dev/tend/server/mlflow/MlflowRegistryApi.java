package dev.tend.server.mlflow;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.access.Action;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.registry.ModelSearch;
import dev.tend.registry.ModelStage;
import dev.tend.registry.ModelVersion;
import dev.tend.registry.NewModelVersion;
import dev.tend.registry.RegisteredModel;
import dev.tend.registry.RegistryRepository;
import dev.tend.store.Page;
import dev.tend.tracking.KeyValue;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MLflow's model registry REST API on Tend's registry: registered models, model versions, stages,
 * aliases and tags, under {@code /api/2.0/mlflow/} and the {@code /ajax-api/} alias. Models belong
 * to a Tend project, chosen when a model is created by the tag {@value MlflowApi#PROJECT_TAG} or by
 * naming it {@code project/name}, else {@value ProjectRepository#DEFAULT_PROJECT}. Names are unique
 * per project; a bare name addresses the one model of that name and {@code project/name} any. Reads
 * need read in the model's project, changes write, and renames, deletes, stage transitions and
 * aliases maintain. Thread-safe.
 */
public final class MlflowRegistryApi extends MlflowModule {
  private final RegistryRepository registry;

  public MlflowRegistryApi(ProjectRepository projects, RegistryRepository registry) {
    super(projects);
    this.registry = requireNonNull(registry, "registry is null");
    HandlerType get = HandlerType.GET;
    HandlerType post = HandlerType.POST;
    HandlerType patch = HandlerType.PATCH;
    HandlerType delete = HandlerType.DELETE;
    add(post, "/registered-models/create", "Create a registered model.", this::createModel);
    add(post, "/registered-models/rename", "Rename a registered model.", this::renameModel);
    add(patch, "/registered-models/update", "Change a model's description.", this::updateModel);
    add(delete, "/registered-models/delete", "Delete a model and its versions.", this::deleteModel);
    add(get, "/registered-models/get", "Get a registered model.", this::getModel);
    add(get, "/registered-models/search", "Search registered models.", this::searchModels);
    add(
        post,
        "/registered-models/get-latest-versions",
        "The newest version in each stage.",
        this::latestVersions);
    add(
        get,
        "/registered-models/get-latest-versions",
        "The newest version in each stage.",
        this::latestVersions,
        "Get");
    add(post, "/registered-models/set-tag", "Set a tag on a model.", this::setModelTag);
    add(delete, "/registered-models/delete-tag", "Delete a tag of a model.", this::deleteModelTag);
    add(post, "/registered-models/alias", "Point an alias at a version.", this::setAlias);
    add(delete, "/registered-models/alias", "Delete an alias.", this::deleteAlias, "Delete");
    add(get, "/registered-models/alias", "Get the version an alias names.", this::byAlias, "Get");
    add(post, "/model-versions/create", "Register a model version.", this::createVersion);
    add(patch, "/model-versions/update", "Change a version's description.", this::updateVersion);
    add(
        post,
        "/model-versions/transition-stage",
        "Move a version to a stage.",
        this::transitionStage);
    add(delete, "/model-versions/delete", "Delete a model version.", this::deleteVersion);
    add(get, "/model-versions/get", "Get a model version.", this::getVersion);
    add(get, "/model-versions/search", "Search model versions.", this::searchVersions);
    add(
        get,
        "/model-versions/get-download-uri",
        "Where a version's artifacts are.",
        this::downloadUri);
    add(post, "/model-versions/set-tag", "Set a tag on a version.", this::setVersionTag);
    add(delete, "/model-versions/delete-tag", "Delete a tag of a version.", this::deleteVersionTag);
  }

  // ---------------------------------------------------------------- lookups

  /** The model a request names, checked for {@code action}. */
  private RegisteredModel model(Caller caller, String name, Action action) {
    if (action != Action.READ) {
      requireToken(caller);
    }
    RegisteredModel model;
    int slash = name.indexOf('/');
    if (slash >= 0) {
      String projectName = name.substring(0, slash);
      String modelName = name.substring(slash + 1);
      model =
          projects
              .findByName(projectName)
              .flatMap(p -> registry.model(p.id(), modelName))
              .orElseThrow(() -> notFound(name));
    } else {
      List<RegisteredModel> named = registry.modelsNamed(name);
      if (named.isEmpty()) {
        throw notFound(name);
      }
      if (named.size() > 1) {
        throw MlflowError.invalid(
            "Several Tend projects have a registered model named '"
                + name
                + "' ("
                + String.join(
                    ", ", named.stream().map(m -> projectName(m.projectId())).sorted().toList())
                + "); name it as <project>/"
                + name);
      }
      model = named.get(0);
    }
    require(caller, model.projectId(), action);
    return model;
  }

  private static MlflowError notFound(String name) {
    return MlflowError.notFound("Registered Model with name=" + name + " not found");
  }

  private static int version(MlflowRequest request) {
    String text = request.requiredString("version");
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw MlflowError.invalid(
          "Invalid value '" + text + "' for parameter 'version': a version is a whole number");
    }
  }

  private ModelVersion version(RegisteredModel model, int version) {
    return registry
        .version(model.id(), version)
        .orElseThrow(
            () ->
                MlflowError.notFound(
                    "Model Version (name="
                        + model.name()
                        + ", version="
                        + version
                        + ") not found"));
  }

  private ObjectNode modelResponse(RegisteredModel model) {
    ObjectNode response = MlflowJson.object();
    response.set(
        "registered_model",
        MlflowJson.registeredModel(
            model, registry.latestVersions(model.id(), List.of()), projectName(model.projectId())));
    return response;
  }

  private static ObjectNode versionResponse(ModelVersion version) {
    ObjectNode response = MlflowJson.object();
    response.set("model_version", MlflowJson.modelVersion(version));
    return response;
  }

  // ---------------------------------------------------------------- registered models

  private ObjectNode createModel(Caller caller, MlflowRequest request) {
    requireToken(caller);
    String name = request.requiredString("name");
    Map<String, String> tags = tagMap(request.objects("tags"));
    String projectName =
        tags.getOrDefault(MlflowApi.PROJECT_TAG, ProjectRepository.DEFAULT_PROJECT);
    int slash = name.indexOf('/');
    if (slash >= 0) {
      projectName = name.substring(0, slash);
      name = name.substring(slash + 1);
    }
    String chosen = projectName;
    Project project =
        projects
            .findByName(chosen)
            .orElseThrow(
                () ->
                    MlflowError.notFound(
                        "No Tend project named '"
                            + chosen
                            + "' (chosen by the tag "
                            + MlflowApi.PROJECT_TAG
                            + " or a name of the form <project>/<name>)"));
    require(caller, project.id(), Action.WRITE);
    RegisteredModel model =
        registry.createModel(
            project.id(),
            name,
            request.string("description"),
            tags.entrySet().stream().map(e -> new KeyValue(e.getKey(), e.getValue())).toList(),
            caller.name());
    return modelResponse(model);
  }

  private ObjectNode renameModel(Caller caller, MlflowRequest request) {
    RegisteredModel model = model(caller, request.requiredString("name"), Action.MAINTAIN);
    return modelResponse(
        registry.renameModel(model.id(), request.requiredString("new_name"), caller.name()));
  }

  private ObjectNode updateModel(Caller caller, MlflowRequest request) {
    RegisteredModel model = model(caller, request.requiredString("name"), Action.WRITE);
    Optional<String> description = request.string("description");
    if (description.isPresent()) {
      model = registry.updateModel(model.id(), description.get(), caller.name());
    }
    return modelResponse(model);
  }

  private ObjectNode deleteModel(Caller caller, MlflowRequest request) {
    RegisteredModel model = model(caller, request.requiredString("name"), Action.MAINTAIN);
    registry.deleteModel(model.id(), caller.name());
    return MlflowJson.object();
  }

  private ObjectNode getModel(Caller caller, MlflowRequest request) {
    return modelResponse(model(caller, request.requiredString("name"), Action.READ));
  }

  private ObjectNode searchModels(Caller caller, MlflowRequest request) {
    Page<RegisteredModel> page =
        registry.searchModels(
            new ModelSearch(
                request.string("filter").orElse(""),
                maxResults(request, RegistryRepository.DEFAULT_MODEL_RESULTS),
                request.strings("order_by"),
                request.string("page_token"),
                reader(caller)));
    ObjectNode response = MlflowJson.object();
    ArrayNode models = response.putArray("registered_models");
    page.items()
        .forEach(
            m ->
                models.add(
                    MlflowJson.registeredModel(
                        m,
                        registry.latestVersions(m.id(), List.of()),
                        projectName(m.projectId()))));
    page.nextCursor().ifPresent(t -> response.put("next_page_token", t));
    return response;
  }

  private ObjectNode latestVersions(Caller caller, MlflowRequest request) {
    RegisteredModel model = model(caller, request.requiredString("name"), Action.READ);
    List<ModelStage> stages = new ArrayList<>();
    for (String stage : request.strings("stages")) {
      stages.add(ModelStage.parse(stage));
    }
    ObjectNode response = MlflowJson.object();
    ArrayNode versions = response.putArray("model_versions");
    registry
        .latestVersions(model.id(), stages)
        .forEach(v -> versions.add(MlflowJson.modelVersion(v)));
    return response;
  }

  private ObjectNode setModelTag(Caller caller, MlflowRequest request) {
    RegisteredModel model = model(caller, request.requiredString("name"), Action.WRITE);
    registry.setModelTag(
        model.id(), request.requiredString("key"), request.string("value").orElse(""));
    return MlflowJson.object();
  }

  private ObjectNode deleteModelTag(Caller caller, MlflowRequest request) {
    RegisteredModel model = model(caller, request.requiredString("name"), Action.WRITE);
    registry.deleteModelTag(model.id(), request.requiredString("key"));
    return MlflowJson.object();
  }

  private ObjectNode setAlias(Caller caller, MlflowRequest request) {
    RegisteredModel model = model(caller, request.requiredString("name"), Action.MAINTAIN);
    registry.setAlias(model.id(), request.requiredString("alias"), version(request), caller.name());
    return MlflowJson.object();
  }

  private ObjectNode deleteAlias(Caller caller, MlflowRequest request) {
    RegisteredModel model = model(caller, request.requiredString("name"), Action.MAINTAIN);
    registry.deleteAlias(model.id(), request.requiredString("alias"), caller.name());
    return MlflowJson.object();
  }

  private ObjectNode byAlias(Caller caller, MlflowRequest request) {
    RegisteredModel model = model(caller, request.requiredString("name"), Action.READ);
    String alias = request.requiredString("alias");
    return versionResponse(
        registry
            .versionByAlias(model.id(), alias)
            .orElseThrow(
                () -> MlflowError.notFound("Registered model alias " + alias + " not found.")));
  }

  // ---------------------------------------------------------------- model versions

  private ObjectNode createVersion(Caller caller, MlflowRequest request) {
    RegisteredModel model = model(caller, request.requiredString("name"), Action.WRITE);
    List<KeyValue> tags =
        tagMap(request.objects("tags")).entrySet().stream()
            .map(e -> new KeyValue(e.getKey(), e.getValue()))
            .toList();
    ModelVersion version =
        registry.createVersion(
            model.id(),
            new NewModelVersion(
                request.requiredString("source"),
                request.string("run_id").filter(s -> !s.isEmpty()),
                request.string("run_link"),
                request.string("description"),
                caller.principal().map(p -> p.name()),
                tags),
            caller.name());
    return versionResponse(version);
  }

  private ObjectNode updateVersion(Caller caller, MlflowRequest request) {
    RegisteredModel model = model(caller, request.requiredString("name"), Action.WRITE);
    ModelVersion version = version(model, version(request));
    Optional<String> description = request.string("description");
    if (description.isPresent()) {
      version =
          registry.updateVersion(model.id(), version.version(), description.get(), caller.name());
    }
    return versionResponse(version);
  }

  private ObjectNode transitionStage(Caller caller, MlflowRequest request) {
    RegisteredModel model = model(caller, request.requiredString("name"), Action.MAINTAIN);
    int number = version(request);
    ModelStage stage = ModelStage.parse(request.requiredString("stage"));
    boolean archive =
        request
            .string("archive_existing_versions")
            .map(
                text ->
                    switch (text.toLowerCase(java.util.Locale.ROOT)) {
                      case "true" -> true;
                      case "false" -> false;
                      default ->
                          throw MlflowError.invalid(
                              "Invalid value '"
                                  + text
                                  + "' for parameter 'archive_existing_versions': use true or"
                                  + " false");
                    })
            .orElse(false);
    return versionResponse(
        registry.transitionStage(model.id(), number, stage, archive, caller.name()));
  }

  private ObjectNode deleteVersion(Caller caller, MlflowRequest request) {
    RegisteredModel model = model(caller, request.requiredString("name"), Action.MAINTAIN);
    registry.deleteVersion(model.id(), version(request), caller.name());
    return MlflowJson.object();
  }

  private ObjectNode getVersion(Caller caller, MlflowRequest request) {
    RegisteredModel model = model(caller, request.requiredString("name"), Action.READ);
    return versionResponse(version(model, version(request)));
  }

  private ObjectNode searchVersions(Caller caller, MlflowRequest request) {
    Page<ModelVersion> page =
        registry.searchVersions(
            new ModelSearch(
                request.string("filter").orElse(""),
                maxResults(request, RegistryRepository.DEFAULT_VERSION_RESULTS),
                request.strings("order_by"),
                request.string("page_token"),
                reader(caller)));
    ObjectNode response = MlflowJson.object();
    ArrayNode versions = response.putArray("model_versions");
    page.items().forEach(v -> versions.add(MlflowJson.modelVersion(v)));
    page.nextCursor().ifPresent(t -> response.put("next_page_token", t));
    return response;
  }

  private ObjectNode downloadUri(Caller caller, MlflowRequest request) {
    RegisteredModel model = model(caller, request.requiredString("name"), Action.READ);
    ModelVersion version = version(model, version(request));
    ObjectNode response = MlflowJson.object();
    response.put("artifact_uri", version.storageLocation().orElse(version.source()));
    return response;
  }

  private ObjectNode setVersionTag(Caller caller, MlflowRequest request) {
    RegisteredModel model = model(caller, request.requiredString("name"), Action.WRITE);
    registry.setVersionTag(
        model.id(),
        version(request),
        request.requiredString("key"),
        request.string("value").orElse(""));
    return MlflowJson.object();
  }

  private ObjectNode deleteVersionTag(Caller caller, MlflowRequest request) {
    RegisteredModel model = model(caller, request.requiredString("name"), Action.WRITE);
    registry.deleteVersionTag(model.id(), version(request), request.requiredString("key"));
    return MlflowJson.object();
  }

  private static int maxResults(MlflowRequest request, int fallback) {
    long value = request.int64("max_results").orElse((long) fallback);
    if (value < 1 || value > Integer.MAX_VALUE) {
      throw MlflowError.invalid(
          "Invalid value " + value + " for parameter 'max_results': it must be at least 1");
    }
    return (int) value;
  }
}
