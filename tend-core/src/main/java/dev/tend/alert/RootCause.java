package dev.tend.alert;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Why an alert fired, as far as a window's figures tell: the features that drifted (largest effect
 * first, with the window where each began to drift), the columns whose data quality broke against
 * the earlier windows, the reference suite's checks failing on the live inputs, the segments whose
 * performance dropped most below the whole traffic's, and the model and dataset versions involved.
 * Built by {@link RootCauseAnalysis}; stored with the alert and shown by the API, the CLI and the
 * alert channels (docs/alerts.md, "Root cause").
 *
 * @param window the firing window
 * @param deployment the deployment watched
 * @param model the model version the window's traffic went to, when the registry knows it
 * @param datasets the dataset versions the model was trained on (the monitor's reference)
 * @param driftedFeatures drifted features, largest effect first
 * @param quality per-column quality figures that broke, largest excess over the baseline first
 * @param failingChecks checks of the reference dataset's suite failing on the inputs, suite order
 * @param segments segments whose performance is furthest below the whole traffic's, worst first
 * @param summary one sentence naming the top causes
 */
public record RootCause(
    Window window,
    String deployment,
    Optional<Model> model,
    List<Dataset> datasets,
    List<DriftedFeature> driftedFeatures,
    List<QualityIssue> quality,
    List<FailingCheck> failingChecks,
    List<SegmentDrop> segments,
    String summary) {
  public RootCause {
    requireNonNull(window, "window is null");
    requireNonNull(deployment, "deployment is null");
    requireNonNull(model, "model is null");
    datasets = List.copyOf(requireNonNull(datasets, "datasets is null"));
    driftedFeatures = List.copyOf(requireNonNull(driftedFeatures, "driftedFeatures is null"));
    quality = List.copyOf(requireNonNull(quality, "quality is null"));
    failingChecks = List.copyOf(requireNonNull(failingChecks, "failingChecks is null"));
    segments = List.copyOf(requireNonNull(segments, "segments is null"));
    requireNonNull(summary, "summary is null");
  }

  /** A window: its first instant and its end, excluded. */
  public record Window(Instant start, Instant end) {
    public Window {
      requireNonNull(start, "start is null");
      requireNonNull(end, "end is null");
    }
  }

  /**
   * A registered model version.
   *
   * @param name the registered model's name
   * @param version its version number (or an external model's version text)
   * @param runId the tracking run that produced it, if known
   */
  public record Model(String name, String version, Optional<String> runId) {
    public Model {
      requireNonNull(name, "name is null");
      requireNonNull(version, "version is null");
      requireNonNull(runId, "runId is null");
    }
  }

  /** A dataset version, by its dataset's name and version number. */
  public record Dataset(String name, String version) {
    public Dataset {
      requireNonNull(name, "name is null");
      requireNonNull(version, "version is null");
    }
  }

  /**
   * A feature that drifted from the reference in the firing window.
   *
   * @param column the feature
   * @param method the drift method that decided, such as {@code wasserstein}; empty when only the
   *     stored figures were at hand
   * @param effect its effect size
   * @param threshold the effect size at which the method calls drift, when the method is known
   * @param since the start of the first window of the feature's current run of drifted windows
   */
  public record DriftedFeature(
      String column,
      Optional<String> method,
      double effect,
      OptionalDouble threshold,
      Instant since) {
    public DriftedFeature {
      requireNonNull(column, "column is null");
      requireNonNull(method, "method is null");
      requireNonNull(threshold, "threshold is null");
      requireNonNull(since, "since is null");
    }
  }

  /**
   * A quality figure of a column that broke.
   *
   * @param column the column, or empty for the whole window (schema violations)
   * @param metric the figure's name, such as {@code missing_share}
   * @param value its value in the firing window
   * @param baseline its mean over the earlier windows; empty when there were none
   */
  public record QualityIssue(String column, String metric, double value, OptionalDouble baseline) {
    public QualityIssue {
      requireNonNull(column, "column is null");
      requireNonNull(metric, "metric is null");
      requireNonNull(baseline, "baseline is null");
    }
  }

  /**
   * A suite check failing on the live inputs.
   *
   * @param check the check's name in the suite, such as {@code completeness(origin)}
   * @param columns the columns it reads
   * @param observed what the inputs showed
   */
  public record FailingCheck(String check, List<String> columns, String observed) {
    public FailingCheck {
      requireNonNull(check, "check is null");
      columns = List.copyOf(requireNonNull(columns, "columns is null"));
      requireNonNull(observed, "observed is null");
    }
  }

  /**
   * A segment performing worse than the whole traffic.
   *
   * @param segment {@code column=value}
   * @param metric the performance figure compared, such as {@code accuracy}
   * @param value the segment's value
   * @param baseline the value over all rows of the window
   * @param drop how much worse the segment is (positive; lower-is-better metrics are turned round)
   * @param rows the labelled rows the segment's value rests on
   */
  public record SegmentDrop(
      String segment, String metric, double value, double baseline, double drop, long rows) {
    public SegmentDrop {
      requireNonNull(segment, "segment is null");
      requireNonNull(metric, "metric is null");
    }
  }

  /** Whether the report found any cause at all. */
  public boolean empty() {
    return driftedFeatures.isEmpty()
        && quality.isEmpty()
        && failingChecks.isEmpty()
        && segments.isEmpty();
  }

  /**
   * Up to {@code top} lines each of the drifted features, broken quality figures, failing checks
   * and weaker segments, for messages: {@code drift: distance wasserstein 0.93 (threshold 0.4)
   * since 2026-11-20T01:00:00Z}.
   */
  public List<String> highlights(int top) {
    if (top < 0) {
      throw new IllegalArgumentException("top must not be negative: " + top);
    }
    List<String> lines = new ArrayList<>();
    quality.stream().limit(top).forEach(q -> lines.add("quality: " + RootCauseAnalysis.line(q)));
    driftedFeatures.stream()
        .limit(top)
        .forEach(d -> lines.add("drift: " + RootCauseAnalysis.line(d)));
    failingChecks.stream()
        .limit(top)
        .forEach(c -> lines.add("check failing: " + c.check() + " (" + c.observed() + ")"));
    segments.stream().limit(top).forEach(s -> lines.add("segment: " + RootCauseAnalysis.line(s)));
    return lines;
  }
}
