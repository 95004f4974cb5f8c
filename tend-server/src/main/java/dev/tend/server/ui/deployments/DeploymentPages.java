package dev.tend.server.ui.deployments;

import static java.util.Objects.requireNonNull;

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
import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.MonitorMetric;
import dev.tend.monitors.MonitorRepository;
import dev.tend.monitors.PointQuery;
import dev.tend.pipeline.Durations;
import dev.tend.pipeline.PipelineException;
import dev.tend.projects.Project;
import dev.tend.registry.ModelVersion;
import dev.tend.registry.RegisteredModel;
import dev.tend.registry.RegistryRepository;
import dev.tend.server.deployments.Deployments;
import dev.tend.server.deployments.RolloutMonitor;
import dev.tend.server.deployments.WindowFigures;
import dev.tend.server.ui.Charts;
import dev.tend.server.ui.Section;
import dev.tend.server.ui.UiArea;
import dev.tend.server.ui.UiCall;
import dev.tend.server.ui.UiException;
import dev.tend.server.ui.UiPaths;
import dev.tend.server.ui.UiResponse;
import dev.tend.server.ui.UiRoutes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The deployments of a project: each one's traffic split, rollout and live figures, and on its own
 * page the rollout's state and history, latency and errors over the monitor's stored windows, and
 * the forms that promote, roll back or start a rollout through the same {@link Deployments} service
 * the API uses.
 */
public final class DeploymentPages implements UiArea {
  /** The most deployments listed on one page. */
  static final int MAX_DEPLOYMENTS = 200;

  /** The most monitor windows a chart draws, per version. */
  static final int MAX_WINDOWS = 200;

  /** The most revisions and events shown in a deployment's history. */
  static final int MAX_HISTORY = 50;

  private static final Instant END_OF_TIME = Instant.parse("+10000-01-01T00:00:00Z");

  private final DeploymentRepository deployments;
  private final RegistryRepository registry;
  private final Deployments service;
  private final RolloutMonitor monitor;
  private final MonitorRepository monitors;

  public DeploymentPages(
      DeploymentRepository deployments,
      RegistryRepository registry,
      Deployments service,
      RolloutMonitor monitor,
      MonitorRepository monitors) {
    this.deployments = requireNonNull(deployments, "deployments is null");
    this.registry = requireNonNull(registry, "registry is null");
    this.service = requireNonNull(service, "service is null");
    this.monitor = requireNonNull(monitor, "monitor is null");
    this.monitors = requireNonNull(monitors, "monitors is null");
  }

  /** A model version as the pages name it: {@code species v2}. */
  public record VersionRef(String model, int version, String versionId) {
    public VersionRef {
      requireNonNull(model, "model is null");
      requireNonNull(versionId, "versionId is null");
    }

    public String label() {
      return model + " v" + version;
    }
  }

  /** The candidate next to the stable version: how it is rolled out and its share of traffic. */
  public record CandidateRef(VersionRef version, String mode, int percent) {
    public CandidateRef {
      requireNonNull(version, "version is null");
      requireNonNull(mode, "mode is null");
    }
  }

  /**
   * What one version of a deployment did in the rollout monitor's window in progress and the last
   * finished one, on this server.
   */
  public record VersionFigures(
      String role, VersionRef version, WindowFigures current, WindowFigures last) {
    public VersionFigures {
      requireNonNull(role, "role is null");
      requireNonNull(version, "version is null");
      requireNonNull(current, "current is null");
      requireNonNull(last, "last is null");
    }
  }

  /** One deployment as the list shows it, and the head of its own page. */
  public record Row(
      String name,
      String environment,
      VersionRef stable,
      int stablePercent,
      Optional<CandidateRef> candidate,
      String rollout,
      List<VersionFigures> figures) {
    public Row {
      requireNonNull(name, "name is null");
      requireNonNull(environment, "environment is null");
      requireNonNull(stable, "stable is null");
      requireNonNull(candidate, "candidate is null");
      requireNonNull(rollout, "rollout is null");
      figures = List.copyOf(requireNonNull(figures, "figures is null"));
    }

    /** The badge class of the rollout state. */
    public String rolloutBadge() {
      return switch (rollout) {
        case "in-progress" -> "info";
        case "awaiting-approval" -> "warn";
        default -> "";
      };
    }

    /** The badge class of the environment. */
    public String environmentBadge() {
      return environment.equals(Environment.PROD.wireName()) ? "bad" : "info";
    }
  }

