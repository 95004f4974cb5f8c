package dev.tend.server.deployments;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.access.Action;
import dev.tend.access.Principal;
import dev.tend.deployments.Candidate;
import dev.tend.deployments.Deployment;
import dev.tend.deployments.DeploymentEvent;
import dev.tend.deployments.DeploymentRepository;
import dev.tend.deployments.Environment;
import dev.tend.deployments.Revision;
import dev.tend.deployments.Rollout;
import dev.tend.deployments.RolloutMode;
import dev.tend.deployments.RolloutPolicy;
import dev.tend.deployments.Traffic;
import dev.tend.pipeline.Durations;
import dev.tend.pipeline.PipelineException;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.registry.ModelVersion;
import dev.tend.registry.RegisteredModel;
import dev.tend.registry.RegistryRepository;
import dev.tend.server.ApiModule;
import dev.tend.server.http.Access;
import dev.tend.server.http.ApiCall;
import dev.tend.server.http.ApiException;
import dev.tend.server.http.ApiRoutes;
import dev.tend.server.http.FieldError;
import dev.tend.server.openapi.OpenApiDocument;
import dev.tend.server.serving.DeploymentListener;
import dev.tend.server.serving.ServableVersions;
import dev.tend.store.Names;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Supplier;

/**
 * Deployment management over HTTP: create or re-point a deployment, list and show deployments with
 * their traffic, rollout state and live figures, start a canary, A/B or shadow rollout, promote or
 * roll it back, and read the history of revisions and events. Every change is told to the serving
 * path through a {@link DeploymentListener}; as a listener itself it also drops versions no
 * deployment serves any more from the model cache, so the rollout controller reports its changes to
 * it. Thread-safe.
 */
public final class DeploymentsApi implements ApiModule, DeploymentListener {
  /** Events shown with a deployment. */
  static final int RECENT_EVENTS = 20;

  /** Events shown in a history. */
  static final int HISTORY_EVENTS = 1000;

  private final ProjectRepository projects;
  private final RegistryRepository registry;
  private final DeploymentRepository deployments;
  private final RolloutMonitor monitor;
  private final Deployments service;

  public DeploymentsApi(
      ProjectRepository projects,
      RegistryRepository registry,
      DeploymentRepository deployments,
      ServableVersions servable,
      RolloutMonitor monitor,
      DeploymentListener listener) {
    this.projects = requireNonNull(projects, "projects is null");
    this.registry = requireNonNull(registry, "registry is null");
    this.deployments = requireNonNull(deployments, "deployments is null");
    this.monitor = requireNonNull(monitor, "monitor is null");
    this.service = new Deployments(deployments, servable, monitor, listener);
  }

  /** The deploy and rollout rules this API applies, for other callers such as pipelines. */
  public Deployments service() {
    return service;
  }

  record DeployRequest(
      String model,
      Optional<Integer> version,
      Optional<String> alias,
      String environment,
      Optional<String> reason) {
    DeployRequest {
      version = version == null ? Optional.empty() : version;
      alias = alias == null ? Optional.empty() : alias;
      reason = reason == null ? Optional.empty() : reason;
    }
  }

  record PolicyRequest(
      Optional<String> window,
      Optional<Integer> minRequests,
      Optional<Double> minSuccessRate,
      Optional<Long> maxP99Millis,
      Optional<Double> maxQualityDrop,
      Optional<String> qualityMetric,
      Optional<Integer> failedWindows,
      Optional<String> bake,
      Optional<String> promotion) {
    PolicyRequest {
      window = window == null ? Optional.empty() : window;
      minRequests = minRequests == null ? Optional.empty() : minRequests;
      minSuccessRate = minSuccessRate == null ? Optional.empty() : minSuccessRate;
      maxP99Millis = maxP99Millis == null ? Optional.empty() : maxP99Millis;
      maxQualityDrop = maxQualityDrop == null ? Optional.empty() : maxQualityDrop;
      qualityMetric = qualityMetric == null ? Optional.empty() : qualityMetric;
      failedWindows = failedWindows == null ? Optional.empty() : failedWindows;
      bake = bake == null ? Optional.empty() : bake;
      promotion = promotion == null ? Optional.empty() : promotion;
    }
  }

  record RolloutRequest(
      String model,
      Optional<Integer> version,
      Optional<String> alias,
      String mode,
      Integer percent,
      Optional<String> stickyKey,
      Optional<String> reason,
      Optional<PolicyRequest> policy) {
    RolloutRequest {
      version = version == null ? Optional.empty() : version;
      alias = alias == null ? Optional.empty() : alias;
      stickyKey = stickyKey == null ? Optional.empty() : stickyKey;
      reason = reason == null ? Optional.empty() : reason;
      policy = policy == null ? Optional.empty() : policy;
    }
  }

