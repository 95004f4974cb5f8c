package dev.tend.alert;

import static java.util.Objects.requireNonNull;

import dev.tend.alert.AlertRule.Severity;
import dev.tend.alert.Condition.Anomaly;
import dev.tend.alert.Condition.Baseline;
import dev.tend.alert.Condition.Change;
import dev.tend.alert.Condition.Direction;
import dev.tend.alert.Condition.Op;
import dev.tend.alert.Condition.Threshold;
import dev.tend.checks.SourceLocation;
import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.MonitorMetric;
import dev.tend.schema.Names;
import dev.tend.yaml.YamlNodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Reads alert rules written in YAML (or JSON, which is read the same way) and writes their
 * canonical form. Errors point at the line and column and say what would be right; an unknown
 * metric lists the known ones. See docs/alerts.md for the format. Thread-safe.
 */
public final class AlertRules {
  /** Top-level keys of a rule. */
  public static final List<String> KEYS =
      List.of(
          "name",
          "metric",
          "column",
          "deployment",
          "model_version",
          "segment",
          "condition",
          "for",
          "severity",
          "labels",
          "annotations",
          "notify",
          "repeat_interval");

  /** The kinds of condition, each written as a one-key mapping. */
  public static final List<String> CONDITIONS = List.of("threshold", "change", "anomaly");

  static final List<String> THRESHOLD_KEYS = List.of("op", "value");
  static final List<String> CHANGE_KEYS =
      List.of("baseline", "windows", "reference", "by", "direction");
  static final List<String> ANOMALY_KEYS = List.of("windows", "min_history", "z", "direction");
  static final List<String> ANNOTATION_KEYS = List.of("summary", "description");

  /** The anomaly defaults: the last 24 windows, at least 8 of them, |z| of 3.5 either way. */
  public static final int DEFAULT_ANOMALY_WINDOWS = 24;

  public static final int DEFAULT_MIN_HISTORY = 8;
  public static final double DEFAULT_Z = 3.5;

  private static final Pattern DURATION =
      Pattern.compile("(?:(\\d{1,6})d)?(?:(\\d{1,6})h)?(?:(\\d{1,6})m)?(?:(\\d{1,6})s)?");
  private static final Pattern THRESHOLD = Pattern.compile("(<=|>=|<|>)\\s*(\\S+)");

  private AlertRules() {}

  /** The names of every metric, in the order {@link MonitorMetric} declares them. */
  public static List<String> metricNames() {
    return Arrays.stream(MonitorMetric.values()).map(MonitorMetric::label).toList();
  }

  /**
   * Reads one rule from YAML or JSON {@code text}. The rule's {@code name} may be left out when
   * {@code expectedName} gives it; when both are given they must agree.
   *
   * @param file names the text in messages, such as {@code f1-low.yaml}
   * @throws AlertRuleException when the text is not a valid rule
   */
  public static AlertRule parse(String text, String file, Optional<String> expectedName) {
    requireNonNull(text, "text is null");
    requireNonNull(file, "file is null");
    requireNonNull(expectedName, "expectedName is null");
    Node root;
    try {
      LoadSettings settings =
          LoadSettings.builder().setLabel(file).setAllowDuplicateKeys(false).build();
      root =
          new Compose(settings)
              .composeString(text)
              .orElseThrow(
                  () ->
                      new AlertRuleException(
                          new SourceLocation(file, 1, 1),
                          "",
                          "the rule is empty; it needs at least name, metric and condition"));
    } catch (MarkedYamlEngineException e) {
      SourceLocation at =
          e.getProblemMark()
              .map(m -> new SourceLocation(file, m.getLine() + 1, m.getColumn() + 1))
              .orElse(new SourceLocation(file, 0, 0));
      throw new AlertRuleException(at, "", "invalid YAML: " + firstLine(e.getProblem()));
    } catch (YamlEngineException e) {
      throw new AlertRuleException(
          new SourceLocation(file, 0, 0), "", "invalid YAML: " + firstLine(e.getMessage()));
    }
    return new Reader(file).rule(root, expectedName);
  }

