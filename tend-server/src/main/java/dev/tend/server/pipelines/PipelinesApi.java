package dev.tend.server.pipelines;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.access.Action;
import dev.tend.access.Principal;
import dev.tend.pipelines.LogLine;
import dev.tend.pipelines.PipelineDefinition;
import dev.tend.pipelines.PipelineRepository;
import dev.tend.pipelines.PipelineRun;
import dev.tend.pipelines.PipelineRunStatus;
import dev.tend.pipelines.RunTrigger;
import dev.tend.pipelines.StepRun;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.server.ApiModule;
import dev.tend.server.http.Access;
import dev.tend.server.http.ApiCall;
import dev.tend.server.http.ApiException;
import dev.tend.server.http.ApiRoutes;
import dev.tend.server.http.FieldError;
import dev.tend.server.http.Page;
import dev.tend.server.http.PageRequest;
import dev.tend.server.openapi.OpenApiDocument;
import dev.tend.store.Ids;
import dev.tend.store.Names;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Pipelines over HTTP: store named definitions, queue runs of them or of a pipeline sent whole,
 * follow runs (status, steps with their use, logs) and cancel them. Runs are executed by the {@link
 * PipelineRunner}s of the servers sharing the database, so queueing answers 202 at once.
 * Thread-safe.
 */
public final class PipelinesApi implements ApiModule {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_LOG_LINES = 10_000;

  private final ProjectRepository projects;
  private final PipelineService service;
  private final PipelineRepository repository;

  public PipelinesApi(ProjectRepository projects, PipelineService service) {
    this.projects = requireNonNull(projects, "projects is null");
    this.service = requireNonNull(service, "service is null");
    this.repository = service.repository();
  }

  record DefinitionRequest(String yaml, Optional<Map<String, String>> files) {
    DefinitionRequest {
      files = files == null ? Optional.empty() : files;
    }
  }

  record RunRequest(
      Optional<String> yaml,
      Optional<Map<String, String>> files,
      Optional<Map<String, String>> params,
      Optional<String> codeVersion) {
    RunRequest {
      yaml = yaml == null ? Optional.empty() : yaml;
      files = files == null ? Optional.empty() : files;
      params = params == null ? Optional.empty() : params;
      codeVersion = codeVersion == null ? Optional.empty() : codeVersion;
    }
  }

  record DefinitionView(
      String name,
      int version,
      String sha256,
      Instant createdAt,
      String createdBy,
      Optional<String> yaml,
      Optional<List<String>> files) {
    static DefinitionView of(PipelineDefinition d, boolean full) {
      return new DefinitionView(
          d.name(),
          d.version(),
          d.sha256(),
          d.createdAt(),
          d.createdBy(),
          full ? Optional.of(d.yaml()) : Optional.empty(),
          full ? Optional.of(d.files().keySet().stream().sorted().toList()) : Optional.empty());
    }
  }

  record StepView(
      String id,
      String kind,
      String status,
      int attempts,
      Optional<Instant> startedAt,
      Optional<Instant> finishedAt,
      Optional<String> reason,
      double wallSeconds,
      double cpuSeconds,
      long peakMemoryBytes,
      JsonNode outputs,
      Optional<String> trackingRunId,
      long droppedLogLines) {
    static StepView of(StepRun s) {
      JsonNode outputs;
      try {
        outputs = JSON.readTree(s.outputs());
      } catch (IOException e) {
        outputs = JSON.createObjectNode();
      }
      return new StepView(
          s.stepId(),
          s.kind(),
          s.status().name().toLowerCase(Locale.ROOT),
          s.attempts(),
          s.startedAt(),
          s.finishedAt(),
          s.reason(),
          s.usage().wallMillis() / 1000.0,
          s.usage().cpuMillis() / 1000.0,
          s.usage().peakMemoryBytes(),
          outputs,
          s.trackingRunId(),
          s.droppedLogLines());
    }
  }

  record RunView(
      String id,
      String pipeline,
      Optional<Integer> pipelineVersion,
      String status,
      Optional<String> reason,
      String trigger,
      String triggerDetail,
      Map<String, String> params,
      Optional<String> codeVersion,
      boolean cancelRequested,
      Instant createdAt,
      String createdBy,
      Optional<Instant> startedAt,
      Optional<Instant> finishedAt,
      Optional<String> trackingRunId,
      Optional<String> executedBy,
      Optional<List<StepView>> steps) {
    static RunView of(PipelineRun r, Optional<List<StepRun>> steps) {
      return new RunView(
          r.id(),
          r.pipelineName(),
          r.definitionVersion().isPresent()
              ? Optional.of(r.definitionVersion().getAsInt())
              : Optional.empty(),
          r.status().name().toLowerCase(Locale.ROOT),
          r.reason(),
          r.trigger().kind().name().toLowerCase(Locale.ROOT),
          r.trigger().detail(),
          r.params(),
          r.codeVersion(),
          r.cancelRequested(),
          r.createdAt(),
          r.createdBy(),
          r.startedAt(),
          r.finishedAt(),
          r.trackingRunId(),
          r.status() == PipelineRunStatus.RUNNING ? r.leaseOwner() : Optional.empty(),
          steps.map(list -> list.stream().map(StepView::of).toList()));
    }
  }