  record ReasonRequest(Optional<String> reason) {
    ReasonRequest {
      reason = reason == null ? Optional.empty() : reason;
    }
  }

  record VersionView(String model, int version, String versionId, int percent) {}

  record CandidateView(
      String model,
      int version,
      String versionId,
      String mode,
      int percent,
      Optional<String> stickyKey) {}

  record TrafficView(VersionView stable, Optional<CandidateView> candidate) {}

  record DeploymentView(
      String name,
      String project,
      String environment,
      String model,
      int version,
      TrafficView traffic,
      int revision,
      String reason,
      Instant updatedAt,
      String updatedBy,
      Instant createdAt,
      String createdBy) {}

  record PolicyView(
      String window,
      int minRequests,
      double minSuccessRate,
      long maxP99Millis,
      OptionalDouble maxQualityDrop,
      Optional<String> qualityMetric,
      int failedWindows,
      String bake,
      String promotion) {}

  record RolloutView(
      String state,
      Optional<String> mode,
      Optional<Integer> percent,
      Optional<Integer> revision,
      Optional<Instant> startedAt,
      Optional<String> startedBy,
      Optional<PolicyView> policy,
      Optional<Instant> bakeEndsAt,
      Optional<Integer> windowsEvaluated,
      Optional<Integer> windowsFailed,
      Optional<Integer> failingStreak,
      Optional<Instant> lastWindowEnd,
      Optional<String> lastVerdict) {}

  record WindowView(
      Instant start,
      Instant end,
      long requests,
      long errors,
      OptionalDouble successRate,
      OptionalDouble p50Millis,
      OptionalDouble p99Millis) {}

  record FiguresView(
      String role,
      String model,
      int version,
      String versionId,
      WindowView current,
      WindowView last) {}

  record EventView(
      int seq, String kind, int revision, String reason, Instant createdAt, String createdBy) {}

  record DetailView(
      DeploymentView deployment,
      RolloutView rollout,
      String window,
      List<FiguresView> figures,
      List<EventView> events) {}

  record RevisionView(
      int revision, TrafficView traffic, String reason, Instant createdAt, String createdBy) {}

  record HistoryView(String name, List<RevisionView> revisions, List<EventView> events) {}

  @Override
  public void routes(ApiRoutes routes) {
    routes.put("/projects/{project}/deployments/{name}", Access.WRITE, this::deploy);
    routes.get("/projects/{project}/deployments/{name}", Access.READ, this::show);
    routes.get("/projects/{project}/deployments/{name}/history", Access.READ, this::history);
    routes.post("/projects/{project}/deployments/{name}/rollout", Access.WRITE, this::rollout);
    routes.post(
        "/projects/{project}/deployments/{name}/rollout/promote", Access.WRITE, this::promote);
    routes.post(
        "/projects/{project}/deployments/{name}/rollout/rollback", Access.WRITE, this::rollback);
    routes.get("/deployments", Access.READ, this::list);
  }

  // ---------------------------------------------------------------- deploy

  private void deploy(ApiCall call) {
    Project project = project(call);
    String name = call.pathParam("name");
    checkName("deployment", name, FieldError.path("name", ""));
    DeployRequest request = call.body(DeployRequest.class);
    if (request.model() == null) {
      throw invalid("/model", "the registered model to deploy is required");
    }
    if (request.environment() == null) {
      throw invalid("/environment", "the environment is required: dev, staging or prod");
    }
    Environment environment;
    try {
      environment = Environment.fromWireName(request.environment());
    } catch (IllegalArgumentException e) {
      throw invalid("/environment", e.getMessage());
    }
    Deployments.Actor actor = actor(call, project);
    String pointer = request.alias().isPresent() ? "/alias" : "/version";
    Deployments.Deployed deployed =
        refusals(
            pointer,
            () -> {
              service.requireMayChange(project, environment, actor, "deploying to");
              service.existing(project, name);
              ModelVersion version =
                  resolve(project, request.model(), request.version(), request.alias());
              return service.deploy(
                  project, name, environment, version, request.reason().orElse(""), actor, false);
            });
    call.json(
        deployed.created() ? 201 : 200, view(deployed.deployment(), project, new HashMap<>()));
  }

  // ---------------------------------------------------------------- rollouts

