package dev.tend.server.mlflow;

import static dev.tend.projects.ProjectRepository.DEFAULT_PROJECT;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.access.Action;
import dev.tend.access.Principal;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.store.ConflictException;
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
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * MLflow's tracking REST API on Tend's tracking store. Every route is served under {@link
 * #PREFIXES}. Experiments belong to a Tend project: the one named by the {@code tend.project} tag
 * given when the experiment is created, else {@value ProjectRepository#DEFAULT_PROJECT} (created on
 * first start, with MLflow's Default experiment, id 0). Reads need a role that may read in the
 * project (or anonymous reads), logging and run changes need write, and deleting, restoring or
 * renaming an experiment needs maintain. Thread-safe.
 */
public final class MlflowApi extends MlflowModule {

  /** Where MLflow clients send requests: the REST API and the alias MLflow's UI uses. */
  public static final List<String> PREFIXES = MLFLOW_PREFIXES;

  /** The experiment tag that chooses an experiment's project when it is created. */
  public static final String PROJECT_TAG = "tend.project";

  private static final int DEFAULT_HISTORY_RESULTS = 25_000;

  private final TrackingRepository tracking;
  private final Map<Long, String> projectOfExperiment = new ConcurrentHashMap<>();

  /**
   * Creates the API and makes sure the {@value ProjectRepository#DEFAULT_PROJECT} project and
   * MLflow's Default experiment exist.
   */
  public MlflowApi(ProjectRepository projects, TrackingRepository tracking) {
    super(projects);
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
    add(post, "/experiments/create", "Create an experiment.", this::createExperiment);
    add(post, "/experiments/search", "Search experiments.", this::searchExperiments);
    add(get, "/experiments/search", "Search experiments.", this::searchExperiments, "Get");
    add(get, "/experiments/get", "Get an experiment.", this::getExperiment);
    add(get, "/experiments/get-by-name", "Get an experiment by name.", this::getByName);
    add(
        post,
        "/experiments/delete",
        "Mark an experiment and its runs deleted.",
        this::deleteExperiment);
    add(
        post,
        "/experiments/restore",
        "Restore a deleted experiment and its runs.",
        this::restoreExperiment);
    add(post, "/experiments/update", "Rename an experiment.", this::updateExperiment);
    add(
        post,
        "/experiments/set-experiment-tag",
        "Set a tag on an experiment.",
        this::setExperimentTag);
    add(post, "/runs/create", "Start a run.", this::createRun);
    add(post, "/runs/update", "Change a run's status, end time or name.", this::updateRun);
    add(post, "/runs/delete", "Mark a run deleted.", this::deleteRun);
    add(post, "/runs/restore", "Restore a deleted run.", this::restoreRun);
    add(post, "/runs/log-metric", "Log a metric point.", this::logMetric);
    add(post, "/runs/log-parameter", "Log a param (immutable once logged).", this::logParam);
    add(post, "/runs/set-tag", "Set a tag on a run.", this::setTag);
    add(post, "/runs/delete-tag", "Delete a tag of a run.", this::deleteTag);
    add(
        post,
        "/runs/log-batch",
        "Log up to 1000 metrics, 100 params and 100 tags at once.",
        this::logBatch);
    add(
        post,
        "/runs/log-inputs",
        "Record datasets a run read (source type 'tend' links a Tend dataset version).",
        this::logInputs);
    add(get, "/runs/get", "Get a run with its data.", this::getRun);
    add(
        post,
        "/runs/search",
        "Search runs (MLflow's filter grammar plus OR and parentheses).",
        this::searchRuns);
    add(
        get,
        "/metrics/get-history",
        "Every logged point of a metric, by step.",
        this::metricHistory);
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
