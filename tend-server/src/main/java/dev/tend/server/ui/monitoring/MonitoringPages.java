package dev.tend.server.ui.monitoring;

import static java.util.Objects.requireNonNull;

import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.MonitorMetric;
import dev.tend.monitors.MonitorConfig;
import dev.tend.monitors.MonitorRepository;
import dev.tend.monitors.MonitorWindow;
import dev.tend.monitors.PointQuery;
import dev.tend.pipeline.Durations;
import dev.tend.projects.Project;
import dev.tend.server.monitoring.MonitoringApi;
import dev.tend.server.ui.Charts;
import dev.tend.server.ui.Section;
import dev.tend.server.ui.UiArea;
import dev.tend.server.ui.UiException;
import dev.tend.server.ui.UiResponse;
import dev.tend.server.ui.UiRoutes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The monitoring pages: every monitored deployment of a project with its latest window's key
 * figures, and one deployment's drift heat map, performance with label coverage, data quality
 * against accuracy, and the latest window's per-feature drift. They read the figures the monitor
 * stored per window (and the latest window's sketch for the drift table), never the prediction log.
 * Thread-safe.
 */
public final class MonitoringPages implements UiArea {
  /** The most windows a deployment's charts show: the latest ones. */
  static final int MAX_WINDOWS = 200;

  private static final int MAX_DEPLOYMENTS = 200;

  /* Per-feature figures of all the windows shown: up to 250 features each. */
  private static final int MAX_FEATURE_POINTS = MAX_WINDOWS * 250;
  private static final Instant END_OF_TIME = Instant.parse("+10000-01-01T00:00:00Z");

  /* Performance figures of classifiers, then of regressors, as lines against label coverage. */
  private static final List<MonitorMetric> CLASSIFIER =
      List.of(MonitorMetric.ACCURACY, MonitorMetric.F1, MonitorMetric.ROC_AUC);
  private static final List<MonitorMetric> REGRESSOR =
      List.of(MonitorMetric.RMSE, MonitorMetric.MAE);

  private static final Set<MonitorMetric> SHARES =
      EnumSet.of(MonitorMetric.ACCURACY, MonitorMetric.F1, MonitorMetric.ROC_AUC);

  /* The figure set against data quality: the first a deployment has. */
  private static final List<MonitorMetric> ACCURACY_LIKE =
      List.of(MonitorMetric.ACCURACY, MonitorMetric.R2, MonitorMetric.RMSE, MonitorMetric.MAE);

  private final MonitorRepository monitors;
  private final MonitoringApi api;

  public MonitoringPages(MonitorRepository monitors, MonitoringApi api) {
    this.monitors = requireNonNull(monitors, "monitors is null");
    this.api = requireNonNull(api, "api is null");
  }

  /** A figure with its metric's label, such as {@code accuracy 0.93}. */
  public record Figure(String metric, double value) {
    public Figure {
      requireNonNull(metric, "metric is null");
    }
  }

  /** One monitored deployment on the list, with its latest window's figures. */
  public record MonitorRow(
      String deployment,
      String window,
      boolean enabled,
      String reference,
      Optional<Instant> lastWindow,
      long rows,
      Optional<Double> driftedShare,
      Optional<Double> quality,
      Optional<Figure> accuracy,
      Optional<Double> labelCoverage) {
    public MonitorRow {
      requireNonNull(deployment, "deployment is null");
      requireNonNull(window, "window is null");
      requireNonNull(reference, "reference is null");
      requireNonNull(lastWindow, "lastWindow is null");
      requireNonNull(driftedShare, "driftedShare is null");
      requireNonNull(quality, "quality is null");
      requireNonNull(accuracy, "accuracy is null");
      requireNonNull(labelCoverage, "labelCoverage is null");
    }

    /** ok without drift, warn when some features drifted, bad when half or more did. */
    public String driftBadge() {
      return driftedShare.map(s -> s >= 0.5 ? "bad" : s > 0 ? "warn" : "ok").orElse("");
    }

    /** ok from 95% of checks passed, warn from 80%, bad below. */
    public String qualityBadge() {
      return quality.map(q -> q >= 0.95 ? "ok" : q >= 0.8 ? "warn" : "bad").orElse("");
    }
  }

  /** The model of {@code monitoring/list.jte}. */
  public record ListPage(String project, List<MonitorRow> rows) {
    public ListPage {
      requireNonNull(project, "project is null");
      rows = List.copyOf(requireNonNull(rows, "rows is null"));
    }
  }

  /** One feature of the latest window's table. */
  public record FeatureRow(
      String column,
      Optional<MonitoringApi.DriftView> drift,
      Optional<Double> storedEffect,
      Optional<Double> missingShare) {
    public FeatureRow {
      requireNonNull(column, "column is null");
      requireNonNull(drift, "drift is null");
      requireNonNull(storedEffect, "storedEffect is null");
      requireNonNull(missingShare, "missingShare is null");
    }
  }

  /** Charts as ECharts options; empty when the figures they draw were never stored. */
  public record ChartsView(
      Optional<String> heatmap, Optional<String> performance, Optional<String> qualityAccuracy) {
    public ChartsView {
      requireNonNull(heatmap, "heatmap is null");
      requireNonNull(performance, "performance is null");
      requireNonNull(qualityAccuracy, "qualityAccuracy is null");
    }
  }

  /** The model of {@code monitoring/deployment.jte}. */
  public record DeploymentPage(
      String project,
      String deployment,
      String window,
      boolean enabled,
      String reference,
      String version,
      String segment,
      List<String> versions,
      List<String> segments,
      int windows,
      int windowsWithFigures,
      Optional<Instant> lastWindow,
      ChartsView charts,
      String thresholds,
      List<FeatureRow> features,
      List<MonitoringApi.SkippedView> skipped) {
    public DeploymentPage {
      requireNonNull(project, "project is null");
      requireNonNull(deployment, "deployment is null");
      requireNonNull(window, "window is null");
      requireNonNull(reference, "reference is null");
      requireNonNull(version, "version is null");
      requireNonNull(segment, "segment is null");
      versions = List.copyOf(requireNonNull(versions, "versions is null"));
      segments = List.copyOf(requireNonNull(segments, "segments is null"));
      requireNonNull(lastWindow, "lastWindow is null");
      requireNonNull(charts, "charts is null");
      requireNonNull(thresholds, "thresholds is null");
      features = List.copyOf(requireNonNull(features, "features is null"));
      skipped = List.copyOf(requireNonNull(skipped, "skipped is null"));
    }
  }

  @Override
  public void routes(UiRoutes routes) {
    routes.get(
        "/projects/{project}/monitoring",
        call -> {
          Project project = call.project();
          return UiResponse.page(
              "monitoring/list.jte", call.chrome("Monitoring", Section.MONITORING), list(project));
        });
    routes.get(
        "/projects/{project}/monitoring/{deployment}",
        call -> {
          Project project = call.project();
          String name = call.path("deployment");
          MonitorConfig config =
              monitors
                  .config(name)
                  .filter(c -> c.projectId().equals(project.id()))
                  .orElseThrow(
                      () ->
                          UiException.notFound(
                              "project '"
                                  + project.name()
                                  + "' has no deployment named '"
                                  + name
                                  + "'"));
          return UiResponse.page(
              "monitoring/deployment.jte",
              call.chrome(name + " · Monitoring", Section.MONITORING),
              deployment(
                  project,
                  config,
                  call.query("version").orElse(MetricPoint.ALL_VERSIONS),
                  call.query("segment").orElse(MetricPoint.ALL_ROWS)));
        });
  }

  // ---------------------------------------------------------------- the list

  private ListPage list(Project project) {
    List<MonitorRow> rows = new ArrayList<>();
    for (MonitorConfig config : monitors.all()) {
      if (!config.projectId().equals(project.id())) {
        continue;
      }
      if (rows.size() == MAX_DEPLOYMENTS) {
        break;
      }
      Optional<MetricPoint> newest =
          newest(config.deployment(), MetricPoint.ALL_VERSIONS, MetricPoint.ALL_ROWS);
      Map<MonitorMetric, Double> latest = new EnumMap<>(MonitorMetric.class);
      newest.ifPresent(
          n ->
              points(
                      config.deployment(),
                      Optional.empty(),
                      Optional.of(""),
                      MetricPoint.ALL_VERSIONS,
                      MetricPoint.ALL_ROWS,
                      n.windowStart(),
                      n.windowStart().plusMillis(1),
                      MonitorMetric.values().length)
                  .forEach(p -> latest.put(p.metric(), p.value())));
      rows.add(
          new MonitorRow(
              config.deployment(),
              Durations.format(config.window()),
              config.enabled(),
              reference(config),
              newest.map(MetricPoint::windowStart),
              newest.map(p -> (long) p.value()).orElse(0L),
              Optional.ofNullable(latest.get(MonitorMetric.DRIFTED_FEATURE_SHARE)),
              Optional.ofNullable(latest.get(MonitorMetric.QUALITY_SCORE)),
              ACCURACY_LIKE.stream()
                  .filter(latest::containsKey)
                  .findFirst()
                  .map(m -> new Figure(label(m), latest.get(m))),
              Optional.ofNullable(latest.get(MonitorMetric.LABEL_COVERAGE))));
    }
    return new ListPage(project.name(), rows);
  }

  // ---------------------------------------------------------------- one deployment

  private DeploymentPage deployment(
      Project project, MonitorConfig config, String version, String segment) {
    String deployment = config.deployment();
    Optional<MetricPoint> newest = newest(deployment, version, segment);
    List<String> versions = new ArrayList<>(List.of(MetricPoint.ALL_VERSIONS));
    List<String> segments = new ArrayList<>(List.of(MetricPoint.ALL_ROWS));
    ChartsView charts = new ChartsView(Optional.empty(), Optional.empty(), Optional.empty());
    List<FeatureRow> features = List.of();
    List<MonitoringApi.SkippedView> skipped = List.of();
    String thresholds = "";
    int windows = 0;
    int windowsWithFigures = 0;
    if (newest.isPresent()) {
      Instant last = newest.get().windowStart();
      Instant to = last.plusMillis(1);
      Instant from = last.minus(config.window().multipliedBy(MAX_WINDOWS - 1L));
      /* The versions and segments of the latest window of any version, to choose from. */
      Optional<MetricPoint> newestOfAll =
          newest(deployment, MetricPoint.ALL_VERSIONS, MetricPoint.ALL_ROWS);
      Instant choices = newestOfAll.map(MetricPoint::windowStart).orElse(last);
      TreeSet<String> versionSet = new TreeSet<>();
      TreeSet<String> segmentSet = new TreeSet<>();
      for (MonitorWindow w :
          monitors.windows(
              deployment,
              Optional.empty(),
              Optional.empty(),
              choices,
              choices.plusMillis(1),
              false)) {
        versionSet.add(w.key().modelVersion());
        segmentSet.add(w.key().segment());
      }
      versionSet.remove(MetricPoint.ALL_VERSIONS);
      segmentSet.remove(MetricPoint.ALL_ROWS);
      versions.addAll(versionSet);
      segments.addAll(segmentSet);

      List<MetricPoint> rowsPoints =
          points(
              deployment,
              Optional.of(MonitorMetric.ROWS),
              Optional.of(""),
              version,
              segment,
              from,
              to,
              MAX_WINDOWS);
      Instant first = rowsPoints.isEmpty() ? last : rowsPoints.getFirst().windowStart();
      Timeline timeline = Timeline.of(config.window(), first, last, MAX_WINDOWS);
      windows = timeline.starts().size();
      windowsWithFigures = rowsPoints.size();
      Instant shownFrom = timeline.starts().getFirst();
      /* One read of every whole-window figure shown: one range of the points' key. */
      timeline.add(
          points(
              deployment,
              Optional.empty(),
              Optional.of(""),
              version,
              segment,
              shownFrom,
              to,
              MAX_WINDOWS * MonitorMetric.values().length));
      List<MetricPoint> driftPoints =
          points(
              deployment,
              Optional.of(MonitorMetric.FEATURE_DRIFT),
              Optional.empty(),
              version,
              segment,
              shownFrom,
              to,
              MAX_FEATURE_POINTS);
      timeline.add(driftPoints);

      MonitoringApi.DriftTable table = latestDrift(config, version, segment, last);
      skipped = table.skipped();
      thresholds = thresholds(table);
      features = features(deployment, version, segment, last, table, driftPoints);
      charts = charts(timeline, thresholds);
    }
    return new DeploymentPage(
        project.name(),
        deployment,
        Durations.format(config.window()),
        config.enabled(),
        reference(config),
        version,
        segment,
        versions,
        segments,
        windows,
        windowsWithFigures,
        newest.map(MetricPoint::windowStart),
        charts,
        thresholds,
        features,
        skipped);
  }

  /** The drift table of the latest window, from its stored sketch (one window read). */
  private MonitoringApi.DriftTable latestDrift(
      MonitorConfig config, String version, String segment, Instant start) {
    List<MonitorWindow> latest =
        monitors.windows(
            config.deployment(),
            Optional.of(version),
            Optional.of(segment),
            start,
            start.plusMillis(1),
            true);
    return latest.isEmpty()
        ? new MonitoringApi.DriftTable(List.of(), List.of())
        : api.drift(config, latest.getFirst());
  }

  private List<FeatureRow> features(
      String deployment,
      String version,
      String segment,
      Instant last,
      MonitoringApi.DriftTable table,
      List<MetricPoint> driftPoints) {
    Map<String, Double> missing = new HashMap<>();
    for (MetricPoint p :
        points(
            deployment,
            Optional.of(MonitorMetric.MISSING_SHARE),
            Optional.empty(),
            version,
            segment,
            last,
            last.plusMillis(1),
            MAX_FEATURE_POINTS)) {
      if (!p.column().isEmpty()) {
        missing.put(p.column(), p.value());
      }
    }
    Map<String, Double> stored = new HashMap<>();
    for (MetricPoint p : driftPoints) {
      if (p.windowStart().equals(last)) {
        stored.put(p.column(), p.value());
      }
    }
    Map<String, FeatureRow> rows = new LinkedHashMap<>();
    for (MonitoringApi.DriftView d : table.features()) {
      rows.put(
          d.column(),
          new FeatureRow(
              d.column(),
              Optional.of(d),
              Optional.ofNullable(stored.get(d.column())),
              Optional.ofNullable(missing.get(d.column()))));
    }
    for (String column : new TreeSet<>(missing.keySet())) {
      rows.computeIfAbsent(
          column,
          c ->
              new FeatureRow(
                  c,
                  Optional.empty(),
                  Optional.ofNullable(stored.get(c)),
                  Optional.of(missing.get(c))));
    }
    return List.copyOf(rows.values());
  }

  /* "psi ≥ 0.2, jensen_shannon ≥ 0.1": the effect size at which each method calls drift. */
  static String thresholds(MonitoringApi.DriftTable table) {
    Map<String, Double> byMethod = new java.util.TreeMap<>();
    for (MonitoringApi.DriftView d : table.features()) {
      byMethod.putIfAbsent(d.method(), d.threshold());
    }
    List<String> parts = new ArrayList<>();
    byMethod.forEach(
        (method, threshold) ->
            parts.add(method + " ≥ " + String.format(Locale.ROOT, "%.3g", threshold)));
    return String.join(", ", parts);
  }

  static ChartsView charts(Timeline timeline, String thresholds) {
    Optional<String> heatmap = Optional.empty();
    if (!timeline.features().isEmpty()) {
      heatmap =
          Optional.of(
              Charts.heatmap(
                  thresholds.isEmpty()
                      ? "Feature drift (effect size) by window"
                      : "Feature drift (effect size) by window; drifted at " + thresholds,
                  timeline.labels(),
                  timeline.features(),
                  timeline.driftMatrix(),
                  0,
                  Math.max(timeline.maxDrift(), 1e-6)));
    }
    List<MonitorMetric> scores =
        CLASSIFIER.stream().anyMatch(timeline::has)
            ? CLASSIFIER.stream().filter(timeline::has).toList()
            : REGRESSOR.stream().filter(timeline::has).toList();
    List<Charts.Series> left = new ArrayList<>();
    scores.forEach(m -> left.add(timeline.series(label(m), m)));
    if (timeline.has(MonitorMetric.ESTIMATED_ACCURACY)) {
      left.add(timeline.series("estimated accuracy (CBPE)", MonitorMetric.ESTIMATED_ACCURACY));
    }
    Optional<String> performance = Optional.empty();
    if (!left.isEmpty() || timeline.has(MonitorMetric.LABEL_COVERAGE)) {
      performance =
          Optional.of(
              Charts.twoAxes(
                  "Performance and label coverage by window",
                  scores.isEmpty()
                      ? Charts.Axis.share("score")
                      : axis(scores.getFirst(), label(scores.getFirst())),
                  left,
                  Charts.Axis.share("label coverage"),
                  List.of(timeline.series("label coverage", MonitorMetric.LABEL_COVERAGE))));
    }
    Optional<MonitorMetric> accuracy = ACCURACY_LIKE.stream().filter(timeline::has).findFirst();
    Optional<String> qualityAccuracy = Optional.empty();
    if (timeline.has(MonitorMetric.QUALITY_SCORE) || accuracy.isPresent()) {
      MonitorMetric right = accuracy.orElse(MonitorMetric.ACCURACY);
      qualityAccuracy =
          Optional.of(
              Charts.twoAxes(
                  "Data quality score against " + label(right),
                  Charts.Axis.share("quality score"),
                  List.of(timeline.series("quality score", MonitorMetric.QUALITY_SCORE)),
                  axis(right, label(right)),
                  List.of(timeline.series(label(right), right))));
    }
    return new ChartsView(heatmap, performance, qualityAccuracy);
  }

  /* Accuracy, F1 and AUC are shares; errors (RMSE, MAE) and R2 (negative when worse than the mean) are not. */
  private static Charts.Axis axis(MonitorMetric metric, String name) {
    return SHARES.contains(metric) ? Charts.Axis.share(name) : Charts.Axis.scaled(name);
  }

  // ---------------------------------------------------------------- reads

  private Optional<MetricPoint> newest(String deployment, String version, String segment) {
    return points(
            deployment,
            Optional.of(MonitorMetric.ROWS),
            Optional.of(""),
            version,
            segment,
            Instant.EPOCH,
            END_OF_TIME,
            1,
            true)
        .stream()
        .findFirst();
  }

  private List<MetricPoint> points(
      String deployment,
      Optional<MonitorMetric> metric,
      Optional<String> column,
      String version,
      String segment,
      Instant from,
      Instant to,
      int limit) {
    return points(deployment, metric, column, version, segment, from, to, limit, false);
  }

  private List<MetricPoint> points(
      String deployment,
      Optional<MonitorMetric> metric,
      Optional<String> column,
      String version,
      String segment,
      Instant from,
      Instant to,
      int limit,
      boolean newestFirst) {
    return monitors.points(
        new PointQuery(
            deployment,
            metric,
            column,
            Optional.of(version),
            Optional.of(segment),
            from,
            to,
            newestFirst,
            limit));
  }

  private String reference(MonitorConfig config) {
    return api.reference(config).note();
  }

  static String label(MonitorMetric metric) {
    return switch (metric) {
      case ROC_AUC -> "ROC AUC";
      case F1 -> "F1";
      case RMSE, MAE, R2 -> metric.name();
      default -> metric.label().replace('_', ' ');
    };
  }
}