  record LogView(long seq, String step, Instant at, String stream, String text) {}

  record LogsView(List<LogView> lines, long last, boolean finished) {}

  @Override
  public void routes(ApiRoutes routes) {
    routes.get("/projects/{project}/pipelines", Access.READ, this::listDefinitions);
    routes.put("/projects/{project}/pipelines/{name}", Access.WRITE, this::apply);
    routes.get("/projects/{project}/pipelines/{name}", Access.READ, this::getDefinition);
    routes.delete("/projects/{project}/pipelines/{name}", Access.WRITE, this::deleteDefinition);
    routes.post("/projects/{project}/pipelines/{name}/runs", Access.WRITE, this::runDefinition);
    routes.post("/projects/{project}/pipeline-runs", Access.WRITE, this::runSent);
    routes.get("/projects/{project}/pipeline-runs", Access.READ, this::listRuns);
    routes.get("/projects/{project}/pipeline-runs/{run}", Access.READ, this::getRun);
    routes.post("/projects/{project}/pipeline-runs/{run}/cancel", Access.WRITE, this::cancel);
    routes.get("/projects/{project}/pipeline-runs/{run}/logs", Access.READ, this::logs);
  }

  private void listDefinitions(ApiCall call) {
    Project project = project(call);
    call.json(
        200,
        Map.of(
            "items",
            repository.definitions(project.id()).stream()
                .map(d -> DefinitionView.of(d, false))
                .toList()));
  }

  private void apply(ApiCall call) {
    Project project = project(call);
    String name = name(call);
    DefinitionRequest request = call.body(DefinitionRequest.class);
    if (request.yaml() == null) {
      throw invalid("/yaml", "the pipeline's text is required");
    }
    Map<String, String> files = request.files().orElse(Map.of());
    var pipeline = rejected(() -> service.check(request.yaml(), files, name + ".yaml"));
    requireMaintainerForCommands(call, project, pipeline);
    if (!pipeline.name().equals(name)) {
      throw invalid(
          "/yaml",
          "the pipeline is named '" + pipeline.name() + "' but is stored as '" + name + "'");
    }
    Optional<PipelineDefinition> before = repository.definition(project.id(), name);
    PipelineDefinition stored =
        rejected(() -> service.apply(project, request.yaml(), files, actor(call)));
    boolean created = before.map(b -> b.version() != stored.version()).orElse(true);
    call.json(created ? 201 : 200, DefinitionView.of(stored, true));
  }

  private void getDefinition(ApiCall call) {
    Project project = project(call);
    call.json(200, DefinitionView.of(definition(project, name(call)), true));
  }

  private void deleteDefinition(ApiCall call) {
    Project project = project(call);
    PipelineDefinition definition = definition(project, name(call));
    repository.deleteDefinition(project.id(), definition.name(), actor(call));
    call.context().status(204);
  }

  private void runDefinition(ApiCall call) {
    Project project = project(call);
    PipelineDefinition definition = definition(project, name(call));
    RunRequest request = call.body(RunRequest.class);
    if (request.yaml().isPresent() || request.files().isPresent()) {
      throw invalid("/yaml", "a stored pipeline runs as stored; send yaml only to /pipeline-runs");
    }
    requireMaintainerForCommands(
        call,
        project,
        rejected(
            () ->
                service.check(definition.yaml(), definition.files(), definition.name() + ".yaml")));
    PipelineRun run =
        rejected(
            () ->
                service.run(
                    project,
                    definition,
                    request.params().orElse(Map.of()),
                    request.codeVersion(),
                    RunTrigger.manual(),
                    actor(call)));
    accepted(call, project, run);
  }

  private void runSent(ApiCall call) {
    Project project = project(call);
    RunRequest request = call.body(RunRequest.class);
    if (request.yaml().isEmpty()) {
      throw invalid("/yaml", "the pipeline's text is required");
    }
    requireMaintainerForCommands(
        call,
        project,
        rejected(
            () ->
                service.check(
                    request.yaml().get(), request.files().orElse(Map.of()), "pipeline.yaml")));
    PipelineRun run =
        rejected(
            () ->
                service.run(
                    project,
                    request.yaml().get(),
                    request.files().orElse(Map.of()),
                    request.params().orElse(Map.of()),
                    request.codeVersion(),
                    actor(call)));
    accepted(call, project, run);
  }

  private void accepted(ApiCall call, Project project, PipelineRun run) {
    call.context()
        .header(
            "Location",
            ApiRoutes.PREFIX + "/projects/" + project.name() + "/pipeline-runs/" + run.id());
    call.json(202, RunView.of(run, Optional.of(repository.steps(run.id()))));
  }

