package dev.tend.server.training;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.access.Principal;
import dev.tend.datasets.Dataset;
import dev.tend.datasets.DatasetRepository;
import dev.tend.datasets.DatasetVersion;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.server.ApiModule;
import dev.tend.server.http.Access;
import dev.tend.server.http.ApiCall;
import dev.tend.server.http.ApiException;
import dev.tend.server.http.ApiRoutes;
import dev.tend.server.http.FieldError;
import dev.tend.server.openapi.OpenApiDocument;
import dev.tend.store.Names;
import dev.tend.train.HyperParameters;
import dev.tend.train.Label;
import dev.tend.train.Split;
import dev.tend.train.TrainException;
import dev.tend.train.TrainOptions;
import dev.tend.train.model.Task;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /projects/{project}/models/{name}/train}: trains a dataset version with the built-in
 * trainer and records the result as a run and a model version ({@link TrainingService}). Runs
 * synchronously: the response comes when training is done. Thread-safe.
 */
public final class TrainingApi implements ApiModule {
  private static final Pattern DATASET_REF = Pattern.compile("([^@/]+)@([^@/]+)");

  private final ProjectRepository projects;
  private final DatasetRepository datasets;
  private final TrainingService service;

  public TrainingApi(
      ProjectRepository projects, DatasetRepository datasets, TrainingService service) {
    this.projects = requireNonNull(projects, "projects is null");
    this.datasets = requireNonNull(datasets, "datasets is null");
    this.service = requireNonNull(service, "service is null");
  }

  /** What a training answers: the run and the model version it registered. */
  record TrainedView(
      String runId,
      long experimentId,
      String model,
      int version,
      String source,
      String datasetVersionId,
      long trainRows,
      long validationRows,
      long testRows,
      int boostedRounds,
      java.util.SortedMap<String, Double> metrics) {}

  @Override
  public void routes(ApiRoutes routes) {
    routes.post("/projects/{project}/models/{name}/train", Access.WRITE, this::train);
  }

  private void train(ApiCall call) {
    Project project = project(call);
    String modelName = call.pathParam("name");
    TrainRequest request = call.body(TrainRequest.class);
    TrainOptions options = options(request);
    DatasetVersion version = datasetVersion(project, request.dataset());
    String actor = call.principal().map(Principal::name).orElseThrow();
    TrainingService.Trained trained;
    try {
      trained =
          service.train(
              new TrainingService.Job(
                  project, modelName, request.dataset(), version, options, actor));
    } catch (TrainException | IllegalArgumentException e) {
      throw new ApiException.ValidationFailed(FieldError.body("", e.getMessage()));
    }
    call.json(
        201,
        new TrainedView(
            trained.run().runId(),
            trained.run().experimentId(),
            trained.version().modelName(),
            trained.version().version(),
            trained.version().source(),
            version.id(),
            trained.result().trainRows(),
            trained.result().validationRows(),
            trained.result().testRows(),
            trained.result().boostedRounds(),
            trained.metrics()));
  }

  private Project project(ApiCall call) {
    String name = call.pathParam("project");
    try {
      Names.requireValid("project", name);
    } catch (IllegalArgumentException e) {
      throw new ApiException.ValidationFailed(FieldError.path("project", e.getMessage()));
    }
    return projects
        .findByName(name)
        .orElseThrow(() -> new ApiException.NotFound("no project named '" + name + "'"));
  }

  /* dataset@ref: a version number or an alias; an unknown one is a 422 on the body's field. */
  private DatasetVersion datasetVersion(Project project, String ref) {
    Matcher m = DATASET_REF.matcher(ref);
    if (!m.matches()) {
      throw invalid("/dataset", "name the training data as dataset@version or dataset@alias");
    }
    Dataset dataset =
        datasets
            .find(project.id(), m.group(1))
            .orElseThrow(
                () ->
                    invalid(
                        "/dataset",
                        "no dataset named '"
                            + m.group(1)
                            + "' in project '"
                            + project.name()
                            + "'"));
    String at = m.group(2);
    Optional<DatasetVersion> version;
    if (at.chars().allMatch(Character::isDigit)) {
      int number;
      try {
        number = Integer.parseInt(at);
      } catch (NumberFormatException e) {
        number = 0;
      }
      version = datasets.version(dataset.id(), number);
    } else {
      version = datasets.resolve(dataset.id(), at);
    }
    return version.orElseThrow(
        () -> invalid("/dataset", "dataset '" + dataset.name() + "' has no version '" + at + "'"));
  }

  private static TrainOptions options(TrainRequest request) {
    Task task;
    try {
      task = Task.valueOf(request.task().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw invalid(
          "/task", "task is binary, multiclass or regression, not '" + request.task() + "'");
    }
    try {
      Label label =
          request.labelGreaterThan().isPresent()
              ? Label.greaterThan(request.label(), request.labelGreaterThan().getAsDouble())
              : Label.column(request.label());
      TrainOptions options = TrainOptions.of(task, label, request.features());
      if (request.split().isPresent()) {
        options =
            options.withSplit(
                new Split.Random(request.split().get().validation(), request.split().get().test()));
      }
      options = options.withHyperParameters(hyperParameters(request.params()));
      return options.withSeed(request.seed().orElse(0L));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw invalid("", e.getMessage());
    }
  }

  private static HyperParameters hyperParameters(Optional<TrainRequest.Params> params) {
    HyperParameters d = HyperParameters.defaults();
    if (params.isEmpty()) {
      return d;
    }
    TrainRequest.Params p = params.get();
    return new HyperParameters(
        p.rounds().orElse(d.rounds()),
        p.earlyStoppingRounds().orElse(d.earlyStoppingRounds()),
        p.maxDepth().orElse(d.maxDepth()),
        p.learningRate().orElse(d.learningRate()),
        p.subsample().orElse(d.subsample()),
        d.columnSample(),
        d.minChildWeight(),
        d.lambda(),
        d.maxBin(),
        d.maxCategoriesOneHot(),
        p.threads().isPresent() ? p.threads() : d.threads(),
        d.evalMetric());
  }

  private static ApiException invalid(String pointer, String message) {
    return new ApiException.ValidationFailed(FieldError.body(pointer, message));
  }

  @Override
  public JsonNode openApi(ObjectMapper mapper) {
    return OpenApiDocument.load(mapper, TrainingApi.class, "training-openapi.json");
  }
}