  /** The model of {@code deployments/list.jte}. */
  public record ListPage(String project, List<Row> deployments, boolean truncated) {
    public ListPage {
      requireNonNull(project, "project is null");
      deployments = List.copyOf(requireNonNull(deployments, "deployments is null"));
    }

    public String link(Row row) {
      return UiPaths.project(project, "deployments", row.name());
    }
  }

  /** One revision of the traffic, for the history table. */
  public record RevisionRow(
      int number, String traffic, String reason, Instant createdAt, String createdBy) {
    public RevisionRow {
      requireNonNull(traffic, "traffic is null");
      requireNonNull(reason, "reason is null");
      requireNonNull(createdAt, "createdAt is null");
      requireNonNull(createdBy, "createdBy is null");
    }
  }

  /** The model of {@code deployments/detail.jte}. */
  public record DetailPage(
      String project,
      Row deployment,
      Revision current,
      Optional<Rollout> rollout,
      Duration monitorWindow,
      String trafficChart,
      Optional<String> latencyChart,
      Optional<String> errorChart,
      List<RevisionRow> revisions,
      List<DeploymentEvent> events,
      boolean mayChange) {
    public DetailPage {
      requireNonNull(project, "project is null");
      requireNonNull(deployment, "deployment is null");
      requireNonNull(current, "current is null");
      requireNonNull(rollout, "rollout is null");
      requireNonNull(monitorWindow, "monitorWindow is null");
      requireNonNull(trafficChart, "trafficChart is null");
      requireNonNull(latencyChart, "latencyChart is null");
      requireNonNull(errorChart, "errorChart is null");
      revisions = List.copyOf(requireNonNull(revisions, "revisions is null"));
      events = List.copyOf(requireNonNull(events, "events is null"));
    }

    /** The path of the deployment's page, or of a form under it. */
    public String path(String... more) {
      String[] names = new String[more.length + 1];
      names[0] = deployment.name();
      System.arraycopy(more, 0, names, 1, more.length);
      return UiPaths.project(project, "deployments", names);
    }

    public boolean running() {
      return rollout.isPresent();
    }

    public String format(Duration duration) {
      return duration.isZero() ? "0s" : Durations.format(duration);
    }

    /** The timeline class of an event: green for promotions, red for roll-backs. */
    public String eventClass(DeploymentEvent event) {
      return switch (event.kind()) {
        case PROMOTED, APPROVED -> "ok";
        case ROLLED_BACK, ROLLOUT_SUPERSEDED -> "bad";
        default -> "";
      };
    }
  }

  @Override
  public void routes(UiRoutes routes) {
    routes.get("/projects/{project}/deployments", this::list);
    routes.get("/projects/{project}/deployments/{deployment}", this::detail);
    routes.post(
        "/projects/{project}/deployments/{deployment}/promote",
        Action.WRITE,
        call -> end(call, DeploymentRepository.Ending.PROMOTE));
    routes.post(
        "/projects/{project}/deployments/{deployment}/rollback",
        Action.WRITE,
        call -> end(call, DeploymentRepository.Ending.ROLLBACK));
    routes.post(
        "/projects/{project}/deployments/{deployment}/rollout", Action.WRITE, this::rollout);
  }

  // ---------------------------------------------------------------- pages

  private UiResponse list(UiCall call) {
    Project project = call.project();
    List<Deployment> all = deployments.list(project.id());
    Map<String, VersionRef> versions = new HashMap<>();
    List<Row> rows = all.stream().limit(MAX_DEPLOYMENTS).map(d -> row(d, versions)).toList();
    return UiResponse.page(
        "deployments/list.jte",
        call.chrome("Deployments", Section.DEPLOYMENTS),
        new ListPage(project.name(), rows, all.size() > MAX_DEPLOYMENTS));
  }