  private void rollout(ApiCall call) {
    Project project = project(call);
    Deployment deployment = deployment(call, project);
    Deployments.Actor actor = actor(call, project);
    refusals(
        "/version",
        () -> {
          service.requireMayChange(project, deployment.environment(), actor, "rolling out to");
          return null;
        });
    RolloutRequest request = call.body(RolloutRequest.class);
    if (request.model() == null) {
      throw invalid("/model", "the registered model of the candidate is required");
    }
    if (request.mode() == null) {
      throw invalid("/mode", "the mode is required: canary, ab or shadow");
    }
    RolloutMode mode;
    try {
      mode = RolloutMode.fromWireName(request.mode());
    } catch (IllegalArgumentException e) {
      throw invalid("/mode", e.getMessage());
    }
    if (request.percent() == null) {
      throw invalid("/percent", "the percentage of traffic the candidate gets is required");
    }
    if (request.percent() < 1 || request.percent() > (mode == RolloutMode.SHADOW ? 100 : 99)) {
      throw invalid(
          "/percent",
          "percent must be between 1 and "
              + (mode == RolloutMode.SHADOW ? 100 : 99)
              + " for "
              + mode.wireName()
              + ", got "
              + request.percent());
    }
    if (request.stickyKey().isPresent() && mode != RolloutMode.AB) {
      throw invalid("/sticky_key", "a sticky key only applies to an ab split");
    }
    RolloutPolicy policy = policy(request.policy());
    ModelVersion version = resolve(project, request.model(), request.version(), request.alias());
    Candidate candidate;
    try {
      candidate = new Candidate(version.id(), mode, request.percent(), request.stickyKey());
    } catch (IllegalArgumentException e) {
      throw invalid("/sticky_key", e.getMessage());
    }
    Deployment started =
        refusals(
            request.alias().isPresent() ? "/alias" : "/version",
            () ->
                service.startRollout(
                    project,
                    deployment,
                    version,
                    candidate,
                    policy,
                    request.reason().orElse(""),
                    actor));
    call.json(201, detail(started, project));
  }

  /* Reports the service's refusals as problems; a refused version points at {@code pointer}. */
  private static <T> T refusals(String pointer, Supplier<T> change) {
    try {
      return change.get();
    } catch (Deployments.Refused e) {
      throw switch (e.kind()) {
        case FORBIDDEN -> new ApiException.Forbidden(e.getMessage());
        case CONFLICT -> new ApiException.Conflict(e.getMessage());
        case VERSION -> invalid(pointer, e.getMessage());
      };
    }
  }

  private void promote(ApiCall call) {
    end(call, DeploymentRepository.Ending.PROMOTE);
  }

  private void rollback(ApiCall call) {
    end(call, DeploymentRepository.Ending.ROLLBACK);
  }

  private void end(ApiCall call, DeploymentRepository.Ending ending) {
    Project project = project(call);
    Deployment deployment = deployment(call, project);
    Deployments.Actor actor = actor(call, project);
    refusals(
        "/version",
        () -> {
          service.requireMayChange(
              project,
              deployment.environment(),
              actor,
              ending == DeploymentRepository.Ending.PROMOTE ? "promoting in" : "rolling back in");
          return null;
        });
    ReasonRequest request = call.body(ReasonRequest.class);
    String reason = request.reason().orElse("");
    if (reason.length() > DeploymentRepository.MAX_REASON_LENGTH) {
      throw invalid(
          "/reason",
          "reason must be at most " + DeploymentRepository.MAX_REASON_LENGTH + " characters");
    }
    Deployment ended =
        refusals("/version", () -> service.endRollout(project, deployment, ending, reason, actor));
    call.json(200, detail(ended, project));
  }

  private RolloutPolicy policy(Optional<PolicyRequest> given) {
    RolloutPolicy d = RolloutPolicy.defaults();
    if (given.isEmpty()) {
      return d;
    }
    PolicyRequest p = given.get();
    if (p.maxQualityDrop().isPresent() && p.qualityMetric().isEmpty()) {
      throw invalid(
          "/policy/quality_metric",
          "a quality metric (such as accuracy or rmse) is required with max_quality_drop");
    }
    try {
      return new RolloutPolicy(
          p.window().map(w -> duration("/policy/window", w, false)).orElse(d.window()),
          p.minRequests().orElse(d.minRequests()),
          p.minSuccessRate().orElse(d.minSuccessRate()),
          p.maxP99Millis().orElse(d.maxP99Millis()),
          p.maxQualityDrop().map(OptionalDouble::of).orElse(OptionalDouble.empty()),
          p.qualityMetric(),
          p.failedWindows().orElse(d.failedWindows()),
          p.bake().map(b -> duration("/policy/bake", b, true)).orElse(d.bake()),
          p.promotion()
              .map(
                  text -> {
                    try {
                      return RolloutPolicy.Promotion.fromWireName(text);
                    } catch (IllegalArgumentException e) {
                      throw invalid("/policy/promotion", e.getMessage());
                    }
                  })
              .orElse(d.promotion()));
    } catch (IllegalArgumentException e) {
      throw invalid("/policy", e.getMessage());
    }
  }

