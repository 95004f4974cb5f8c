package dev.tend.automation;

import static java.util.Objects.requireNonNull;

import dev.tend.automation.AutomationPolicy.Approval;
import dev.tend.automation.AutomationPolicy.Canary;
import dev.tend.automation.AutomationPolicy.Gate;
import dev.tend.automation.AutomationPolicy.GateMetric;
import dev.tend.automation.AutomationPolicy.Guardrails;
import dev.tend.automation.AutomationPolicy.On;
import dev.tend.automation.AutomationPolicy.Retrain;
import dev.tend.checks.SourceLocation;
import dev.tend.pipeline.Durations;
import dev.tend.pipeline.PipelineException;
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
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads automation policies written in YAML (or JSON, read the same way) and writes their canonical
 * form, every default spelt out. Errors point at the line and column and say what would be right.
 * See docs/automation.md and schemas/automation.schema.json. Thread-safe.
 */
public final class AutomationPolicies {
  /** Top-level keys of a policy. */
  public static final List<String> KEYS =
      List.of(
          "version",
          "name",
          "description",
          "deployment",
          "on",
          "retrain",
          "gate",
          "canary",
          "promote_alias",
          "approval",
          "guardrails");

  static final List<String> ON_KEYS = List.of("rules", "severities");
  static final List<String> RETRAIN_KEYS = List.of("pipeline", "params");
  static final List<String> GATE_KEYS =
      List.of("metric", "min_improvement", "rows", "min_rows", "wait");
  static final List<String> CANARY_KEYS =
      List.of("percent", "window", "windows", "failed_windows", "min_requests", "max_quality_drop");
  static final List<String> GUARDRAIL_KEYS = List.of("cooldown", "max_per_day");
  static final List<String> SEVERITIES = List.of("critical", "warning", "info");

  /** The defaults of everything optional. */
  public static final double DEFAULT_MIN_IMPROVEMENT = 0;

  public static final int DEFAULT_ROWS = 20_000;
  public static final int DEFAULT_MIN_ROWS = 200;
  public static final Duration DEFAULT_WAIT = Duration.ofMinutes(10);
  public static final int DEFAULT_PERCENT = 10;
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
  public static final int DEFAULT_WINDOWS = 5;
  public static final int DEFAULT_FAILED_WINDOWS = 2;
  public static final int DEFAULT_MIN_REQUESTS = 50;
  public static final Duration DEFAULT_COOLDOWN = Duration.ofHours(1);
  public static final int DEFAULT_MAX_PER_DAY = 3;

  /** The most labelled predictions a gate reads. */
  public static final int MAX_ROWS = 200_000;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  private AutomationPolicies() {}