  private void listRuns(ApiCall call) {
    Project project = project(call);
    PageRequest page = call.pageRequest();
    Optional<String> pipeline = call.queryParam("pipeline");
    pipeline.ifPresent(p -> checkName("pipeline", p, FieldError.query("pipeline", "")));
    Optional<PipelineRunStatus> status = call.queryParam("status").map(PipelinesApi::status);
    dev.tend.store.Page<PipelineRun> runs =
        repository.runs(project.id(), pipeline, status, page.limit(), page.after());
    call.page(
        new Page<>(
            runs.items().stream().map(r -> RunView.of(r, Optional.empty())).toList(),
            runs.nextCursor()));
  }

  private void getRun(ApiCall call) {
    PipelineRun run = run(call, project(call));
    call.json(200, RunView.of(run, Optional.of(repository.steps(run.id()))));
  }

  private void cancel(ApiCall call) {
    PipelineRun run = run(call, project(call));
    PipelineRun after = repository.requestCancel(run.id(), actor(call));
    call.json(202, RunView.of(after, Optional.of(repository.steps(run.id()))));
  }

  private void logs(ApiCall call) {
    PipelineRun run = run(call, project(call));
    long after = longQuery(call, "after", 0);
    int max = (int) Math.min(MAX_LOG_LINES, Math.max(1, longQuery(call, "max", 1000)));
    Optional<String> step = call.queryParam("step");
    List<LogLine> lines = repository.logs(run.id(), step, after, max);
    long last = lines.isEmpty() ? after : lines.getLast().seq();
    boolean finished =
        repository.run(run.id()).map(r -> r.status().isFinished()).orElse(true)
            && lines.size() < max;
    call.json(
        200,
        new LogsView(
            lines.stream()
                .map(l -> new LogView(l.seq(), l.stepId(), l.at(), l.stream(), l.text()))
                .toList(),
            last,
            finished));
  }

  /*
   * A command step runs a program on the server with the server's rights, so queueing or storing
   * a pipeline with one takes the maintainer role, not just the editor's.
   */
  private static void requireMaintainerForCommands(
      ApiCall call, Project project, dev.tend.pipeline.Pipeline pipeline) {
    boolean commands =
        pipeline.steps().stream().anyMatch(s -> s.kind() == dev.tend.pipeline.StepKind.COMMAND);
    if (commands && !call.may(project.name(), Action.MAINTAIN)) {
      throw new ApiException.Forbidden(
          "a pipeline with command steps runs programs on the server; it needs the maintainer"
              + " role in project '"
              + project.name()
              + "'");
    }
  }

  private static long longQuery(ApiCall call, String name, long fallback) {
    Optional<String> text = call.queryParam(name);
    if (text.isEmpty()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(text.get());
      if (value < 0) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new ApiException.ValidationFailed(
          FieldError.query(
              name, name + " must be a whole number from 0, not '" + text.get() + "'"));
    }
  }

  private static PipelineRunStatus status(String text) {
    try {
      return PipelineRunStatus.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ApiException.ValidationFailed(
          FieldError.query(
              "status",
              "status is queued, running, succeeded, failed or cancelled, not '" + text + "'"));
    }
  }

  private PipelineRun run(ApiCall call, Project project) {
    String id = call.pathParam("run");
    if (!Ids.isWellFormed(id)) {
      throw new ApiException.NotFound("no pipeline run '" + id + "'");
    }
    return repository
        .run(id)
        .filter(r -> r.projectId().equals(project.id()))
        .orElseThrow(
            () ->
                new ApiException.NotFound(
                    "no pipeline run '" + id + "' in project '" + project.name() + "'"));
  }

  private PipelineDefinition definition(Project project, String name) {
    return repository
        .definition(project.id(), name)
        .orElseThrow(
            () ->
                new ApiException.NotFound(
                    "no pipeline named '" + name + "' in project '" + project.name() + "'"));
  }

  private Project project(ApiCall call) {
    String name = call.pathParam("project");
    checkName("project", name, FieldError.path("project", ""));
    return projects
        .findByName(name)
        .orElseThrow(() -> new ApiException.NotFound("no project named '" + name + "'"));
  }

  private static String name(ApiCall call) {
    String name = call.pathParam("name");
    checkName("pipeline", name, FieldError.path("name", ""));
    return name;
  }

  private static void checkName(String what, String name, FieldError where) {
    try {
      Names.requireValid(what, name);
    } catch (IllegalArgumentException e) {
      throw new ApiException.ValidationFailed(where.withMessage(e.getMessage()));
    }
  }

  private static <T> T rejected(java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (PipelineService.PipelineRejected e) {
      throw invalid("/" + e.field(), e.getMessage());
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
    return OpenApiDocument.load(mapper, PipelinesApi.class, "pipelines-openapi.json");
  }
}