  private UiResponse detail(UiCall call) {
    Project project = call.project();
    Deployment d = deployment(call, project);
    Map<String, VersionRef> versions = new HashMap<>();
    Row row = row(d, versions);
    List<RevisionRow> revisions =
        deployments.history(d.name()).stream()
            .limit(MAX_HISTORY)
            .map(
                r ->
                    new RevisionRow(
                        r.number(),
                        describe(r.traffic(), versions),
                        r.reason(),
                        r.createdAt(),
                        r.createdBy()))
            .toList();
    return UiResponse.page(
        "deployments/detail.jte",
        call.chrome(d.name(), Section.DEPLOYMENTS),
        new DetailPage(
            project.name(),
            row,
            d.current(),
            rollout(d),
            monitor.window(d.name()),
            trafficChart(row),
            latencyChart(d.name(), versions),
            errorChart(d.name(), versions),
            revisions,
            deployments.events(d.name(), MAX_HISTORY),
            mayChange(call, project, d)));
  }

  // ---------------------------------------------------------------- forms

  private UiResponse end(UiCall call, DeploymentRepository.Ending ending) {
    Project project = call.project();
    Deployment d = deployment(call, project);
    String reason = call.formOptional("reason").orElse("").trim();
    if (reason.length() > DeploymentRepository.MAX_REASON_LENGTH) {
      throw UiException.of(
          422, "a reason is at most " + DeploymentRepository.MAX_REASON_LENGTH + " characters");
    }
    Optional<Candidate> candidate = d.current().traffic().candidate();
    Deployment ended =
        refusals(() -> service.endRollout(project, d, ending, reason, actor(call, project)));
    Map<String, VersionRef> versions = new HashMap<>();
    String what =
        ending == DeploymentRepository.Ending.PROMOTE
            ? "Promoted "
                + version(ended.current().traffic().stableVersionId(), versions).label()
                + " to all of "
                + d.name()
                + "'s traffic"
            : "Rolled back "
                + candidate
                    .map(c -> version(c.versionId(), versions).label())
                    .orElse("the candidate")
                + " on "
                + d.name();
    return UiResponse.redirect(UiPaths.project(project.name(), "deployments", d.name()), what);
  }

  private UiResponse rollout(UiCall call) {
    Project project = call.project();
    Deployment d = deployment(call, project);
    RolloutMode mode = parse("mode", call.form("mode"), RolloutMode::fromWireName);
    int percent = number("percent", call.form("percent"));
    int max = mode == RolloutMode.SHADOW ? 100 : 99;
    if (percent < 1 || percent > max) {
      throw UiException.of(
          422,
          "percent must be between 1 and " + max + " for " + mode.wireName() + ", got " + percent);
    }
    int number = number("version", call.form("version"));
    String modelName = call.form("model");
    RegisteredModel model =
        registry
            .model(project.id(), modelName)
            .orElseThrow(
                () ->
                    UiException.of(
                        422, "no registered model named '" + modelName + "' in this project"));
    ModelVersion version =
        registry
            .version(model.id(), number)
            .orElseThrow(
                () -> UiException.of(422, "model '" + model.name() + "' has no version " + number));
    RolloutPolicy defaults = RolloutPolicy.defaults();
    Duration window =
        call.formOptional("window").map(w -> duration(w.trim())).orElse(defaults.window());
    RolloutPolicy.Promotion promotion =
        call.formOptional("promotion")
            .map(p -> parse("promotion", p, RolloutPolicy.Promotion::fromWireName))
            .orElse(defaults.promotion());
    RolloutPolicy policy;
    Candidate candidate;
    try {
      policy =
          new RolloutPolicy(
              window,
              defaults.minRequests(),
              defaults.minSuccessRate(),
              defaults.maxP99Millis(),
              OptionalDouble.empty(),
              Optional.empty(),
              defaults.failedWindows(),
              defaults.bake(),
              promotion);
      candidate = new Candidate(version.id(), mode, percent, Optional.empty());
    } catch (IllegalArgumentException e) {
      throw UiException.of(422, e.getMessage());
    }
    String reason = call.formOptional("reason").orElse("").trim();
    refusals(
        () ->
            service.startRollout(
                project, d, version, candidate, policy, reason, actor(call, project)));
    return UiResponse.redirect(
        UiPaths.project(project.name(), "deployments", d.name()),
        "Started a "
            + mode.wireName()
            + " of "
            + model.name()
            + " v"
            + version.version()
            + " with "
            + percent
            + "% of "
            + d.name()
            + "'s traffic");
  }