  /**
   * The rule in its canonical form, as nested maps, lists, texts and numbers (for JSON): every
   * setting spelt out, defaults included.
   */
  public static Map<String, Object> describe(AlertRule rule) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", rule.name());
    out.put("metric", rule.metric().label());
    if (!rule.column().isEmpty()) {
      out.put("column", rule.column());
    }
    out.put("deployment", rule.deployment());
    out.put("model_version", rule.modelVersion());
    if (!rule.segment().isEmpty()) {
      out.put("segment", rule.segment());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    String kind;
    switch (rule.condition()) {
      case Threshold t -> {
        kind = "threshold";
        body.put("op", t.op().symbol());
        body.put("value", t.value());
      }
      case Change c -> {
        kind = "change";
        switch (c.baseline()) {
          case Baseline.Previous p -> {
            body.put("baseline", "previous");
            body.put("windows", p.windows());
          }
          case Baseline.First f -> body.put("baseline", "first");
          case Baseline.Reference r -> {
            body.put("baseline", "reference");
            body.put("reference", r.value());
          }
        }
        body.put("by", c.relative() ? RuleEvaluation.format(100 * c.amount()) + "%" : c.amount());
        body.put("direction", c.direction().label());
      }
      case Anomaly a -> {
        kind = "anomaly";
        body.put("windows", a.windows());
        body.put("min_history", a.minHistory());
        body.put("z", a.z());
        body.put("direction", a.direction().label());
      }
    }
    out.put("condition", Map.of(kind, body));
    out.put("for", rule.forWindows());
    out.put("severity", rule.severity().label());
    out.put("labels", new TreeMap<>(rule.labels()));
    Map<String, Object> annotations = new LinkedHashMap<>();
    annotations.put("summary", rule.summary());
    annotations.put("description", rule.description());
    out.put("annotations", annotations);
    out.put("notify", rule.channels());
    out.put("repeat_interval", formatDuration(rule.repeatInterval()));
    return out;
  }

