package dev.tend.alert;

import static java.util.Objects.requireNonNull;

import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.MonitorMetric;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One alert rule of a project: which figure of which series to watch, the condition a window
 * breaches, for how many consecutive windows before the alert fires, and how to tell people. Each
 * series the rule matches (a deployment, model version, segment and column) is alerted on
 * separately; see docs/alerts.md.
 *
 * @param name unique in its project
 * @param metric the figure watched
 * @param column {@link #NO_COLUMN} for the whole-window figure, {@link #EVERY} for every column
 *     (one alert per column), or a column's name
 * @param deployment a deployment's name, or {@link #EVERY} for all of the project's deployments
 * @param modelVersion {@link MetricPoint#ALL_VERSIONS} for the deployment's whole traffic, or
 *     {@link #EACH_VERSION} for every model version separately
 * @param segment {@link MetricPoint#ALL_ROWS} for all rows, or one segment as {@code column=value}
 * @param condition when a window breaches
 * @param forWindows how many consecutive breaching windows fire the alert (at least 1)
 * @param severity how urgent a firing alert is
 * @param labels added to the alert's labels, for routing and grouping
 * @param summary one line for people; a template with {@code {{value}}} and the like
 * @param description more lines for people; a template too, possibly empty
 * @param channels the channels ({@code notify} in YAML) told about the alert's events
 * @param repeatInterval how often a still firing alert is sent again
 */
public record AlertRule(
    String name,
    MonitorMetric metric,
    String column,
    String deployment,
    String modelVersion,
    String segment,
    Condition condition,
    int forWindows,
    Severity severity,
    Map<String, String> labels,
    String summary,
    String description,
    List<String> channels,
    Duration repeatInterval) {
  /** {@link #column()} or {@link #deployment()} meaning every one. */
  public static final String EVERY = "*";

  /** {@link #column()} of a rule on the whole-window figure. */
  public static final String NO_COLUMN = "";

  /** {@link #modelVersion()} of a rule alerting on every model version separately. */
  public static final String EACH_VERSION = "each";

  /** The repeat interval when a rule sets none (as Alertmanager's default). */
  public static final Duration DEFAULT_REPEAT = Duration.ofHours(4);

  /** The summary when a rule sets none. */
  public static final String DEFAULT_SUMMARY =
      "{{metric}} of {{deployment}}{{for_column}} is {{value}} ({{condition}})";

  /** Rule, label and channel names: a letter or digit, then letters, digits, '.', '_', '-'. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  private static final Pattern SEGMENT = Pattern.compile("[^=\\s]+=.+");

  /** How urgent an alert is. */
  public enum Severity {
    CRITICAL,
    WARNING,
    INFO;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Severity> parse(String text) {
      for (Severity s : values()) {
        if (s.label().equals(text)) {
          return Optional.of(s);
        }
      }
      return Optional.empty();
    }
  }

  public AlertRule {
    requireNonNull(name, "name is null");
    requireNonNull(metric, "metric is null");
    requireNonNull(column, "column is null");
    requireNonNull(deployment, "deployment is null");
    requireNonNull(modelVersion, "modelVersion is null");
    requireNonNull(segment, "segment is null");
    requireNonNull(condition, "condition is null");
    requireNonNull(severity, "severity is null");
    labels = Map.copyOf(requireNonNull(labels, "labels is null"));
    requireNonNull(summary, "summary is null");
    requireNonNull(description, "description is null");
    channels = List.copyOf(requireNonNull(channels, "channels is null"));
    requireNonNull(repeatInterval, "repeatInterval is null");
    requireName("rule name", name);
    switch (metric.columnUse()) {
      case NONE -> {
        if (!column.isEmpty()) {
          throw new IllegalArgumentException(
              metric.label() + " is a whole-window figure: it has no column, so drop 'column'");
        }
      }
      case REQUIRED -> {
        if (column.isEmpty()) {
          throw new IllegalArgumentException(
              metric.label() + " is about one column: set 'column' to a column's name or '*'");
        }
      }
      case OPTIONAL -> {}
    }
    if (!deployment.equals(EVERY)) {
      requireName("deployment", deployment);
    }
    if (!modelVersion.equals(MetricPoint.ALL_VERSIONS) && !modelVersion.equals(EACH_VERSION)) {
      throw new IllegalArgumentException(
          "model_version must be '*' (all traffic) or 'each', got '" + modelVersion + "'");
    }
    if (!segment.isEmpty() && !SEGMENT.matcher(segment).matches()) {
      throw new IllegalArgumentException(
          "segment must be column=value, such as origin=JFK, got '" + segment + "'");
    }
    if (forWindows < 1 || forWindows > Condition.MAX_HISTORY) {
      throw new IllegalArgumentException(
          "for must be 1 to " + Condition.MAX_HISTORY + " windows, got " + forWindows);
    }
    labels.forEach(
        (key, value) -> {
          if (!key.matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
            throw new IllegalArgumentException(
                "label names are letters, digits and '_', starting with a letter or '_'; got '"
                    + key
                    + "'");
          }
        });
    channels.forEach(channel -> requireName("channel", channel));
    if (repeatInterval.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new IllegalArgumentException(
          "repeat_interval must be at least 1m, got " + repeatInterval.toSeconds() + "s");
    }
    Templates.check(summary, "summary");
    Templates.check(description, "description");
  }

  /** Whether {@code point} belongs to a series this rule watches. */
  public boolean matches(MetricPoint point) {
    if (point.metric() != metric) {
      return false;
    }
    if (!deployment.equals(EVERY) && !deployment.equals(point.deployment())) {
      return false;
    }
    boolean allVersions = point.modelVersion().equals(MetricPoint.ALL_VERSIONS);
    if (modelVersion.equals(EACH_VERSION) == allVersions) {
      return false;
    }
    if (!segment.equals(point.segment())) {
      return false;
    }
    return column.equals(EVERY) ? !point.column().isEmpty() : column.equals(point.column());
  }

  private static void requireName(String what, String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          what
              + " '"
              + name
              + "' must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or"
              + " digit");
    }
  }
}