  /* The service's refusals as error pages: nothing was changed. */
  private static <T> T refusals(java.util.function.Supplier<T> change) {
    try {
      return change.get();
    } catch (Deployments.Refused e) {
      throw switch (e.kind()) {
        case FORBIDDEN -> UiException.forbidden(e.getMessage());
        case CONFLICT -> UiException.conflict(e.getMessage());
        case VERSION -> UiException.of(422, e.getMessage());
      };
    }
  }

  // ---------------------------------------------------------------- reads

  private Deployment deployment(UiCall call, Project project) {
    String name = call.path("deployment");
    return deployments
        .get(name)
        .filter(d -> d.projectId().equals(project.id()))
        .orElseThrow(
            () ->
                UiException.notFound(
                    "there is no deployment '" + name + "' in project '" + project.name() + "'"));
  }

  private Optional<Rollout> rollout(Deployment d) {
    return deployments.rollout(d.name()).filter(r -> r.revision() == d.current().number());
  }

  private Row row(Deployment d, Map<String, VersionRef> versions) {
    Traffic traffic = d.current().traffic();
    VersionRef stable = version(traffic.stableVersionId(), versions);
    Optional<CandidateRef> candidate =
        traffic
            .candidate()
            .map(
                c ->
                    new CandidateRef(
                        version(c.versionId(), versions), c.mode().wireName(), c.percent()));
    int stablePercent =
        traffic
            .candidate()
            .map(c -> c.mode() == RolloutMode.SHADOW ? 100 : 100 - c.percent())
            .orElse(100);
    List<VersionFigures> figures = new ArrayList<>();
    figures.add(figures("stable", stable, d.name()));
    candidate.ifPresent(
        c ->
            figures.add(
                figures(
                    c.mode().equals(RolloutMode.SHADOW.wireName()) ? "shadow" : "candidate",
                    c.version(),
                    d.name())));
    String state = rollout(d).map(r -> r.state().wireName()).orElse("none");
    return new Row(
        d.name(), d.environment().wireName(), stable, stablePercent, candidate, state, figures);
  }

  private VersionFigures figures(String role, VersionRef version, String deployment) {
    RolloutMonitor.Figures f = monitor.figures(deployment, version.versionId());
    return new VersionFigures(role, version, f.current(), f.last());
  }

  /* A deployment's versions stay live: the store refuses to delete one a deployment serves. */
  private VersionRef version(String id, Map<String, VersionRef> versions) {
    return versions.computeIfAbsent(
        id,
        key ->
            registry
                .versionById(key)
                .map(v -> new VersionRef(v.modelName(), v.version(), v.id()))
                .orElse(new VersionRef("deleted version", 0, key)));
  }

  private String describe(Traffic traffic, Map<String, VersionRef> versions) {
    String stable = version(traffic.stableVersionId(), versions).label();
    return traffic
        .candidate()
        .map(
            c ->
                stable
                    + " + "
                    + version(c.versionId(), versions).label()
                    + " ("
                    + c.mode().wireName()
                    + " "
                    + c.percent()
                    + "%)")
        .orElse(stable + " (100%)");
  }

  static String trafficChart(Row row) {
    List<String> categories = new ArrayList<>();
    List<Double> shares = new ArrayList<>();
    categories.add(row.stable().label() + " (stable)");
    shares.add((double) row.stablePercent());
    row.candidate()
        .ifPresent(
            c -> {
              categories.add(c.version().label() + " (" + c.mode() + ")");
              shares.add((double) c.percent());
            });
    Map<String, List<Double>> series = new LinkedHashMap<>();
    series.put("% of requests", shares);
    return Charts.bars("Traffic split", categories, series);
  }