  private static Duration duration(String pointer, String text, boolean zeroAllowed) {
    if (zeroAllowed && text.trim().matches("0+[smhd]?")) {
      return Duration.ZERO;
    }
    try {
      return Durations.parse(text);
    } catch (PipelineException e) {
      throw invalid(pointer, e.getMessage());
    }
  }

  // ---------------------------------------------------------------- reads

  private void show(ApiCall call) {
    Project project = project(call);
    call.json(200, detail(deployment(call, project), project));
  }

  private void history(ApiCall call) {
    Project project = project(call);
    Deployment deployment = deployment(call, project);
    Map<String, Optional<ModelVersion>> versions = new HashMap<>();
    List<RevisionView> revisions = new ArrayList<>();
    for (Revision revision : deployments.history(deployment.name())) {
      revisions.add(
          new RevisionView(
              revision.number(),
              traffic(revision.traffic(), versions),
              revision.reason(),
              revision.createdAt(),
              revision.createdBy()));
    }
    call.json(
        200,
        new HistoryView(
            deployment.name(),
            revisions,
            events(deployments.events(deployment.name(), HISTORY_EVENTS))));
  }

  private void list(ApiCall call) {
    Map<String, Optional<Project>> byId = new HashMap<>();
    Map<String, Optional<ModelVersion>> versions = new HashMap<>();
    List<DeploymentView> items = new ArrayList<>();
    for (Deployment d : deployments.listAll()) {
      Optional<Project> project = byId.computeIfAbsent(d.projectId(), projects::get);
      if (project.isPresent() && call.may(project.get().name(), Action.READ)) {
        items.add(view(d, project.get(), versions));
      }
    }
    call.json(200, Map.of("items", items));
  }

  private DetailView detail(Deployment d, Project project) {
    Map<String, Optional<ModelVersion>> versions = new HashMap<>();
    DeploymentView view = view(d, project, versions);
    Optional<Rollout> rollout =
        deployments.rollout(d.name()).filter(r -> r.revision() == d.current().number());
    List<FiguresView> figures = new ArrayList<>();
    figures.add(figures("stable", view.traffic().stable().versionId(), d.name(), versions));
    d.current()
        .traffic()
        .candidate()
        .ifPresent(
            c ->
                figures.add(
                    figures(
                        c.mode() == RolloutMode.SHADOW ? "shadow" : "candidate",
                        c.versionId(),
                        d.name(),
                        versions)));
    return new DetailView(
        view,
        rolloutView(rollout, d),
        format(monitor.window(d.name())),
        figures,
        events(deployments.events(d.name(), RECENT_EVENTS)));
  }

  private static RolloutView rolloutView(Optional<Rollout> rollout, Deployment d) {
    if (rollout.isEmpty()) {
      return new RolloutView(
          "none",
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty());
    }
    Rollout r = rollout.get();
    Optional<Candidate> candidate = d.current().traffic().candidate();
    RolloutPolicy p = r.policy();
    return new RolloutView(
        r.state().wireName(),
        candidate.map(c -> c.mode().wireName()),
        candidate.map(Candidate::percent),
        Optional.of(r.revision()),
        Optional.of(r.startedAt()),
        Optional.of(r.startedBy()),
        Optional.of(
            new PolicyView(
                format(p.window()),
                p.minRequests(),
                p.minSuccessRate(),
                p.maxP99Millis(),
                p.maxQualityDrop(),
                p.qualityMetric(),
                p.failedWindows(),
                format(p.bake()),
                p.promotion().wireName())),
        Optional.of(r.bakeEndsAt()),
        Optional.of(r.windowsEvaluated()),
        Optional.of(r.windowsFailed()),
        Optional.of(r.failingStreak()),
        r.lastWindowEnd(),
        r.lastVerdict());
  }

  private FiguresView figures(
      String role, String versionId, String name, Map<String, Optional<ModelVersion>> versions) {
    ModelVersion v = version(versionId, versions);
    RolloutMonitor.Figures f = monitor.figures(name, versionId);
    return new FiguresView(
        role, v.modelName(), v.version(), v.id(), window(f.current()), window(f.last()));
  }

