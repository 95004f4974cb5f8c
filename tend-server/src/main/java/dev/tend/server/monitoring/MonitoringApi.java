package dev.tend.server.monitoring;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.access.Principal;
import dev.tend.datasets.Dataset;
import dev.tend.datasets.DatasetRepository;
import dev.tend.datasets.DatasetVersion;
import dev.tend.drift.DriftResult;
import dev.tend.monitor.DriftFigures;
import dev.tend.monitor.FigureScope;
import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.MonitorMetric;
import dev.tend.monitor.SuiteFigures;
import dev.tend.monitor.WindowSketch;
import dev.tend.monitor.WindowSketchSchema;
import dev.tend.monitors.MonitorConfig;
import dev.tend.monitors.MonitorCursor;
import dev.tend.monitors.MonitorRepository;
import dev.tend.monitors.MonitorWindow;
import dev.tend.monitors.PointQuery;
import dev.tend.pipeline.Durations;
import dev.tend.pipeline.PipelineException;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The monitor of a deployment over HTTP: its settings and status, its windows with their key
 * figures, all figures of one window (drift table, quality, performance, CBPE, latency, outcome
 * KPIs, segments), a figure's time series, and a summary over any range computed by merging the
 * stored window sketches. See docs/monitoring.md. Thread-safe.
 */
public final class MonitoringApi implements ApiModule {
  /** The most windows or points one answer lists. */
  static final int MAX_ITEMS = 10_000;

  /** The range listed when none is given: the day before now. */
  static final Duration DEFAULT_RANGE = Duration.ofDays(1);

  private static final Instant END_OF_TIME = Instant.parse("+10000-01-01T00:00:00Z");
  private static final Set<String> SETTINGS =
      Set.of("window", "segment_column", "reference", "enabled");
  private static final Set<MonitorMetric> KEY_FIGURES =
      Set.of(
          MonitorMetric.ROWS,
          MonitorMetric.ERROR_RATE,
          MonitorMetric.LATENCY_P99_MS,
          MonitorMetric.DRIFTED_FEATURE_SHARE,
          MonitorMetric.QUALITY_SCORE,
          MonitorMetric.SCHEMA_VIOLATION_SHARE,
          MonitorMetric.LABEL_COVERAGE,
          MonitorMetric.ACCURACY,
          MonitorMetric.ESTIMATED_ACCURACY,
          MonitorMetric.MAE);

  private final ProjectRepository projects;
  private final DatasetRepository datasets;
  private final MonitorRepository monitors;
  private final MonitorRunner runner;
  private final Lineage lineage;
  private final Clock clock;