  private Optional<String> latencyChart(String deployment, Map<String, VersionRef> versions) {
    List<Charts.Series> series = new ArrayList<>();
    series.addAll(series(deployment, MonitorMetric.LATENCY_P50_MS, "p50", versions));
    series.addAll(series(deployment, MonitorMetric.LATENCY_P99_MS, "p99", versions));
    boolean empty = series.stream().allMatch(s -> s.points().isEmpty());
    return Charts.unlessEmpty(Charts.lines("Latency (ms)", "ms", series), empty);
  }

  private Optional<String> errorChart(String deployment, Map<String, VersionRef> versions) {
    List<Charts.Series> errors =
        series(deployment, MonitorMetric.ERROR_RATE, "error rate", versions);
    List<Charts.Series> rows = series(deployment, MonitorMetric.ROWS, "requests", versions);
    boolean empty =
        errors.stream().allMatch(s -> s.points().isEmpty())
            && rows.stream().allMatch(s -> s.points().isEmpty());
    return Charts.unlessEmpty(
        Charts.twoAxes(
            "Errors and requests per window",
            Charts.Axis.share("error rate"),
            errors,
            Charts.Axis.scaled("requests"),
            rows),
        empty);
  }

  /*
   * One series per model version of the newest stored windows of metric (whole traffic, no
   * column): one bounded query, newest first, drawn oldest first.
   */
  private List<Charts.Series> series(
      String deployment, MonitorMetric metric, String what, Map<String, VersionRef> versions) {
    List<MetricPoint> points =
        monitors.points(
            new PointQuery(
                deployment,
                Optional.of(metric),
                Optional.of(""),
                Optional.empty(),
                Optional.of(MetricPoint.ALL_ROWS),
                Instant.EPOCH,
                END_OF_TIME,
                true,
                MAX_WINDOWS * 3));
    return group(points, what, versions);
  }

  private List<Charts.Series> group(
      List<MetricPoint> newestFirst, String what, Map<String, VersionRef> versions) {
    Map<String, List<Charts.Point>> byVersion = new LinkedHashMap<>();
    for (int i = newestFirst.size() - 1; i >= 0; i--) {
      MetricPoint p = newestFirst.get(i);
      if (p.modelVersion().equals(MetricPoint.ALL_VERSIONS)) {
        continue;
      }
      byVersion
          .computeIfAbsent(p.modelVersion(), v -> new ArrayList<>())
          .add(new Charts.Point(p.windowStart(), p.value()));
    }
    List<Charts.Series> series = new ArrayList<>();
    byVersion.forEach(
        (id, points) ->
            series.add(
                new Charts.Series(
                    version(id, versions).label() + " " + what,
                    points.subList(Math.max(0, points.size() - MAX_WINDOWS), points.size()))));
    return series;
  }

  // ---------------------------------------------------------------- helpers

  /* Whether the caller may promote, roll back or start a rollout here: prod needs maintainers. */
  private static boolean mayChange(UiCall call, Project project, Deployment d) {
    return call.can(project.name(), Action.WRITE)
        && (d.environment() != Environment.PROD || call.can(project.name(), Action.MAINTAIN));
  }

  private static Deployments.Actor actor(UiCall call, Project project) {
    return new Deployments.Actor(
        call.principal().map(Principal::name).orElse(call.actor()),
        call.can(project.name(), Action.MAINTAIN));
  }

  private static int number(String field, String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw UiException.of(422, field + " must be a whole number, got '" + text + "'");
    }
  }

  private static <T> T parse(
      String field, String text, java.util.function.Function<String, T> parser) {
    try {
      return parser.apply(text.trim());
    } catch (IllegalArgumentException e) {
      throw UiException.of(422, field + ": " + e.getMessage());
    }
  }

  private static Duration duration(String text) {
    try {
      return Durations.parse(text);
    } catch (PipelineException e) {
      throw UiException.of(422, "window: " + e.getMessage());
    }
  }
}