  private static WindowView window(WindowFigures f) {
    return new WindowView(
        f.start(),
        f.end(),
        f.requests(),
        f.errors(),
        f.successRate(),
        f.p50Millis(),
        f.p99Millis());
  }

  private static List<EventView> events(List<DeploymentEvent> events) {
    return events.stream()
        .map(
            e ->
                new EventView(
                    e.seq(),
                    e.kind().wireName(),
                    e.revision(),
                    e.reason(),
                    e.createdAt(),
                    e.createdBy()))
        .toList();
  }

  private DeploymentView view(
      Deployment d, Project project, Map<String, Optional<ModelVersion>> versions) {
    Revision current = d.current();
    TrafficView traffic = traffic(current.traffic(), versions);
    return new DeploymentView(
        d.name(),
        project.name(),
        d.environment().wireName(),
        traffic.stable().model(),
        traffic.stable().version(),
        traffic,
        current.number(),
        current.reason(),
        current.createdAt(),
        current.createdBy(),
        d.createdAt(),
        d.createdBy());
  }

  private TrafficView traffic(Traffic traffic, Map<String, Optional<ModelVersion>> versions) {
    ModelVersion stable = version(traffic.stableVersionId(), versions);
    Optional<CandidateView> candidate =
        traffic
            .candidate()
            .map(
                c -> {
                  ModelVersion v = version(c.versionId(), versions);
                  return new CandidateView(
                      v.modelName(),
                      v.version(),
                      v.id(),
                      c.mode().wireName(),
                      c.percent(),
                      c.stickyKey());
                });
    int stablePercent =
        traffic
            .candidate()
            .map(c -> c.mode() == RolloutMode.SHADOW ? 100 : 100 - c.percent())
            .orElse(100);
    return new TrafficView(
        new VersionView(stable.modelName(), stable.version(), stable.id(), stablePercent),
        candidate);
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

  // ---------------------------------------------------------------- helpers

  private ModelVersion resolve(
      Project project, String modelName, Optional<Integer> version, Optional<String> alias) {
    if (version.isPresent() == alias.isPresent()) {
      throw invalid("/version", "give either a version number or an alias of the model");
    }
    RegisteredModel model =
        registry
            .model(project.id(), modelName)
            .orElseThrow(
                () ->
                    invalid(
                        "/model",
                        "no registered model named '"
                            + modelName
                            + "' in project '"
                            + project.name()
                            + "'"));
    if (version.isPresent()) {
      int number = version.get();
      return registry
          .version(model.id(), number)
          .orElseThrow(
              () -> invalid("/version", "model '" + model.name() + "' has no version " + number));
    }
    String name = alias.get();
    return registry
        .versionByAlias(model.id(), name)
        .orElseThrow(
            () -> invalid("/alias", "model '" + model.name() + "' has no alias '" + name + "'"));
  }

  /** Keeps the model cache to the versions deployments point at, and tells the serving path. */
  @Override
  public void changed(String name) {
    service.changed(name);
  }

  private Project project(ApiCall call) {
    String name = call.pathParam("project");
    checkName("project", name, FieldError.path("project", ""));
    return projects
        .findByName(name)
        .orElseThrow(() -> new ApiException.NotFound("no project named '" + name + "'"));
  }

  private Deployment deployment(ApiCall call, Project project) {
    String name = call.pathParam("name");
    checkName("deployment", name, FieldError.path("name", ""));
    return deployments
        .get(name)
        .filter(d -> d.projectId().equals(project.id()))
        .orElseThrow(
            () ->
                new ApiException.NotFound(
                    "no deployment named '" + name + "' in project '" + project.name() + "'"));
  }

  private static void checkName(String what, String name, FieldError where) {
    try {
      Names.requireValid(what, name);
    } catch (IllegalArgumentException e) {
      throw new ApiException.ValidationFailed(where.withMessage(e.getMessage()));
    }
  }

  private static String format(Duration duration) {
    return duration.isZero() ? "0s" : Durations.format(duration);
  }

  private static Deployments.Actor actor(ApiCall call, Project project) {
    return new Deployments.Actor(
        call.principal().map(Principal::name).orElseThrow(),
        call.may(project.name(), Action.MAINTAIN));
  }

  private static ApiException invalid(String pointer, String message) {
    return new ApiException.ValidationFailed(FieldError.body(pointer, message));
  }

  @Override
  public JsonNode openApi(ObjectMapper mapper) {
    return OpenApiDocument.load(mapper, DeploymentsApi.class, "deployments-openapi.json");
  }
}