  MonitoringApi(
      ProjectRepository projects,
      DatasetRepository datasets,
      MonitorRepository monitors,
      MonitorRunner runner,
      Lineage lineage,
      Clock clock) {
    this.projects = requireNonNull(projects, "projects is null");
    this.datasets = requireNonNull(datasets, "datasets is null");
    this.monitors = requireNonNull(monitors, "monitors is null");
    this.runner = requireNonNull(runner, "runner is null");
    this.lineage = requireNonNull(lineage, "lineage is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** What a monitor measures drift against: a dataset version, or a note why there is none. */
  public record ReferenceView(
      Optional<String> datasetVersionId, Optional<String> dataset, String note) {}

  record StatusView(
      Optional<Instant> lastRunAt,
      Optional<Double> lagSeconds,
      Instant cursor,
      Instant feedbackCursor,
      long windows,
      Optional<String> lastError,
      Optional<Instant> lastErrorAt,
      long errors) {}

  record PointView(
      String modelVersion,
      String segment,
      Instant windowStart,
      Instant windowEnd,
      String metric,
      Optional<String> column,
      double value,
      long count,
      OptionalDouble lower,
      OptionalDouble upper) {}

  record MonitorView(
      String deployment,
      String project,
      String window,
      long windowSeconds,
      Optional<String> segmentColumn,
      ReferenceView reference,
      boolean enabled,
      Optional<Instant> updatedAt,
      Optional<String> updatedBy,
      StatusView status,
      List<PointView> latest) {}

  record WindowView(
      String modelVersion,
      String segment,
      Instant start,
      Instant end,
      long rows,
      long failedRequests,
      Map<String, Double> figures) {}

  record WindowsView(String deployment, Instant from, Instant to, List<WindowView> items) {}

  /** One feature's drift against the reference in one window, by the method that decides. */
  public record DriftView(
      String column,
      String method,
      double statistic,
      OptionalDouble pValue,
      double effectSize,
      double threshold,
      OptionalDouble alpha,
      boolean drifted,
      long referenceCount,
      long currentCount,
      List<MeasureView> measures) {}

  /** One drift measure of a feature, besides the one that decides. */
  public record MeasureView(
      String method,
      double statistic,
      OptionalDouble pValue,
      double effectSize,
      double threshold,
      boolean drifted) {
    static MeasureView of(DriftResult r) {
      return new MeasureView(
          r.method().name().toLowerCase(java.util.Locale.ROOT),
          r.statistic(),
          r.pValue(),
          r.effectSize(),
          r.threshold().effectSize(),
          r.drifted());
    }
  }

  /** Counts of the positive-class (or top-class) probability over equal-width bins of [0, 1]. */
  record ConfidenceView(int bins, List<Long> counts) {
    static final int BINS = 20;

    static Optional<ConfidenceView> of(WindowSketch sketch) {
      long[] fine = sketch.confidenceCounts();
      if (sketch.confidenceBins() == 0 || sketch.confidenceTotal() == 0) {
        return Optional.empty();
      }
      long[] coarse = new long[BINS];
      for (int i = 0; i < fine.length; i++) {
        coarse[(int) ((long) i * BINS / fine.length)] += fine[i];
      }
      return Optional.of(
          new ConfidenceView(BINS, java.util.Arrays.stream(coarse).boxed().toList()));
    }
  }

  /** A feature left out of drift, and why. */
  public record SkippedView(String column, String reason) {}

  /** A window's drift table: each feature's drift against the reference, and those left out. */
  public record DriftTable(List<DriftView> features, List<SkippedView> skipped) {
    public DriftTable {
      features = List.copyOf(requireNonNull(features, "features is null"));
      skipped = List.copyOf(requireNonNull(skipped, "skipped is null"));
    }
  }

  /** One check of the reference dataset's suite judged on the window's inputs. */
  record CheckView(
      String name,
      Optional<String> description,
      String status,
      String observed,
      String expected,
      Optional<String> reason) {
    static CheckView of(SuiteFigures.LiveCheck c) {
      return new CheckView(
          c.name(), c.description(), c.status().label(), c.observed(), c.expected(), c.reason());
    }
  }

  record GroupView(
      String modelVersion,
      String segment,
      Instant start,
      Instant end,
      long rows,
      long failedRequests,
      Map<String, List<PointView>> figures,
      List<DriftView> drift,
      List<SkippedView> driftSkipped,
      List<CheckView> checks,
      Optional<String> suiteError,
      Optional<ConfidenceView> confidence) {}

  record DetailView(
      String deployment, Instant start, ReferenceView reference, List<GroupView> groups) {}

  record SeriesView(String deployment, String metric, List<PointView> items) {}

  @Override
  public void routes(ApiRoutes routes) {
    String base = "/projects/{project}/deployments/{name}/monitor";
    routes.get(base, Access.READ, this::show);
    routes.put(base, Access.WRITE, this::configure);
    routes.get(base + "/windows", Access.READ, this::windows);
    routes.get(base + "/windows/{start}", Access.READ, this::window);
    routes.get(base + "/figures", Access.READ, this::figures);
    routes.get(base + "/summary", Access.READ, this::summary);
  }

  // ---------------------------------------------------------------- settings and status

  private void show(ApiCall call) {
    Project project = project(call);
    call.json(200, view(project, config(call, project)));
  }

  private MonitorView view(Project project, MonitorConfig config) {
    MonitorCursor cursor = monitors.cursor(config.deployment());
    Instant now = clock.instant();
    Optional<Double> lag =
        cursor.position().time().equals(Instant.EPOCH)
            ? Optional.empty()
            : Optional.of(Duration.between(cursor.position().time(), now).toMillis() / 1000.0);
    long windows = monitors.windowCount(config.deployment());
    StatusView status =
        new StatusView(
            cursor.lastRunAt(),
            lag,
            cursor.position().time(),
            cursor.feedback().receivedAt(),
            windows,
            cursor.lastError(),
            cursor.lastErrorAt(),
            cursor.errors());
    List<PointView> latest =
        monitors
            .points(
                new PointQuery(
                    config.deployment(),
                    Optional.of(MonitorMetric.ROWS),
                    Optional.of(""),
                    Optional.of(MetricPoint.ALL_VERSIONS),
                    Optional.of(MetricPoint.ALL_ROWS),
                    Instant.EPOCH,
                    END_OF_TIME,
                    true,
                    1))
            .stream()
            .findFirst()
            .map(
                newest ->
                    monitors
                        .points(
                            new PointQuery(
                                config.deployment(),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.of(MetricPoint.ALL_VERSIONS),
                                Optional.of(MetricPoint.ALL_ROWS),
                                newest.windowStart(),
                                newest.windowStart().plusMillis(1),
                                false,
                                MAX_ITEMS))
                        .stream()
                        .map(MonitoringApi::point)
                        .toList())
            .orElse(List.of());
    return new MonitorView(
        config.deployment(),
        project.name(),
        Durations.format(config.window()),
        config.window().toSeconds(),
        config.segmentColumn(),
        reference(config),
        config.enabled(),
        config.updatedBy().isEmpty() ? Optional.empty() : Optional.of(config.updatedAt()),
        config.updatedBy().isEmpty() ? Optional.empty() : Optional.of(config.updatedBy()),
        status,
        latest);
  }

  /** What {@code config}'s monitor measures drift against, or why it has no reference. */
  public ReferenceView reference(MonitorConfig config) {
    Lineage.Reference reference = lineage.reference(config, MetricPoint.ALL_VERSIONS);
    return new ReferenceView(reference.datasetVersionId(), Optional.empty(), reference.note());
  }

  private void configure(ApiCall call) {
    Project project = project(call);
    MonitorConfig current = config(call, project);
    JsonNode body = call.body(JsonNode.class);
    if (body == null || !body.isObject()) {
      throw invalid(
          "", "the body must be an object with window, segment_column, reference or enabled");
    }
    List<FieldError> errors = new ArrayList<>();
    body.fieldNames()
        .forEachRemaining(
            name -> {
              if (!SETTINGS.contains(name)) {
                errors.add(
                    FieldError.body(
                        "/" + name,
                        "unknown setting '"
                            + name
                            + "'; settings are "
                            + List.copyOf(new java.util.TreeSet<>(SETTINGS))));
              }
            });
    Duration window = current.window();
    JsonNode windowNode = body.get("window");
    if (windowNode != null) {
      if (!windowNode.isTextual()) {
        errors.add(
            FieldError.body("/window", "window must be a duration such as \"1h\" or \"30s\""));
      } else {
        try {
          window = Durations.parse(windowNode.asText());
          if (window.compareTo(MonitorConfig.MIN_WINDOW) < 0 || window.toMillis() % 1000 != 0) {
            errors.add(
                FieldError.body(
                    "/window",
                    "window must be a whole number of seconds, at least 1s: "
                        + windowNode.asText()));
          }
        } catch (PipelineException e) {
          errors.add(FieldError.body("/window", "window " + e.getMessage()));
        }
      }
    }
    Optional<String> segment = current.segmentColumn();
    JsonNode segmentNode = body.get("segment_column");
    if (segmentNode != null) {
      if (segmentNode.isNull() || (segmentNode.isTextual() && segmentNode.asText().isEmpty())) {
        segment = Optional.empty();
      } else if (!segmentNode.isTextual()) {
        errors.add(
            FieldError.body("/segment_column", "segment_column must be an input's name, or null"));
      } else {
        segment = Optional.of(segmentNode.asText());
        segmentProblem(current, segmentNode.asText())
            .ifPresent(m -> errors.add(FieldError.body("/segment_column", m)));
      }
    }
    Optional<String> reference = current.referenceVersionId();
    JsonNode referenceNode = body.get("reference");
    if (referenceNode != null) {
      if (referenceNode.isNull()) {
        reference = Optional.empty();
      } else if (!referenceNode.isTextual()) {
        errors.add(FieldError.body("/reference", "reference must be DATASET@VERSION, or null"));
      } else {
        try {
          reference = Optional.of(referenceVersion(project, referenceNode.asText()));
        } catch (IllegalArgumentException e) {
          errors.add(FieldError.body("/reference", e.getMessage()));
        }
      }
    }
    boolean enabled = current.enabled();
    JsonNode enabledNode = body.get("enabled");
    if (enabledNode != null) {
      if (!enabledNode.isBoolean()) {
        errors.add(FieldError.body("/enabled", "enabled must be true or false"));
      } else {
        enabled = enabledNode.booleanValue();
      }
    }
    if (!errors.isEmpty()) {
      throw new ApiException.ValidationFailed("the monitor settings are not valid", errors);
    }
    MonitorConfig stored =
        monitors.configure(
            new MonitorConfig(
                current.deployment(),
                current.projectId(),
                window,
                segment,
                reference,
                enabled,
                current.updatedAt(),
                current.updatedBy()),
            call.principal().map(Principal::name).orElseThrow());
    call.json(200, view(project, stored));
  }

  /* A segment column must be an input of the model the deployment serves. */
  private Optional<String> segmentProblem(MonitorConfig config, String column) {
    Optional<WindowSketchSchema> schema =
        lineage.stableVersionId(config.deployment()).flatMap(lineage::schema);
    if (schema.isEmpty()) {
      return Optional.of(
          "the deployment serves no model whose signature Tend can read, so it cannot be segmented");
    }
    List<String> inputs =
        schema.get().inputs().stream().map(WindowSketchSchema.Input::name).toList();
    return inputs.contains(column)
        ? Optional.empty()
        : Optional.of(
            "segment column '" + column + "' is not an input of the model; inputs are " + inputs);
  }

  /* DATASET@VERSION of the project, committed and profiled. */
  private String referenceVersion(Project project, String text) {
    int at = text.lastIndexOf('@');
    if (at < 1 || at == text.length() - 1) {
      throw new IllegalArgumentException(
          "reference must be DATASET@VERSION, such as flights@3: '" + text + "'");
    }
    String name = text.substring(0, at);
    int number;
    try {
      number = Integer.parseInt(text.substring(at + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "the version of reference '" + text + "' must be a number");
    }
    Dataset dataset =
        datasets
            .find(project.id(), name)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "project '" + project.name() + "' has no dataset named '" + name + "'"));
    DatasetVersion version =
        datasets
            .version(dataset.id(), number)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "dataset '" + name + "' has no version " + number));
    if (datasets.profile(version.id()).isEmpty()) {
      throw new IllegalArgumentException(
          "dataset version " + text + " has no profile to compare with");
    }
    return version.id();
  }

  // ---------------------------------------------------------------- windows

  private void windows(ApiCall call) {
    Project project = project(call);
    MonitorConfig config = config(call, project);
    Range range = range(call, config);
    Optional<String> version = call.queryParam("version");
    Optional<String> segment = Optional.of(call.queryParam("segment").orElse(MetricPoint.ALL_ROWS));
    List<MonitorWindow> windows =
        monitors.windows(
            config.deployment(),
            Optional.of(version.orElse(MetricPoint.ALL_VERSIONS)),
            segment,
            range.from(),
            range.to(),
            false);
    if (windows.size() > MAX_ITEMS) {
      throw new ApiException.ValidationFailed(
          FieldError.query(
              "from", "the range holds more than " + MAX_ITEMS + " windows; narrow it"));
    }
    Map<String, Map<String, Double>> figures = new HashMap<>();
    for (MetricPoint p :
        monitors.points(
            new PointQuery(
                config.deployment(),
                Optional.empty(),
                Optional.of(""),
                Optional.of(version.orElse(MetricPoint.ALL_VERSIONS)),
                segment,
                range.from(),
                range.to(),
                false,
                MAX_ITEMS * 20))) {
      if (KEY_FIGURES.contains(p.metric())) {
        figures
            .computeIfAbsent(
                p.modelVersion() + '\u0000' + p.segment() + '\u0000' + p.windowStart(),
                k -> new LinkedHashMap<>())
            .put(p.metric().label(), p.value());
      }
    }
    List<WindowView> items = new ArrayList<>();
    for (MonitorWindow w : windows) {
      items.add(
          new WindowView(
              w.key().modelVersion(),
              w.key().segment(),
              w.key().start(),
              w.end(),
              w.rows(),
              w.failedRequests(),
              figures.getOrDefault(
                  w.key().modelVersion()
                      + '\u0000'
                      + w.key().segment()
                      + '\u0000'
                      + w.key().start(),
                  Map.of())));
    }
    call.json(200, new WindowsView(config.deployment(), range.from(), range.to(), items));
  }

  private void window(ApiCall call) {
    Project project = project(call);
    MonitorConfig config = config(call, project);
    Instant start = instant("start", call.pathParam("start"), FieldError.path("start", ""));
    List<MonitorWindow> windows =
        monitors.windows(
            config.deployment(),
            Optional.empty(),
            Optional.empty(),
            start,
            start.plusMillis(1),
            true);
    if (windows.isEmpty()) {
      throw new ApiException.NotFound(
          "deployment '" + config.deployment() + "' has no monitor window starting at " + start);
    }
    Map<String, List<MetricPoint>> points = new HashMap<>();
    for (MetricPoint p :
        monitors.points(
            new PointQuery(
                config.deployment(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                start,
                start.plusMillis(1),
                false,
                MAX_ITEMS * 10))) {
      points
          .computeIfAbsent(p.modelVersion() + '\u0000' + p.segment(), k -> new ArrayList<>())
          .add(p);
    }
    List<GroupView> groups = new ArrayList<>();
    for (MonitorWindow w : windows) {
      groups.add(
          group(
              config,
              w.key().modelVersion(),
              w.key().segment(),
              start,
              w.end(),
              w.rows(),
              w.failedRequests(),
              MonitorRunner.decode(w),
              points.getOrDefault(
                  w.key().modelVersion() + '\u0000' + w.key().segment(), List.of())));
    }
    call.json(200, new DetailView(config.deployment(), start, reference(config), groups));
  }

  private GroupView group(
      MonitorConfig config,
      String version,
      String segment,
      Instant start,
      Instant end,
      long rows,
      long failed,
      Optional<WindowSketch> sketch,
      List<MetricPoint> points) {
    Map<String, List<PointView>> figures = new LinkedHashMap<>();
    for (MetricPoint p : points) {
      figures.computeIfAbsent(section(p.metric()), k -> new ArrayList<>()).add(point(p));
    }
    DriftTable drift = drift(config, version, sketch);
    Lineage.Reference reference = lineage.reference(config, version);
    List<CheckView> checks = new ArrayList<>();
    if (sketch.isPresent() && reference.suite().isPresent() && sketch.get().rows() > 0) {
      SuiteFigures.evaluate(reference.suite().get(), sketch.get().inputs(), end)
          .checks()
          .forEach(c -> checks.add(CheckView.of(c)));
    }
    return new GroupView(
        version,
        segment,
        start,
        end,
        rows,
        failed,
        figures,
        drift.features(),
        drift.skipped(),
        checks,
        reference.suiteProblem(),
        sketch.flatMap(ConfidenceView::of));
  }

  /**
   * The drift table of a stored window, as its detail in the API shows it: computed from the
   * window's sketch (read with {@code sketches}) and the reference's profile, never from the
   * prediction log.
   */
  public DriftTable drift(MonitorConfig config, MonitorWindow window) {
    return drift(config, window.key().modelVersion(), MonitorRunner.decode(window));
  }

  private DriftTable drift(MonitorConfig config, String version, Optional<WindowSketch> sketch) {
    List<DriftView> drift = new ArrayList<>();
    List<SkippedView> skipped = new ArrayList<>();
    Lineage.Reference reference = lineage.reference(config, version);
    if (sketch.isPresent() && reference.profile().isPresent() && sketch.get().rows() > 0) {
      List<String> features =
          sketch.get().schema().inputs().stream().map(WindowSketchSchema.Input::name).toList();
      DriftFigures.Comparison comparison =
          DriftFigures.compare(
              reference.profile().get(), sketch.get().inputs(), features, Optional.empty());
      for (DriftFigures.ColumnDrift c : comparison.features()) {
        DriftResult r = c.result();
        drift.add(
            new DriftView(
                c.column(),
                r.method().name().toLowerCase(java.util.Locale.ROOT),
                r.statistic(),
                r.pValue(),
                r.effectSize(),
                r.threshold().effectSize(),
                r.threshold().alpha(),
                r.drifted(),
                r.referenceCount(),
                r.currentCount(),
                DriftFigures.measures(reference.profile().get(), sketch.get().inputs(), c.column())
                    .stream()
                    .map(MeasureView::of)
                    .toList()));
      }
      comparison.skipped().forEach(s -> skipped.add(new SkippedView(s.column(), s.reason())));
    } else if (reference.profile().isEmpty()) {
      skipped.add(new SkippedView("*", reference.note()));
    }
    return new DriftTable(drift, skipped);
  }

  /* Which part of a window's detail a figure belongs to. */
  private static String section(MonitorMetric metric) {
    return switch (metric) {
      case ROWS, THROUGHPUT, ERROR_RATE -> "traffic";
      case LATENCY_P50_MS, LATENCY_P95_MS, LATENCY_P99_MS -> "latency";
      case MISSING_SHARE,
          SCHEMA_VIOLATION_SHARE,
          OUT_OF_RANGE_SHARE,
          UNSEEN_CATEGORY_SHARE,
          QUALITY_SCORE,
          CHECKS_FAILED ->
          "quality";
      case FEATURE_DRIFT,
          FEATURE_DRIFT_PREVIOUS,
          DRIFT_DETECTED,
          DRIFTED_FEATURE_SHARE,
          PREDICTION_DRIFT ->
          "drift";
      case LABEL_COVERAGE, ACCURACY, PRECISION, RECALL, F1, ROC_AUC, LOG_LOSS, MAE, RMSE, R2 ->
          "performance";
      case MEAN_CONFIDENCE,
          ESTIMATED_ACCURACY,
          ESTIMATED_PRECISION,
          ESTIMATED_RECALL,
          ESTIMATED_F1,
          ESTIMATED_ROC_AUC ->
          "estimated_performance";
      case OUTCOME_RATE, OUTCOME_MEAN -> "outcomes";
    };
  }

  // ---------------------------------------------------------------- series and summary

  private void figures(ApiCall call) {
    Project project = project(call);
    MonitorConfig config = config(call, project);
    String label =
        call.queryParam("metric")
            .orElseThrow(
                () ->
                    new ApiException.ValidationFailed(
                        FieldError.query("metric", "metric is required, such as latency_p99_ms")));
    MonitorMetric metric =
        MonitorMetric.parse(label)
            .orElseThrow(
                () ->
                    new ApiException.ValidationFailed(
                        FieldError.query(
                            "metric",
                            "unknown metric '"
                                + label
                                + "'; metrics are "
                                + java.util.Arrays.stream(MonitorMetric.values())
                                    .map(MonitorMetric::label)
                                    .toList())));
    Optional<String> column = call.queryParam("column");
    if (metric.columnUse() == MonitorMetric.ColumnUse.REQUIRED && column.isEmpty()) {
      throw new ApiException.ValidationFailed(
          FieldError.query("column", metric.label() + " is about a column; name it with column="));
    }
    Range range = range(call, config);
    List<MetricPoint> points =
        monitors.points(
            new PointQuery(
                config.deployment(),
                Optional.of(metric),
                Optional.of(column.orElse("")),
                Optional.of(call.queryParam("version").orElse(MetricPoint.ALL_VERSIONS)),
                Optional.of(call.queryParam("segment").orElse(MetricPoint.ALL_ROWS)),
                range.from(),
                range.to(),
                false,
                MAX_ITEMS));
    call.json(
        200,
        new SeriesView(
            config.deployment(),
            metric.label(),
            points.stream().map(MonitoringApi::point).toList()));
  }

  private void summary(ApiCall call) {
    Project project = project(call);
    MonitorConfig config = config(call, project);
    Range range = range(call, config);
    Optional<String> versionFilter = call.queryParam("version");
    List<MonitorWindow> windows =
        monitors.windows(
            config.deployment(), versionFilter, Optional.empty(), range.from(), range.to(), true);
    record Merged(long[] counts, WindowSketch[] sketch, Instant[] end) {}
    Map<String, Merged> merged = new LinkedHashMap<>();
    for (MonitorWindow w : windows) {
      Merged m =
          merged.computeIfAbsent(
              w.key().modelVersion() + '\u0000' + w.key().segment(),
              k -> new Merged(new long[2], new WindowSketch[1], new Instant[] {w.end()}));
      m.counts()[0] += w.rows();
      m.counts()[1] += w.failedRequests();
      if (w.end().isAfter(m.end()[0])) {
        m.end()[0] = w.end();
      }
      Optional<WindowSketch> s = MonitorRunner.decode(w);
      if (s.isPresent()) {
        try {
          m.sketch()[0] = m.sketch()[0] == null ? s.get() : m.sketch()[0].merge(s.get());
        } catch (IllegalArgumentException e) {
          // windows of another signature are counted, not merged
        }
      }
    }
    Instant from = windows.isEmpty() ? range.from() : windows.getFirst().key().start();
    List<GroupView> groups = new ArrayList<>();
    merged.forEach(
        (key, m) -> {
          String[] parts = key.split("\u0000", -1);
          Instant end = m.end()[0];
          FigureScope scope = new FigureScope(config.deployment(), parts[0], parts[1], from, end);
          Lineage.Reference reference = lineage.reference(config, parts[0]);
          List<MetricPoint> points =
              SketchFigures.of(
                  scope,
                  m.counts()[0],
                  m.counts()[1],
                  Optional.ofNullable(m.sketch()[0]),
                  Optional.empty(),
                  reference.profile(),
                  reference.suite(),
                  Optional.empty());
          groups.add(
              group(
                  config,
                  parts[0],
                  parts[1],
                  from,
                  end,
                  m.counts()[0],
                  m.counts()[1],
                  Optional.ofNullable(m.sketch()[0]),
                  points));
        });
    call.json(200, new DetailView(config.deployment(), from, reference(config), groups));
  }

  // ---------------------------------------------------------------- helpers

  private record Range(Instant from, Instant to) {}

  private Range range(ApiCall call, MonitorConfig config) {
    Optional<Instant> to =
        call.queryParam("to").map(t -> instant("to", t, FieldError.query("to", "")));
    Optional<Instant> from =
        call.queryParam("from").map(t -> instant("from", t, FieldError.query("from", "")));
    Instant end = to.orElse(clock.instant().plus(config.window()));
    Instant start = from.orElse(end.minus(DEFAULT_RANGE));
    if (!end.isAfter(start)) {
      throw new ApiException.ValidationFailed(
          FieldError.query("to", "to (" + end + ") must be after from (" + start + ")"));
    }
    return new Range(start, end);
  }

  private static Instant instant(String name, String text, FieldError where) {
    try {
      Instant at = Instant.parse(text);
      if (at.isBefore(Instant.EPOCH) || at.isAfter(END_OF_TIME)) {
        throw new DateTimeParseException("out of range", text, 0);
      }
      return at;
    } catch (DateTimeParseException e) {
      throw new ApiException.ValidationFailed(
          where.withMessage(
              name
                  + " must be an ISO-8601 instant such as 2026-11-20T10:00:00Z, found '"
                  + text
                  + "'"));
    }
  }

  private static PointView point(MetricPoint p) {
    return new PointView(
        p.modelVersion(),
        p.segment(),
        p.windowStart(),
        p.windowEnd(),
        p.metric().label(),
        p.column().isEmpty() ? Optional.empty() : Optional.of(p.column()),
        p.value(),
        p.count(),
        p.lower(),
        p.upper());
  }

  private Project project(ApiCall call) {
    String name = call.pathParam("project");
    checkName("project", name, FieldError.path("project", ""));
    return projects
        .findByName(name)
        .orElseThrow(() -> new ApiException.NotFound("no project named '" + name + "'"));
  }

  private MonitorConfig config(ApiCall call, Project project) {
    String name = call.pathParam("name");
    checkName("deployment", name, FieldError.path("name", ""));
    return monitors
        .config(name)
        .filter(c -> c.projectId().equals(project.id()))
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

  private static ApiException invalid(String pointer, String message) {
    return new ApiException.ValidationFailed(FieldError.body(pointer, message));
  }

  @Override
  public JsonNode openApi(ObjectMapper mapper) {
    return OpenApiDocument.load(mapper, MonitoringApi.class, "monitoring-openapi.json");
  }

  MonitorRunner runner() {
    return runner;
  }
}
