package dev.tend.server.monitoring;

import static java.util.Objects.requireNonNull;

import dev.tend.alert.AlertRule;
import dev.tend.alert.RootCause;
import dev.tend.alert.RootCauseAnalysis;
import dev.tend.alert.SeriesKey;
import dev.tend.datasets.DatasetRepository;
import dev.tend.monitor.DriftFigures;
import dev.tend.monitor.FigureScope;
import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.SuiteFigures;
import dev.tend.monitor.WindowSketch;
import dev.tend.monitor.WindowSketchSchema;
import dev.tend.monitors.MonitorConfig;
import dev.tend.monitors.MonitorRepository;
import dev.tend.monitors.PointQuery;
import dev.tend.registry.ModelVersion;
import dev.tend.server.alerting.RootCauses;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Root causes of alerts from what the monitor stored: the figures of the firing window (of every
 * segment) and of up to {@value #EARLIER_WINDOWS} windows before it (of the alert's segment), the
 * window's sketch compared again with the reference for the drift methods and judged again by the
 * reference dataset's suite for the failing checks, and the model and dataset versions from the
 * lineage (registry, run, dataset version). A per-column drift rule's column leads the drifted
 * features, judged by the rule ({@link RootCauseAnalysis.AlertedColumn}). Thread-safe.
 */
public final class WindowRootCauses implements RootCauses {
  /** Windows before the firing one whose figures are the baseline and tell when drift began. */
  public static final int EARLIER_WINDOWS = 48;

  private static final int MAX_POINTS = 200_000;

  private final MonitorRepository monitors;
  private final Lineage lineage;
  private final DatasetRepository datasets;

  WindowRootCauses(MonitorRepository monitors, Lineage lineage, DatasetRepository datasets) {
    this.monitors = requireNonNull(monitors, "monitors is null");
    this.lineage = requireNonNull(lineage, "lineage is null");
    this.datasets = requireNonNull(datasets, "datasets is null");
  }

  @Override
  public Optional<RootCause> explain(
      String projectId, AlertRule rule, SeriesKey key, MetricPoint point) {
    requireNonNull(point, "point is null");
    Optional<MonitorConfig> found = monitors.config(key.deployment());
    if (found.isEmpty()) {
      return Optional.empty();
    }
    MonitorConfig config = found.get();
    Instant start = point.windowStart();
    Instant after = start.plusMillis(1);
    String version = key.modelVersion();
    List<MetricPoint> points = new ArrayList<>();
    points.addAll(
        monitors.points(
            new PointQuery(
                key.deployment(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(version),
                Optional.of(key.segment()),
                start.minus(config.window().multipliedBy(EARLIER_WINDOWS)),
                start,
                false,
                MAX_POINTS)));
    points.addAll(
        monitors.points(
            new PointQuery(
                key.deployment(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(version),
                Optional.empty(),
                start,
                after,
                false,
                MAX_POINTS)));
    Lineage.Reference reference = lineage.reference(config, version);
    Optional<WindowSketch> sketch =
        monitors
            .windows(
                key.deployment(),
                Optional.of(version),
                Optional.of(key.segment()),
                start,
                after,
                true)
            .stream()
            .findFirst()
            .flatMap(MonitorRunner::decode)
            .filter(s -> s.rows() > 0);
    Optional<DriftFigures.Comparison> drift = Optional.empty();
    Optional<SuiteFigures.Report> checks = Optional.empty();
    if (sketch.isPresent()) {
      WindowSketch s = sketch.get();
      List<String> features =
          s.schema().inputs().stream().map(WindowSketchSchema.Input::name).toList();
      drift =
          reference
              .profile()
              .map(p -> DriftFigures.compare(p, s.inputs(), features, Optional.empty()));
      checks = reference.suite().map(x -> SuiteFigures.evaluate(x, s.inputs(), point.windowEnd()));
    }
    return Optional.of(
        RootCauseAnalysis.analyse(
            new RootCauseAnalysis.Input(
                rule.metric(),
                new FigureScope(key.deployment(), version, key.segment(), start, point.windowEnd()),
                points,
                drift,
                reference.suite(),
                checks,
                model(config, version),
                reference.datasetVersionId().flatMap(this::dataset).stream().toList(),
                RootCauseAnalysis.AlertedColumn.of(rule, key))));
  }

  private Optional<RootCause.Model> model(MonitorConfig config, String version) {
    Optional<String> id =
        version.equals(MetricPoint.ALL_VERSIONS)
            ? lineage.stableVersionId(config.deployment())
            : Optional.of(version);
    return id.flatMap(lineage::version).map(WindowRootCauses::model);
  }

  private static RootCause.Model model(ModelVersion v) {
    return new RootCause.Model(v.modelName(), Integer.toString(v.version()), v.runId());
  }

  private Optional<RootCause.Dataset> dataset(String versionId) {
    return datasets
        .versionById(versionId)
        .flatMap(
            v ->
                datasets
                    .get(v.datasetId())
                    .map(d -> new RootCause.Dataset(d.name(), Integer.toString(v.number()))));
  }
}