  /**
   * Reads one policy from YAML or JSON {@code text}. The policy's {@code name} may be left out when
   * {@code expectedName} gives it; when both are given they must agree.
   *
   * @param file names the text in messages, such as {@code retrain.yaml}
   * @throws AutomationPolicyException when the text is not a valid policy
   */
  public static AutomationPolicy parse(String text, String file, Optional<String> expectedName) {
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
                      new AutomationPolicyException(
                          new SourceLocation(file, 1, 1),
                          "",
                          "the policy is empty; it needs at least name, deployment, on and"
                              + " retrain"));
    } catch (MarkedYamlEngineException e) {
      SourceLocation at =
          e.getProblemMark()
              .map(m -> new SourceLocation(file, m.getLine() + 1, m.getColumn() + 1))
              .orElse(new SourceLocation(file, 0, 0));
      throw new AutomationPolicyException(at, "", "invalid YAML: " + firstLine(e.getProblem()));
    } catch (YamlEngineException e) {
      throw new AutomationPolicyException(
          new SourceLocation(file, 0, 0), "", "invalid YAML: " + firstLine(e.getMessage()));
    }
    return new Reader(file).policy(root, expectedName);
  }

  /** The policy in its canonical form, as nested maps, lists, texts and numbers (for JSON). */
  public static Map<String, Object> describe(AutomationPolicy p) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("version", 1);
    out.put("name", p.name());
    out.put("description", p.description());
    out.put("deployment", p.deployment());
    Map<String, Object> on = new LinkedHashMap<>();
    on.put("rules", p.on().rules());
    on.put("severities", p.on().severities());
    out.put("on", on);
    Map<String, Object> retrain = new LinkedHashMap<>();
    retrain.put("pipeline", p.retrain().pipeline());
    retrain.put("params", new TreeMap<>(p.retrain().params()));
    out.put("retrain", retrain);
    Map<String, Object> gate = new LinkedHashMap<>();
    gate.put("metric", p.gate().metric().label());
    gate.put("min_improvement", p.gate().minImprovement());
    gate.put("rows", p.gate().rows());
    gate.put("min_rows", p.gate().minRows());
    gate.put("wait", Durations.format(p.gate().maxWait()));
    out.put("gate", gate);
    Map<String, Object> canary = new LinkedHashMap<>();
    canary.put("percent", p.canary().percent());
    canary.put("window", Durations.format(p.canary().window()));
    canary.put("windows", p.canary().windows());
    canary.put("failed_windows", p.canary().failedWindows());
    canary.put("min_requests", p.canary().minRequests());
    if (p.canary().maxQualityDrop().isPresent()) {
      canary.put("max_quality_drop", p.canary().maxQualityDrop().getAsDouble());
    }
    out.put("canary", canary);
    p.promoteAlias().ifPresent(a -> out.put("promote_alias", a));
    out.put("approval", p.approval().label());
    Map<String, Object> guardrails = new LinkedHashMap<>();
    guardrails.put("cooldown", Durations.format(p.guardrails().cooldown()));
    guardrails.put("max_per_day", p.guardrails().maxPerDay());
    out.put("guardrails", guardrails);
    return out;
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
    private final YamlNodes<AutomationPolicyException> yaml;
    private String field = "";

    Reader(String file) {
      this.yaml =
          new YamlNodes<>(file, (at, message) -> new AutomationPolicyException(at, field, message));
    }

    AutomationPolicy policy(Node root, Optional<String> expectedName) {
      Map<String, Node> entries = yaml.mapping(root, "an automation policy");
      yaml.allowOnly(root, entries, KEYS, "an automation policy");

      field = "version";
      if (entries.containsKey("version")) {
        long version = yaml.integer(entries.get("version"), "version");
        if (version != 1) {
          throw yaml.error(
              entries.get("version"),
              "version must be 1, the only policy format; found " + version);
        }
      }

      field = "name";
      Optional<String> written = yaml.optionalString(entries, "name");
      String name;
      if (written.isPresent()) {
        name = written.get();
        if (expectedName.isPresent() && !expectedName.get().equals(name)) {
          throw yaml.error(
              entries.get("name"),
              "the policy is named '"
                  + name
                  + "' but was sent as '"
                  + expectedName.get()
                  + "'; make them agree, or leave out 'name'");
        }
      } else {
        name =
            expectedName.orElseThrow(
                () ->
                    yaml.error(
                        root, "an automation policy needs 'name', such as name: retrain-delays"));
      }
      if (!AutomationPolicy.NAME.matcher(name).matches()) {
        throw yaml.error(
            entries.getOrDefault("name", root),
            "policy name '"
                + name
                + "' must be 1 to 100 lowercase letters, digits, '.', '_' or '-', starting with a"
                + " letter or digit");
      }

      field = "description";
      String description = yaml.optionalString(entries, "description").orElse("");

      field = "deployment";
      String deployment =
          yaml.requiredString(root, entries, "deployment", "an automation policy").trim();
      requireName(entries.get("deployment"), deployment, "deployment");

      field = "on";
      On on = on(root, entries.get("on"));

      field = "retrain";
      Retrain retrain = retrain(root, entries.get("retrain"));

      field = "gate";
      Gate gate = gate(entries.get("gate"));

      field = "canary";
      Canary canary = canary(entries.get("canary"));

      field = "promote_alias";
      Optional<String> alias = yaml.optionalString(entries, "promote_alias").map(String::trim);
      if (alias.isPresent() && !ALIAS.matcher(alias.get()).matches()) {
        throw yaml.error(
            entries.get("promote_alias"),
            "promote_alias must be an alias name such as production: letters, digits, '.', '_'"
                + " or '-'; found '"
                + alias.get()
                + "'");
      }

      field = "approval";
      Approval approval = Approval.PROD;
      if (entries.containsKey("approval")) {
        String text = yaml.string(entries.get("approval"), "approval").trim();
        approval =
            Arrays.stream(Approval.values())
                .filter(a -> a.label().equals(text.toLowerCase(Locale.ROOT)))
                .findFirst()
                .orElseThrow(
                    () ->
                        yaml.error(
                            entries.get("approval"),
                            "approval must be never, prod (approve before a prod deployment) or"
                                + " always; found '"
                                + text
                                + "'"));
      }

      field = "guardrails";
      Guardrails guardrails = guardrails(entries.get("guardrails"));

      return new AutomationPolicy(
          name, description, deployment, on, retrain, gate, canary, alias, approval, guardrails);
    }

    private On on(Node root, Node node) {
      if (node == null) {
        throw yaml.error(
            root,
            "an automation policy needs 'on': the alert rules that trigger it, such as on:"
                + " {rules: [auc-drop]}");
      }
      Map<String, Node> entries = yaml.mapping(node, "on");
      yaml.allowOnly(node, entries, ON_KEYS, "on");
      field = "on.rules";
      Node rulesNode = entries.get("rules");
      if (rulesNode == null) {
        throw yaml.error(node, "on needs 'rules': a list of alert rule names");
      }
      List<String> rules = names(rulesNode, "on.rules", "an alert rule name");
      if (rules.isEmpty()) {
        throw yaml.error(rulesNode, "on.rules must name at least one alert rule");
      }
      field = "on.severities";
      List<String> severities = new ArrayList<>();
      if (entries.containsKey("severities")) {
        for (Node s : yaml.sequence(entries.get("severities"), "on.severities")) {
          String text = yaml.string(s, "a severity").trim().toLowerCase(Locale.ROOT);
          if (!SEVERITIES.contains(text)) {
            throw yaml.error(s, "a severity is critical, warning or info; found '" + text + "'");
          }
          if (!severities.contains(text)) {
            severities.add(text);
          }
        }
      }
      return new On(rules, severities);
    }

    private Retrain retrain(Node root, Node node) {
      if (node == null) {
        throw yaml.error(
            root,
            "an automation policy needs 'retrain': the stored pipeline to run, such as retrain:"
                + " {pipeline: retrain-delays}");
      }
      Map<String, Node> entries = yaml.mapping(node, "retrain");
      yaml.allowOnly(node, entries, RETRAIN_KEYS, "retrain");
      field = "retrain.pipeline";
      String pipeline = yaml.requiredString(node, entries, "pipeline", "retrain").trim();
      requireName(entries.get("pipeline"), pipeline, "retrain.pipeline");
      field = "retrain.params";
      Map<String, String> params = new LinkedHashMap<>();
      if (entries.containsKey("params")) {
        for (Map.Entry<String, Node> p :
            yaml.mapping(entries.get("params"), "retrain.params").entrySet()) {
          field = "retrain.params." + p.getKey();
          params.put(p.getKey(), yaml.string(p.getValue(), "parameter " + p.getKey()));
        }
      }
      return new Retrain(pipeline, params);
    }

    private Gate gate(Node node) {
      Map<String, Node> entries = node == null ? Map.of() : yaml.mapping(node, "gate");
      if (node != null) {
        yaml.allowOnly(node, entries, GATE_KEYS, "gate");
      }
      field = "gate.metric";
      GateMetric metric = GateMetric.ROC_AUC;
      List<String> known = Arrays.stream(GateMetric.values()).map(GateMetric::label).toList();
      if (entries.containsKey("metric")) {
        String text = yaml.string(entries.get("metric"), "gate.metric").trim();
        metric =
            GateMetric.parse(text.toLowerCase(Locale.ROOT))
                .orElseThrow(
                    () ->
                        yaml.error(
                            entries.get("metric"),
                            "unknown gate metric '"
                                + text
                                + "'"
                                + Names.closest(text, known)
                                    .map(c -> "; did you mean '" + c + "'?")
                                    .orElse("")
                                + " Known metrics: "
                                + String.join(", ", known)));
      }
      field = "gate.min_improvement";
      double minImprovement = DEFAULT_MIN_IMPROVEMENT;
      if (entries.containsKey("min_improvement")) {
        minImprovement = yaml.number(entries.get("min_improvement"), "gate.min_improvement");
        if (!Double.isFinite(minImprovement)) {
          throw yaml.error(entries.get("min_improvement"), "gate.min_improvement must be finite");
        }
      }
      field = "gate.rows";
      int rows = count(entries.get("rows"), "gate.rows", DEFAULT_ROWS, 1, MAX_ROWS);
      field = "gate.min_rows";
      int minRows =
          count(
              entries.get("min_rows"), "gate.min_rows", Math.min(DEFAULT_MIN_ROWS, rows), 1, rows);
      field = "gate.wait";
      Duration wait = duration(entries.get("wait"), "gate.wait", DEFAULT_WAIT, false);
      return new Gate(metric, minImprovement, rows, minRows, wait);
    }

    private Canary canary(Node node) {
      Map<String, Node> entries = node == null ? Map.of() : yaml.mapping(node, "canary");
      if (node != null) {
        yaml.allowOnly(node, entries, CANARY_KEYS, "canary");
      }
      field = "canary.percent";
      int percent = count(entries.get("percent"), "canary.percent", DEFAULT_PERCENT, 1, 99);
      field = "canary.window";
      Duration window = duration(entries.get("window"), "canary.window", DEFAULT_WINDOW, false);
      if (window.compareTo(Duration.ofDays(1)) > 0) {
        throw yaml.error(entries.get("window"), "canary.window must be at most 1d");
      }
      field = "canary.windows";
      int windows = count(entries.get("windows"), "canary.windows", DEFAULT_WINDOWS, 1, 1_000);
      field = "canary.failed_windows";
      int failed =
          count(
              entries.get("failed_windows"),
              "canary.failed_windows",
              DEFAULT_FAILED_WINDOWS,
              1,
              100);
      field = "canary.min_requests";
      int minRequests =
          count(
              entries.get("min_requests"),
              "canary.min_requests",
              DEFAULT_MIN_REQUESTS,
              1,
              1_000_000);
      field = "canary.max_quality_drop";
      OptionalDouble drop = OptionalDouble.empty();
      if (entries.containsKey("max_quality_drop")) {
        double d = yaml.number(entries.get("max_quality_drop"), "canary.max_quality_drop");
        if (!(d >= 0) || !Double.isFinite(d)) {
          throw yaml.error(
              entries.get("max_quality_drop"),
              "canary.max_quality_drop is how much worse the canary may be on the gate's metric,"
                  + " 0 or more; found "
                  + d);
        }
        drop = OptionalDouble.of(d);
      }
      return new Canary(percent, window, windows, failed, minRequests, drop);
    }

    private Guardrails guardrails(Node node) {
      Map<String, Node> entries = node == null ? Map.of() : yaml.mapping(node, "guardrails");
      if (node != null) {
        yaml.allowOnly(node, entries, GUARDRAIL_KEYS, "guardrails");
      }
      field = "guardrails.cooldown";
      Duration cooldown =
          duration(entries.get("cooldown"), "guardrails.cooldown", DEFAULT_COOLDOWN, true);
      field = "guardrails.max_per_day";
      int maxPerDay =
          count(
              entries.get("max_per_day"), "guardrails.max_per_day", DEFAULT_MAX_PER_DAY, 1, 1_000);
      return new Guardrails(cooldown, maxPerDay);
    }

    private int count(Node node, String what, int fallback, int min, int max) {
      if (node == null) {
        return fallback;
      }
      long n = yaml.integer(node, what);
      if (n < min || n > max) {
        throw yaml.error(node, what + " must be from " + min + " to " + max + "; found " + n);
      }
      return (int) n;
    }

    private Duration duration(Node node, String what, Duration fallback, boolean zeroAllowed) {
      if (node == null) {
        return fallback;
      }
      String text = yaml.string(node, what).trim();
      if (zeroAllowed && text.matches("0+[smhd]?")) {
        return Duration.ZERO;
      }
      try {
        return Durations.parse(text);
      } catch (PipelineException e) {
        throw yaml.error(node, what + ": " + e.getMessage());
      }
    }

    private List<String> names(Node node, String what, String each) {
      List<String> names = new ArrayList<>();
      for (Node n : yaml.sequence(node, what)) {
        String text = yaml.string(n, each).trim();
        requireName(n, text, each);
        if (names.contains(text)) {
          throw yaml.error(n, each + " '" + text + "' is listed twice in " + what);
        }
        names.add(text);
      }
      return names;
    }

    private void requireName(Node node, String text, String what) {
      if (!NAME.matcher(text).matches()) {
        throw yaml.error(
            node,
            what
                + " must be a name of 1 to 100 letters, digits, '.', '_' or '-', starting with a"
                + " letter or digit; found '"
                + text
                + "'");
      }
    }
  }
}