  /** The shortest spelling of a duration rules accept, such as {@code 1h30m}. */
  public static String formatDuration(Duration duration) {
    long seconds = duration.getSeconds();
    StringBuilder text = new StringBuilder();
    long[] sizes = {86_400, 3_600, 60, 1};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (seconds >= sizes[i]) {
        text.append(seconds / sizes[i]).append(units[i]);
        seconds %= sizes[i];
      }
    }
    return text.isEmpty() ? "0s" : text.toString();
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "cannot be read";
    }
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  /* One parse: the YAML helpers, and the field being read for the errors' field paths. */
  private static final class Reader {
    private final YamlNodes<AlertRuleException> yaml;
    private String field = "";

    Reader(String file) {
      this.yaml =
          new YamlNodes<>(file, (at, message) -> new AlertRuleException(at, field, message));
    }

    AlertRule rule(Node root, Optional<String> expectedName) {
      Map<String, Node> entries = yaml.mapping(root, "an alert rule");
      yaml.allowOnly(root, entries, KEYS, "an alert rule");

      field = "name";
      Optional<String> written = yaml.optionalString(entries, "name");
      String name;
      if (written.isPresent()) {
        name = written.get();
        if (expectedName.isPresent() && !expectedName.get().equals(name)) {
          throw yaml.error(
              entries.get("name"),
              "the rule is named '"
                  + name
                  + "' but was sent as '"
                  + expectedName.get()
                  + "'; make them agree, or leave out 'name'");
        }
      } else {
        name =
            expectedName.orElseThrow(
                () -> yaml.error(root, "an alert rule needs 'name', such as name: f1-low"));
      }
      if (!AlertRule.NAME.matcher(name).matches()) {
        throw yaml.error(
            entries.getOrDefault("name", root),
            "rule name '"
                + name
                + "' must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter"
                + " or digit");
      }

      field = "metric";
      String metricName = yaml.requiredString(root, entries, "metric", "an alert rule");
      MonitorMetric metric =
          MonitorMetric.parse(metricName.trim().toLowerCase(Locale.ROOT))
              .orElseThrow(
                  () ->
                      yaml.error(
                          entries.get("metric"),
                          "unknown metric '"
                              + metricName
                              + "'"
                              + Names.closest(metricName, metricNames())
                                  .map(c -> "; did you mean '" + c + "'?")
                                  .orElse("")
                              + " Known metrics: "
                              + String.join(", ", metricNames())));

      field = "column";
      String column = yaml.optionalString(entries, "column").orElse(AlertRule.NO_COLUMN).trim();
      switch (metric.columnUse()) {
        case NONE -> {
          if (entries.containsKey("column")) {
            throw yaml.error(
                entries.get("column"),
                metric.label()
                    + " is a whole-window figure and has no column; drop 'column' (metrics with"
                    + " a column: "
                    + String.join(
                        ", ",
                        Arrays.stream(MonitorMetric.values())
                            .filter(m -> m.columnUse() != MonitorMetric.ColumnUse.NONE)
                            .map(MonitorMetric::label)
                            .toList())
                    + ")");
          }
        }
        case REQUIRED -> {
          if (column.isEmpty()) {
            throw yaml.error(
                entries.getOrDefault("column", root),
                metric.label()
                    + " is about one column: add column: NAME, or column: '*' for every column");
          }
        }
        case OPTIONAL -> {}
      }
      if (!column.isEmpty() && !column.equals(AlertRule.EVERY) && column.length() > 200) {
        throw yaml.error(entries.get("column"), "column must be at most 200 characters");
      }

      field = "deployment";
      String deployment = yaml.optionalString(entries, "deployment").orElse(AlertRule.EVERY);
      if (!deployment.equals(AlertRule.EVERY) && !AlertRule.NAME.matcher(deployment).matches()) {
        throw yaml.error(
            entries.get("deployment"),
            "deployment must be a deployment's name, or '*' for all of the project's deployments;"
                + " found '"
                + deployment
                + "'");
      }

      field = "model_version";
      String version =
          yaml.optionalString(entries, "model_version").orElse(MetricPoint.ALL_VERSIONS);
      if (!version.equals(MetricPoint.ALL_VERSIONS) && !version.equals(AlertRule.EACH_VERSION)) {
        throw yaml.error(
            entries.get("model_version"),
            "model_version must be '*' (the deployment's whole traffic, the default) or 'each'"
                + " (every model version separately); found '"
                + version
                + "'");
      }

      field = "segment";
      String segment = yaml.optionalString(entries, "segment").orElse(MetricPoint.ALL_ROWS);
      if (!segment.isEmpty() && !segment.matches("[^=\\s]+=.+")) {
        throw yaml.error(
            entries.get("segment"),
            "segment must be column=value, such as origin=JFK; found '" + segment + "'");
      }

      field = "condition";
      Node conditionNode = entries.get("condition");
      if (conditionNode == null) {
        throw yaml.error(
            root,
            "an alert rule needs 'condition': one of "
                + String.join(", ", CONDITIONS)
                + ", such as condition: {threshold: {op: '<', value: 0.5}}");
      }
      Condition condition = condition(conditionNode);

      field = "for";
      int forWindows = 1;
      if (entries.containsKey("for")) {
        long n = yaml.integer(entries.get("for"), "for");
        if (n < 1 || n > Condition.MAX_HISTORY) {
          throw yaml.error(
              entries.get("for"),
              "for is a number of consecutive windows, 1 to "
                  + Condition.MAX_HISTORY
                  + "; found "
                  + n);
        }
        forWindows = (int) n;
      }

      field = "severity";
      Severity severity = Severity.WARNING;
      if (entries.containsKey("severity")) {
        String text = yaml.string(entries.get("severity"), "severity");
        severity =
            Severity.parse(text.trim().toLowerCase(Locale.ROOT))
                .orElseThrow(
                    () ->
                        yaml.error(
                            entries.get("severity"),
                            "severity must be critical, warning or info; found '" + text + "'"));
      }

      field = "labels";
      Map<String, String> labels = new LinkedHashMap<>();
      if (entries.containsKey("labels")) {
        Map<String, Node> labelNodes = yaml.mapping(entries.get("labels"), "labels");
        for (Map.Entry<String, Node> label : labelNodes.entrySet()) {
          field = "labels." + label.getKey();
          if (!label.getKey().matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
            throw yaml.error(
                yaml.keyNodes(entries.get("labels")).get(label.getKey()),
                "label name '"
                    + label.getKey()
                    + "' must be letters, digits and '_', starting with a letter or '_'");
          }
          labels.put(label.getKey(), yaml.string(label.getValue(), "label " + label.getKey()));
        }
      }

      field = "annotations";
      String summary = AlertRule.DEFAULT_SUMMARY;
      String description = "";
      if (entries.containsKey("annotations")) {
        Node node = entries.get("annotations");
        Map<String, Node> annotations = yaml.mapping(node, "annotations");
        yaml.allowOnly(node, annotations, ANNOTATION_KEYS, "annotations");
        for (Map.Entry<String, Node> a : annotations.entrySet()) {
          field = "annotations." + a.getKey();
          String text = yaml.string(a.getValue(), a.getKey());
          try {
            Templates.check(text, a.getKey());
          } catch (IllegalArgumentException e) {
            throw yaml.error(a.getValue(), e.getMessage());
          }
          if (a.getKey().equals("summary")) {
            summary = text;
          } else {
            description = text;
          }
        }
      }

      field = "notify";
      List<String> notify = new ArrayList<>();
      if (entries.containsKey("notify")) {
        for (Node channel : yaml.sequence(entries.get("notify"), "notify")) {
          String name0 = yaml.string(channel, "a channel");
          if (!AlertRule.NAME.matcher(name0).matches()) {
            throw yaml.error(channel, "channel '" + name0 + "' is not a valid channel name");
          }
          if (notify.contains(name0)) {
            throw yaml.error(channel, "channel '" + name0 + "' is listed twice");
          }
          notify.add(name0);
        }
      }

      field = "repeat_interval";
      Duration repeat = AlertRule.DEFAULT_REPEAT;
      if (entries.containsKey("repeat_interval")) {
        Node node = entries.get("repeat_interval");
        repeat = duration(node);
        if (repeat.compareTo(Duration.ofMinutes(1)) < 0) {
          throw yaml.error(node, "repeat_interval must be at least 1m");
        }
      }

      field = "";
      try {
        return new AlertRule(
            name,
            metric,
            column,
            deployment,
            version,
            segment,
            condition,
            forWindows,
            severity,
            labels,
            summary,
            description,
            notify,
            repeat);
      } catch (IllegalArgumentException e) {
        throw yaml.error(root, e.getMessage());
      }
    }

    private Condition condition(Node node) {
      Map<String, Node> kinds = yaml.mapping(node, "condition");
      yaml.allowOnly(node, kinds, CONDITIONS, "condition");
      if (kinds.size() != 1) {
        throw yaml.error(
            node,
            "condition takes exactly one of "
                + String.join(", ", CONDITIONS)
                + "; found "
                + (kinds.isEmpty() ? "none" : String.join(", ", kinds.keySet())));
      }
      Map.Entry<String, Node> only = kinds.entrySet().iterator().next();
      field = "condition." + only.getKey();
      Node body = only.getValue();
      try {
        return switch (only.getKey()) {
          case "threshold" -> threshold(body);
          case "change" -> change(body);
          case "anomaly" -> anomaly(body);
          default -> throw new IllegalStateException(only.getKey());
        };
      } catch (IllegalArgumentException e) {
        throw yaml.error(body, e.getMessage());
      }
    }

    private Threshold threshold(Node node) {
      if (node instanceof ScalarNode) {
        String text = yaml.string(node, "threshold").trim();
        Matcher matcher = THRESHOLD.matcher(text);
        if (!matcher.matches()) {
          throw yaml.error(
              node, "threshold must be an operator and a number, such as '< 0.5'; found " + text);
        }
        try {
          return new Threshold(Op.parse(matcher.group(1)).orElseThrow(), number(matcher, node));
        } catch (NumberFormatException e) {
          throw yaml.error(node, "threshold needs a number after " + matcher.group(1));
        }
      }
      Map<String, Node> entries = yaml.mapping(node, "threshold");
      yaml.allowOnly(node, entries, THRESHOLD_KEYS, "threshold");
      field = "condition.threshold.op";
      String opText = yaml.requiredString(node, entries, "op", "threshold");
      Op op =
          Op.parse(opText)
              .orElseThrow(
                  () ->
                      yaml.error(
                          entries.get("op"),
                          "op must be one of <, <=, >, >=; found '" + opText + "'"));
      field = "condition.threshold.value";
      Node value = entries.get("value");
      if (value == null) {
        throw yaml.error(node, "threshold needs 'value'");
      }
      return new Threshold(op, finite(value, "value"));
    }

    private double number(Matcher matcher, Node node) {
      double value = Double.parseDouble(matcher.group(2));
      if (!Double.isFinite(value)) {
        throw yaml.error(node, "threshold must be a finite number");
      }
      return value;
    }

    private Change change(Node node) {
      Map<String, Node> entries = yaml.mapping(node, "change");
      yaml.allowOnly(node, entries, CHANGE_KEYS, "change");
      field = "condition.change.baseline";
      String kind = yaml.optionalString(entries, "baseline").orElse("previous");
      Baseline baseline =
          switch (kind) {
            case "previous" -> {
              field = "condition.change.windows";
              long windows =
                  entries.containsKey("windows")
                      ? yaml.integer(entries.get("windows"), "windows")
                      : 1;
              if (windows < 1 || windows > Condition.MAX_HISTORY) {
                throw yaml.error(
                    entries.get("windows"),
                    "windows must be 1 to " + Condition.MAX_HISTORY + "; found " + windows);
              }
              yield new Baseline.Previous((int) windows);
            }
            case "first" -> new Baseline.First();
            case "reference" -> {
              field = "condition.change.reference";
              Node reference = entries.get("reference");
              if (reference == null) {
                throw yaml.error(
                    node, "a reference baseline needs 'reference', the value to compare with");
              }
              yield new Baseline.Reference(finite(reference, "reference"));
            }
            default ->
                throw yaml.error(
                    entries.get("baseline"),
                    "baseline must be previous (the mean of the previous 'windows' windows),"
                        + " first (the first window after deployment) or reference; found '"
                        + kind
                        + "'");
          };
      if (entries.containsKey("windows") && !(baseline instanceof Baseline.Previous)) {
        field = "condition.change.windows";
        throw yaml.error(entries.get("windows"), "windows applies to baseline: previous only");
      }
      if (entries.containsKey("reference") && !(baseline instanceof Baseline.Reference)) {
        field = "condition.change.reference";
        throw yaml.error(entries.get("reference"), "reference applies to baseline: reference only");
      }
      field = "condition.change.by";
      Node by = entries.get("by");
      if (by == null) {
        throw yaml.error(
            node,
            "change needs 'by': an absolute amount such as 0.05, or a relative one such as 20%");
      }
      String byText = yaml.string(by, "by").trim();
      boolean relative = byText.endsWith("%");
      double amount = relative ? yaml.percentOrMore(by, "by") / 100 : yaml.number(by, "by");
      if (!(amount > 0) || !Double.isFinite(amount)) {
        throw yaml.error(by, "by must be more than 0; found " + byText);
      }
      field = "condition.change.direction";
      Direction direction = direction(entries);
      return new Change(baseline, amount, relative, direction);
    }

    private Anomaly anomaly(Node node) {
      Map<String, Node> entries =
          node instanceof ScalarNode s && YamlNodes.isNull(s)
              ? Map.of()
              : yaml.mapping(node, "anomaly");
      if (node instanceof MappingNode) {
        yaml.allowOnly(node, entries, ANOMALY_KEYS, "anomaly");
      }
      field = "condition.anomaly.windows";
      long windows =
          entries.containsKey("windows")
              ? yaml.integer(entries.get("windows"), "windows")
              : DEFAULT_ANOMALY_WINDOWS;
      if (windows < 3 || windows > Condition.MAX_HISTORY) {
        throw yaml.error(
            entries.getOrDefault("windows", node),
            "windows must be 3 to " + Condition.MAX_HISTORY + "; found " + windows);
      }
      field = "condition.anomaly.min_history";
      long minHistory =
          entries.containsKey("min_history")
              ? yaml.integer(entries.get("min_history"), "min_history")
              : Math.min(DEFAULT_MIN_HISTORY, windows);
      if (minHistory < 3 || minHistory > windows) {
        throw yaml.error(
            entries.getOrDefault("min_history", node),
            "min_history must be 3 to windows (" + windows + "); found " + minHistory);
      }
      field = "condition.anomaly.z";
      double z = entries.containsKey("z") ? finite(entries.get("z"), "z") : DEFAULT_Z;
      if (z <= 0) {
        throw yaml.error(entries.get("z"), "z must be more than 0; found " + z);
      }
      field = "condition.anomaly.direction";
      return new Anomaly((int) windows, (int) minHistory, z, direction(entries));
    }

    private Direction direction(Map<String, Node> entries) {
      Node node = entries.get("direction");
      if (node == null) {
        return Direction.EITHER;
      }
      String text = yaml.string(node, "direction").trim().toLowerCase(Locale.ROOT);
      return switch (text) {
        case "up" -> Direction.UP;
        case "down" -> Direction.DOWN;
        case "either" -> Direction.EITHER;
        default ->
            throw yaml.error(node, "direction must be up, down or either; found '" + text + "'");
      };
    }

    private double finite(Node node, String what) {
      double value = yaml.number(node, what);
      if (!Double.isFinite(value)) {
        throw yaml.error(node, what + " must be a finite number");
      }
      return value;
    }

    private Duration duration(Node node) {
      String text = yaml.string(node, "repeat_interval").trim();
      Matcher matcher = DURATION.matcher(text);
      if (text.isEmpty() || !matcher.matches()) {
        throw yaml.error(
            node,
            "repeat_interval must be a whole number with a unit (s, m, h or d), such as 30m, 4h"
                + " or 1d; found '"
                + text
                + "'");
      }
      Duration total = Duration.ZERO;
      long[] seconds = {86_400, 3_600, 60, 1};
      for (int group = 1; group <= 4; group++) {
        String digits = matcher.group(group);
        if (digits != null) {
          total = total.plusSeconds(Long.parseLong(digits) * seconds[group - 1]);
        }
      }
      if (total.compareTo(Duration.ofDays(30)) > 0) {
        throw yaml.error(node, "repeat_interval must be at most 30d; found " + text);
      }
      return total;
    }
  }
}
