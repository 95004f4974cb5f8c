package dev.tend.pipeline;

import dev.tend.checks.SourceLocation;
import dev.tend.expr.Expr;
import dev.tend.expr.ExpressionException;
import dev.tend.expr.Expressions;
import dev.tend.pipeline.Step.Body;
import dev.tend.schema.Names;
import dev.tend.yaml.YamlNodes;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Reads pipeline files (YAML, described by {@code schemas/pipeline.schema.json}) and validates
 * them: unknown keys (with "did you mean"), wrong types, duplicate step ids, unknown or cyclic
 * {@code needs}, references to steps that are not upstream, and gate conditions that do not parse
 * or name unknown metrics. Errors point at the file, line and column; the first error wins.
 */
public final class PipelineParser {
  /** Top-level keys. */
  public static final List<String> TOP_KEYS =
      List.of(
          "version",
          "name",
          "description",
          "params",
          "triggers",
          "retries",
          "retry_backoff",
          "timeout",
          "steps");

  /** Keys of a parameter declaration. */
  public static final List<String> PARAM_KEYS = List.of("type", "default", "description");

  /** The trigger kinds, each written as a one-key mapping. */
  public static final List<String> TRIGGER_KINDS = List.of("schedule", "dataset_version", "alert");

  /** Keys of a train step's {@code split}. */
  public static final List<String> SPLIT_KEYS = List.of("method", "column", "date", "fraction");

  /** Keys of a deploy step's {@code rollout}. */
  public static final List<String> ROLLOUT_KEYS =
      List.of("mode", "percent", "sticky_key", "policy");

  /** Keys of a rollout's {@code policy}, as in the deployments API. */
  public static final List<String> POLICY_KEYS =
      List.of(
          "window",
          "min_requests",
          "min_success_rate",
          "max_p99_millis",
          "max_quality_drop",
          "quality_metric",
          "failed_windows",
          "bake",
          "promotion");

  /** The serving environments a deploy step may name. */
  public static final List<String> ENVIRONMENTS = List.of("dev", "staging", "prod");

  private static final Pattern ID = Pattern.compile("[a-z][a-z0-9_-]*");
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]*)}");
  private static final Pattern STEP_REFERENCE =
      Pattern.compile("steps\\.([^.]+)\\.outputs\\.([^.]+)");
  private static final Pattern PARAM_REFERENCE = Pattern.compile("params\\.([^.]+)");
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final Pattern DATASET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  private PipelineParser() {}

  /** Reads and parses a pipeline file. */
  public static Pipeline read(Path file) {
    String label = file.toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new PipelineException(new SourceLocation(label, 0, 0), "pipeline file not found");
    } catch (MalformedInputException e) {
      throw new PipelineException(
          new SourceLocation(label, 0, 0), "pipeline file is not UTF-8 text");
    } catch (IOException e) {
      throw new PipelineException(
          new SourceLocation(label, 0, 0), "cannot read pipeline file: " + e.getMessage());
    }
    return parse(text, label);
  }

  /** Parses pipeline text; {@code file} names it in messages. */
  public static Pipeline parse(String text, String file) {
    Node root;
    try {
      LoadSettings settings =
          LoadSettings.builder().setLabel(file).setAllowDuplicateKeys(false).build();
      root =
          new Compose(settings)
              .composeString(text)
              .orElseThrow(
                  () ->
                      new PipelineException(
                          new SourceLocation(file, 1, 1), "pipeline file is empty"));
    } catch (MarkedYamlEngineException e) {
      SourceLocation at =
          e.getProblemMark()
              .map(m -> new SourceLocation(file, m.getLine() + 1, m.getColumn() + 1))
              .orElse(new SourceLocation(file, 0, 0));
      throw new PipelineException(at, "invalid YAML: " + firstLine(e.getProblem()));
    } catch (YamlEngineException e) {
      throw new PipelineException(
          new SourceLocation(file, 0, 0), "invalid YAML: " + firstLine(e.getMessage()));
    }
    return new Reader(new YamlNodes<>(file, PipelineException::new)).pipeline(root);
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "unreadable";
    }
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  /** A step's header, read before the bodies so references can be checked against the DAG. */
  private record Header(
      String id, StepKind kind, List<String> needs, Node node, Map<String, Node> entries) {}

  /** Holds the state of one parse. */
  private static final class Reader {
    private final YamlNodes<PipelineException> yaml;
    private final Map<String, Header> headers = new LinkedHashMap<>();
    private final Map<String, Set<String>> upstream = new LinkedHashMap<>();
    private final Set<String> params = new HashSet<>();

    Reader(YamlNodes<PipelineException> yaml) {
      this.yaml = yaml;
    }

    Pipeline pipeline(Node root) {
      Map<String, Node> top = yaml.mapping(root, "the pipeline file");
      yaml.allowOnly(root, top, TOP_KEYS, "the pipeline file");
      Node version = top.get("version");
      if (version != null && yaml.integer(version, "version") != 1) {
        throw yaml.error(version, "unsupported version; this Tend reads version 1");
      }
      String name = yaml.requiredString(root, top, "name", "the pipeline file");
      checkId(top.get("name"), name, "pipeline name");
      Optional<String> description = yaml.optionalString(top, "description");
      List<Param> paramList = top.containsKey("params") ? params(top.get("params")) : List.of();
      List<Trigger> triggers =
          top.containsKey("triggers") ? triggers(top.get("triggers")) : List.of();
      int retries =
          top.containsKey("retries") ? retries(top.get("retries")) : Pipeline.DEFAULT_RETRIES;
      Duration backoff =
          optionalDuration(top, "retry_backoff").orElse(Pipeline.DEFAULT_RETRY_BACKOFF);
      Duration timeout = optionalDuration(top, "timeout").orElse(Pipeline.DEFAULT_TIMEOUT);
      Node stepsNode = top.get("steps");
      if (stepsNode == null) {
        throw yaml.error(root, "the pipeline file needs 'steps'");
      }
      List<Node> stepNodes = yaml.sequence(stepsNode, "steps");
      if (stepNodes.isEmpty()) {
        throw yaml.error(stepsNode, "a pipeline needs at least one step");
      }
      for (Node node : stepNodes) {
        Header header = header(node);
        if (headers.containsKey(header.id())) {
          throw yaml.error(
              header.entries().get("id"),
              "duplicate step id '"
                  + header.id()
                  + "' (first at "
                  + yaml.at(headers.get(header.id()).node())
                  + ")");
        }
        headers.put(header.id(), header);
      }
      checkNeeds();
      List<Step> steps = new ArrayList<>();
      for (Header header : headers.values()) {
        Map<String, Node> e = header.entries();
        steps.add(
            new Step(
                header.id(),
                header.needs(),
                body(header),
                optionalDuration(e, "timeout").orElse(Step.DEFAULT_TIMEOUT),
                e.containsKey("retries")
                    ? OptionalInt.of(retries(e.get("retries")))
                    : OptionalInt.empty(),
                yaml.at(header.node())));
      }
      return new Pipeline(name, description, paramList, triggers, steps, retries, backoff, timeout);
    }

    private int retries(Node node) {
      long value = yaml.integer(node, "retries");
      if (value < 0 || value > Pipeline.MAX_RETRIES) {
        throw yaml.error(
            node, "retries must be from 0 to " + Pipeline.MAX_RETRIES + ", found " + value);
      }
      return (int) value;
    }

    private Optional<Duration> optionalDuration(Map<String, Node> entries, String key) {
      Node node = entries.get(key);
      if (node == null) {
        return Optional.empty();
      }
      try {
        return Optional.of(Durations.parse(yaml.string(node, key)));
      } catch (PipelineException e) {
        if (!e.location().equals(SourceLocation.UNKNOWN)) {
          throw e;
        }
        throw yaml.error(node, key + ": " + e.getMessage());
      }
    }

    /** A row filter handed to the engine as written; only emptiness is checked here. */
    private Optional<String> where(Map<String, Node> entries) {
      Node node = entries.get("where");
      if (node == null) {
        return Optional.empty();
      }
      String text = yaml.string(node, "where").trim();
      if (text.isEmpty()) {
        throw yaml.error(
            node, "where must be a row filter such as date >= DATE '2001-01-25', found nothing");
      }
      return Optional.of(text);
    }

    private void checkId(Node node, String id, String what) {
      if (!ID.matcher(id).matches()) {
        throw yaml.error(
            node,
            what
                + " '"
                + id
                + "' must start with a lowercase letter and use only a-z, 0-9, '_' and '-'");
      }
    }

    private List<Param> params(Node node) {
      List<Param> result = new ArrayList<>();
      for (var entry : yaml.mapping(node, "params").entrySet()) {
        String name = entry.getKey();
        Node declaration = entry.getValue();
        String what = "param '" + name + "'";
        Map<String, Node> keys = yaml.mapping(declaration, what);
        yaml.allowOnly(declaration, keys, PARAM_KEYS, what);
        String typeText = yaml.requiredString(declaration, keys, "type", what);
        Param.Type type =
            switch (typeText) {
              case "string" -> Param.Type.STRING;
              case "integer" -> Param.Type.INTEGER;
              case "number" -> Param.Type.NUMBER;
              case "boolean" -> Param.Type.BOOLEAN;
              default ->
                  throw yaml.error(
                      keys.get("type"),
                      what
                          + " has unknown type '"
                          + typeText
                          + "'; use string, integer, number or boolean");
            };
        Node defaultNode = keys.get("default");
        if (defaultNode == null) {
          throw yaml.error(declaration, what + " needs a 'default'");
        }
        Object value =
            switch (type) {
              case STRING -> yaml.string(defaultNode, what + " default");
              case INTEGER -> yaml.integer(defaultNode, what + " default");
              case NUMBER -> yaml.number(defaultNode, what + " default");
              case BOOLEAN -> yaml.bool(defaultNode, what + " default");
            };
        params.add(name);
        result.add(new Param(name, type, value));
      }
      return result;
    }

    private List<Trigger> triggers(Node node) {
      List<Trigger> result = new ArrayList<>();
      for (Node item : yaml.sequence(node, "triggers")) {
        Map<String, Node> entries = yaml.mapping(item, "a trigger");
        yaml.allowOnly(item, entries, TRIGGER_KINDS, "a trigger");
        if (entries.size() != 1) {
          throw yaml.error(
              item, "a trigger has exactly one of: " + String.join(", ", TRIGGER_KINDS));
        }
        var entry = entries.entrySet().iterator().next();
        String value = yaml.string(entry.getValue(), entry.getKey());
        result.add(
            switch (entry.getKey()) {
              case "schedule" -> new Trigger.Schedule(cron(entry.getValue(), value));
              case "dataset_version" -> datasetVersion(entry.getValue(), value);
              default -> new Trigger.OnAlert(value);
            });
      }
      return result;
    }

    private Trigger datasetVersion(Node node, String text) {
      String trimmed = text.trim();
      if (!trimmed.contains("@")) {
        if (!DATASET_NAME.matcher(trimmed).matches()) {
          throw yaml.error(
              node,
              "dataset_version must be a dataset name or name@alias (such as flights@production),"
                  + " found '"
                  + trimmed
                  + "'");
        }
        return new Trigger.OnDatasetVersion(trimmed, Optional.empty());
      }
      DatasetRef ref =
          DatasetRef.parse(trimmed)
              .orElseThrow(
                  () ->
                      yaml.error(
                          node,
                          "dataset_version must be a dataset name or name@alias (such as"
                              + " flights@production), found '"
                              + trimmed
                              + "'"));
      if (ref.alias().chars().allMatch(Character::isDigit)) {
        throw yaml.error(
            node,
            "dataset_version '"
                + trimmed
                + "' names a version, which never moves; use an alias such as "
                + ref.name()
                + "@production, or just "
                + ref.name()
                + " for every new version");
      }
      return new Trigger.OnDatasetVersion(ref.name(), Optional.of(ref.alias()));
    }

    private Cron cron(Node node, String text) {
      try {
        return Cron.parse(text);
      } catch (PipelineException e) {
        throw yaml.error(node, "schedule '" + text.trim() + "': " + e.getMessage());
      }
    }

    private Header header(Node node) {
      Map<String, Node> entries = yaml.mapping(node, "a step");
      String id = yaml.requiredString(node, entries, "id", "a step");
      checkId(entries.get("id"), id, "step id");
      String what = "step '" + id + "'";
      String kindText = yaml.requiredString(node, entries, "kind", what);
      StepKind kind =
          StepKind.of(kindText)
              .orElseThrow(
                  () ->
                      yaml.error(
                          entries.get("kind"),
                          "unknown step kind '"
                              + kindText
                              + "'"
                              + Names.closest(kindText, StepKind.labels())
                                  .map(c -> "; did you mean '" + c + "'?")
                                  .orElse("; kinds: " + String.join(", ", StepKind.labels()))));
      List<String> allowed = new ArrayList<>(StepKind.COMMON_KEYS);
      allowed.addAll(kind.keys());
      yaml.allowOnly(node, entries, allowed, kind.label() + " step '" + id + "'");
      yaml.optionalString(entries, "description");
      List<String> needs = new ArrayList<>();
      Node needsNode = entries.get("needs");
      if (needsNode != null) {
        List<Node> items =
            needsNode instanceof ScalarNode
                ? List.of(needsNode)
                : yaml.sequence(needsNode, "needs");
        for (Node item : items) {
          String need = yaml.string(item, "needs");
          if (needs.contains(need)) {
            throw yaml.error(item, what + " lists '" + need + "' twice in needs");
          }
          needs.add(need);
        }
      }
      return new Header(id, kind, needs, node, entries);
    }

    /** Unknown and self needs, then cycles; fills {@link #upstream}. */
    private void checkNeeds() {
      Map<String, List<String>> graph = new LinkedHashMap<>();
      for (Header header : headers.values()) {
        List<Node> items = needNodes(header);
        for (int i = 0; i < header.needs().size(); i++) {
          String need = header.needs().get(i);
          if (need.equals(header.id())) {
            throw yaml.error(items.get(i), "step '" + need + "' cannot need itself");
          }
          if (!headers.containsKey(need)) {
            throw yaml.error(
                items.get(i),
                "step '"
                    + header.id()
                    + "' needs unknown step '"
                    + need
                    + "'"
                    + Names.closest(need, headers.keySet())
                        .map(c -> "; did you mean '" + c + "'?")
                        .orElse(""));
          }
        }
        graph.put(header.id(), header.needs());
      }
      Optional<List<String>> cycle = Dag.cycle(graph);
      if (cycle.isPresent()) {
        Header first = headers.get(cycle.get().getFirst());
        throw yaml.error(
            first.entries().getOrDefault("needs", first.node()),
            "steps form a cycle: " + String.join(" -> ", cycle.get()));
      }
      for (String id : Dag.topologicalOrder(graph)) {
        Set<String> all = new LinkedHashSet<>();
        for (String need : headers.get(id).needs()) {
          all.add(need);
          all.addAll(upstream.get(need));
        }
        upstream.put(id, all);
      }
    }

    private List<Node> needNodes(Header header) {
      Node needsNode = header.entries().get("needs");
      if (needsNode == null) {
        return List.of();
      }
      return needsNode instanceof ScalarNode ? List.of(needsNode) : yaml.sequence(needsNode, "");
    }

    private Body body(Header h) {
      String what = "step '" + h.id() + "'";
      Map<String, Node> e = h.entries();
      Node node = h.node();
      for (var entry : e.entrySet()) {
        if (!entry.getKey().equals("needs")) {
          checkReferences(h, entry.getValue());
        }
      }
      return switch (h.kind()) {
        case VALIDATE -> new Step.Validate(dataset(node, e, what), yaml.optionalString(e, "suite"));
        case TRAIN -> train(node, e, what);
        case EVALUATE -> {
          String model = yaml.requiredString(node, e, "model", what);
          requireStepOutput(h, e.get("model"), model, Set.of(StepKind.TRAIN, StepKind.COMMAND));
          DatasetRef dataset = dataset(node, e, what);
          List<String> metrics = new ArrayList<>();
          if (e.containsKey("metrics")) {
            for (Node item : yaml.sequence(e.get("metrics"), "metrics")) {
              String metric = yaml.string(item, "metrics");
              knownMetric(item, metric);
              metrics.add(metric);
            }
          }
          Optional<ModelRef> champion = Optional.empty();
          if (e.containsKey("champion")) {
            String text = yaml.string(e.get("champion"), "champion").trim();
            champion =
                Optional.of(
                    ModelRef.parse(text)
                        .orElseThrow(
                            () ->
                                yaml.error(
                                    e.get("champion"),
                                    "champion must be a registered model and alias, name@alias"
                                        + " (such as flight-delays@production), found '"
                                        + text
                                        + "'")));
          }
          yield new Step.Evaluate(
              model, dataset, metrics, yaml.optionalString(e, "segment"), champion, where(e));
        }
        case GATE -> gate(h, what);
        case REGISTER -> {
          String model = yaml.requiredString(node, e, "model", what);
          checkId(e.get("model"), model, "model name");
          String from = yaml.requiredString(node, e, "from", what);
          requireStepOutput(h, e.get("from"), from, Set.of(StepKind.TRAIN, StepKind.COMMAND));
          yield new Step.Register(model, from);
        }
        case DEPLOY -> deploy(node, e, what);
        case COMMAND -> command(node, e, what);
      };
    }

    private Body deploy(Node node, Map<String, Node> e, String what) {
      String model = yaml.requiredString(node, e, "model", what);
      Optional<String> alias = yaml.optionalString(e, "alias");
      Optional<String> environment = yaml.optionalString(e, "environment");
      if (alias.isEmpty() && environment.isEmpty()) {
        throw yaml.error(node, what + " needs 'alias', 'environment' or both");
      }
      if (environment.isPresent() && !ENVIRONMENTS.contains(environment.get())) {
        throw yaml.error(
            e.get("environment"),
            "unknown environment '" + environment.get() + "'; use dev, staging or prod");
      }
      Optional<String> deployment = yaml.optionalString(e, "deployment");
      for (String key : List.of("deployment", "rollout")) {
        if (e.containsKey(key) && environment.isEmpty()) {
          throw yaml.error(e.get(key), "'" + key + "' needs 'environment' in " + what);
        }
      }
      if (deployment.isPresent()) {
        checkId(e.get("deployment"), deployment.get(), "deployment name");
      }
      Optional<Step.Rollout> rollout =
          e.containsKey("rollout") ? Optional.of(rollout(e.get("rollout"))) : Optional.empty();
      return new Step.Deploy(model, alias, environment, deployment, rollout);
    }

    private Step.Rollout rollout(Node node) {
      Map<String, Node> keys = yaml.mapping(node, "rollout");
      yaml.allowOnly(node, keys, ROLLOUT_KEYS, "rollout");
      String mode = yaml.requiredString(node, keys, "mode", "rollout");
      if (!List.of("canary", "ab", "shadow").contains(mode)) {
        throw yaml.error(
            keys.get("mode"), "unknown rollout mode '" + mode + "'; use canary, ab or shadow");
      }
      Node percentNode = keys.get("percent");
      if (percentNode == null) {
        throw yaml.error(node, "rollout needs 'percent'");
      }
      long percent = yaml.integer(percentNode, "rollout percent");
      int most = mode.equals("shadow") ? 100 : 99;
      if (percent < 1 || percent > most) {
        throw yaml.error(
            percentNode,
            "rollout percent must be between 1 and " + most + " for " + mode + ", got " + percent);
      }
      Optional<String> stickyKey = yaml.optionalString(keys, "sticky_key");
      if (stickyKey.isPresent() && !mode.equals("ab")) {
        throw yaml.error(keys.get("sticky_key"), "a sticky key only applies to an ab split");
      }
      Step.RolloutPolicy policy =
          keys.containsKey("policy")
              ? policy(keys.get("policy"))
              : new Step.RolloutPolicy(
                  Optional.empty(),
                  OptionalInt.empty(),
                  OptionalDouble.empty(),
                  OptionalLong.empty(),
                  OptionalDouble.empty(),
                  Optional.empty(),
                  OptionalInt.empty(),
                  Optional.empty(),
                  Optional.empty());
      return new Step.Rollout(mode, (int) percent, stickyKey, policy);
    }

    private Step.RolloutPolicy policy(Node node) {
      Map<String, Node> keys = yaml.mapping(node, "policy");
      yaml.allowOnly(node, keys, POLICY_KEYS, "rollout policy");
      Optional<String> window = yaml.optionalString(keys, "window");
      window.ifPresent(w -> policyDuration(keys.get("window"), w, "window"));
      Optional<String> bake = yaml.optionalString(keys, "bake");
      bake.filter(b -> !b.trim().matches("0+[smhd]?"))
          .ifPresent(b -> policyDuration(keys.get("bake"), b, "bake"));
      OptionalDouble successRate = OptionalDouble.empty();
      if (keys.containsKey("min_success_rate")) {
        successRate =
            OptionalDouble.of(yaml.fraction(keys.get("min_success_rate"), "min_success_rate"));
      }
      OptionalDouble qualityDrop = OptionalDouble.empty();
      if (keys.containsKey("max_quality_drop")) {
        double drop = yaml.number(keys.get("max_quality_drop"), "max_quality_drop");
        if (!(drop >= 0)) {
          throw yaml.error(keys.get("max_quality_drop"), "max_quality_drop must not be negative");
        }
        qualityDrop = OptionalDouble.of(drop);
      }
      Optional<String> qualityMetric = yaml.optionalString(keys, "quality_metric");
      if (qualityDrop.isPresent() && qualityMetric.isEmpty()) {
        throw yaml.error(
            keys.get("max_quality_drop"),
            "a quality_metric (such as accuracy or rmse) is required with max_quality_drop");
      }
      Optional<String> promotion = yaml.optionalString(keys, "promotion");
      if (promotion.isPresent() && !List.of("auto", "manual").contains(promotion.get())) {
        throw yaml.error(
            keys.get("promotion"),
            "unknown promotion '" + promotion.get() + "'; use auto or manual");
      }
      return new Step.RolloutPolicy(
          window,
          positiveInt(keys, "min_requests"),
          successRate,
          keys.containsKey("max_p99_millis")
              ? OptionalLong.of(positiveInt(keys, "max_p99_millis").orElseThrow())
              : OptionalLong.empty(),
          qualityDrop,
          qualityMetric,
          positiveInt(keys, "failed_windows"),
          bake,
          promotion);
    }

    private OptionalInt positiveInt(Map<String, Node> keys, String key) {
      Node node = keys.get(key);
      if (node == null) {
        return OptionalInt.empty();
      }
      long value = yaml.integer(node, key);
      if (value < 1 || value > Integer.MAX_VALUE) {
        throw yaml.error(node, key + " must be a positive whole number, got " + value);
      }
      return OptionalInt.of((int) value);
    }

    private void policyDuration(Node node, String text, String key) {
      try {
        Durations.parse(text);
      } catch (PipelineException ex) {
        throw yaml.error(node, "rollout policy " + key + ": " + ex.getMessage());
      }
    }

    private DatasetRef dataset(Node parent, Map<String, Node> e, String what) {
      String text = yaml.requiredString(parent, e, "dataset", what);
      DatasetRef ref =
          DatasetRef.parse(text)
              .orElseThrow(
                  () ->
                      yaml.error(
                          e.get("dataset"),
                          "dataset must be name@alias or name@version (such as"
                              + " flights@production), found '"
                              + text
                              + "'"));
      Node versions = e.get("versions");
      if (versions == null) {
        return ref;
      }
      long value = yaml.integer(versions, "versions");
      if (value < 1 || value > DatasetRef.MAX_VERSIONS) {
        throw yaml.error(
            versions,
            "versions must be from 1 to "
                + DatasetRef.MAX_VERSIONS
                + " (how many accepted versions of "
                + ref.name()
                + " to read, newest first), found "
                + value);
      }
      return ref.withVersions((int) value);
    }

    private Body train(Node node, Map<String, Node> e, String what) {
      DatasetRef dataset = dataset(node, e, what);
      String label = yaml.requiredString(node, e, "label", what);
      expression(e.get("label"), label, "label");
      Node featuresNode = e.get("features");
      if (featuresNode == null) {
        throw yaml.error(node, what + " needs 'features'");
      }
      List<String> features = yaml.names(yaml.sequence(featuresNode, "features"), "a feature");
      if (features.isEmpty()) {
        throw yaml.error(featuresNode, what + " needs at least one feature");
      }
      List<Node> featureNodes = yaml.sequence(featuresNode, "features");
      for (int i = 0; i < features.size(); i++) {
        expression(featureNodes.get(i), features.get(i), "feature");
      }
      String taskText = yaml.requiredString(node, e, "task", what);
      Step.Task task =
          switch (taskText) {
            case "binary" -> Step.Task.BINARY;
            case "multiclass" -> Step.Task.MULTICLASS;
            case "regression" -> Step.Task.REGRESSION;
            default ->
                throw yaml.error(
                    e.get("task"),
                    "unknown task '" + taskText + "'; use binary, multiclass or regression");
          };
      Step.Split split =
          new Step.Split(
              Step.SplitMethod.RANDOM, Optional.empty(), Optional.empty(), OptionalDouble.empty());
      Node splitNode = e.get("split");
      if (splitNode != null) {
        split = split(splitNode);
      }
      Map<String, Object> hyper = new LinkedHashMap<>();
      Node hyperNode = e.get("hyperparameters");
      if (hyperNode != null) {
        for (var entry : yaml.mapping(hyperNode, "hyperparameters").entrySet()) {
          Object value = yaml.scalarValue(entry.getValue(), "hyper-parameter " + entry.getKey());
          if (value == null) {
            throw yaml.error(
                entry.getValue(), "hyper-parameter '" + entry.getKey() + "' has no value");
          }
          hyper.put(entry.getKey(), value);
        }
      }
      OptionalLong seed =
          e.containsKey("seed")
              ? OptionalLong.of(yaml.integer(e.get("seed"), "seed"))
              : OptionalLong.empty();
      return new Step.Train(dataset, label, features, task, split, hyper, seed, where(e));
    }

    /** Label and features are columns or expressions in tend-core's expression language. */
    private void expression(Node node, String text, String what) {
      try {
        Expressions.parse(text);
      } catch (ExpressionException ex) {
        SourceLocation start = yaml.textStart(node);
        Expr.Position position = ex.position();
        SourceLocation at =
            position.isKnown() && position.line() == 1
                ? new SourceLocation(
                    start.file(), start.line(), start.column() + position.column() - 1)
                : start;
        throw new PipelineException(at, what + " expression: " + ex.getMessage());
      }
    }

    private Step.Split split(Node node) {
      Map<String, Node> keys = yaml.mapping(node, "split");
      yaml.allowOnly(node, keys, SPLIT_KEYS, "split");
      String methodText = yaml.requiredString(node, keys, "method", "split");
      Optional<String> column = yaml.optionalString(keys, "column");
      Optional<String> date = yaml.optionalString(keys, "date");
      OptionalDouble fraction = OptionalDouble.empty();
      if (keys.containsKey("fraction")) {
        double value = yaml.number(keys.get("fraction"), "split fraction");
        if (!(value > 0 && value < 1)) {
          throw yaml.error(keys.get("fraction"), "split fraction must be between 0 and 1");
        }
        fraction = OptionalDouble.of(value);
      }
      return switch (methodText.toLowerCase(Locale.ROOT)) {
        case "random" -> {
          if (column.isPresent() || date.isPresent()) {
            throw yaml.error(node, "a random split takes no 'column' or 'date'");
          }
          yield new Step.Split(Step.SplitMethod.RANDOM, column, date, fraction);
        }
        case "time" -> {
          if (column.isEmpty() || date.isEmpty()) {
            throw yaml.error(node, "a time split needs 'column' and 'date'");
          }
          if (!DATE.matcher(date.get()).matches()) {
            throw yaml.error(
                keys.get("date"), "split date must be YYYY-MM-DD, found '" + date.get() + "'");
          }
          if (fraction.isPresent()) {
            throw yaml.error(keys.get("fraction"), "a time split takes no 'fraction'");
          }
          yield new Step.Split(Step.SplitMethod.TIME, column, date, fraction);
        }
        default ->
            throw yaml.error(
                keys.get("method"),
                "unknown split method '" + methodText + "'; use random or time");
      };
    }

    private Body gate(Header h, String what) {
      Map<String, Node> e = h.entries();
      String evaluation = yaml.requiredString(h.node(), e, "evaluation", what);
      Header evaluate =
          requireStepOutput(h, e.get("evaluation"), evaluation, Set.of(StepKind.EVALUATE));
      List<String> computed = new ArrayList<>();
      Node computedNode = evaluate.entries().get("metrics");
      if (computedNode != null) {
        computed = yaml.names(yaml.sequence(computedNode, "metrics"), "metrics");
      }
      Node conditionsNode = e.get("conditions");
      if (conditionsNode == null) {
        throw yaml.error(h.node(), what + " needs 'conditions'");
      }
      List<Node> items = yaml.sequence(conditionsNode, "conditions");
      if (items.isEmpty()) {
        throw yaml.error(conditionsNode, what + " needs at least one condition");
      }
      List<GateCondition> conditions = new ArrayList<>();
      for (Node item : items) {
        String text = yaml.string(item, "a condition");
        GateCondition condition;
        try {
          condition = GateConditions.parse(text);
        } catch (GateConditions.SyntaxException ex) {
          SourceLocation start = yaml.textStart(item);
          throw new PipelineException(
              new SourceLocation(start.file(), start.line(), start.column() + ex.offset()),
              "gate condition '" + text + "': " + ex.getMessage());
        }
        if (condition.comparesWithChampion() && !evaluate.entries().containsKey("champion")) {
          throw yaml.error(
              item,
              "gate condition '"
                  + text
                  + "' compares with the champion, but evaluate step '"
                  + evaluate.id()
                  + "' declares no champion; add champion: <model>@<alias> (such as"
                  + " flight-delays@production) to it");
        }
        List<String> named = new ArrayList<>(List.of(condition.metric()));
        if (condition.right() instanceof GateCondition.Champion champion) {
          named.add(champion.metric());
        }
        for (String metric : named) {
          knownMetric(item, metric);
          if (!computed.isEmpty() && !computed.contains(metric)) {
            throw yaml.error(
                item,
                "gate condition uses '"
                    + metric
                    + "' but step '"
                    + evaluate.id()
                    + "' computes only "
                    + String.join(", ", computed));
          }
        }
        conditions.add(condition);
      }
      return new Step.Gate(evaluation, conditions);
    }

    private void knownMetric(Node node, String metric) {
      if (!MetricNames.ALL.contains(metric)) {
        throw yaml.error(
            node,
            "unknown metric '"
                + metric
                + "'"
                + Names.closest(metric, MetricNames.ALL)
                    .map(c -> "; did you mean '" + c + "'?")
                    .orElse("; metrics: " + String.join(", ", MetricNames.ALL)));
      }
    }

    private Body command(Node node, Map<String, Node> e, String what) {
      Node argvNode = e.get("argv");
      if (argvNode == null) {
        throw yaml.error(node, what + " needs 'argv'");
      }
      List<String> argv = yaml.names(yaml.sequence(argvNode, "argv"), "an argument");
      if (argv.isEmpty()) {
        throw yaml.error(argvNode, "argv needs at least the program");
      }
      List<String> inputs =
          e.containsKey("inputs")
              ? yaml.names(yaml.sequence(e.get("inputs"), "inputs"), "an input")
              : List.of();
      OptionalLong seed =
          e.containsKey("seed")
              ? OptionalLong.of(yaml.integer(e.get("seed"), "seed"))
              : OptionalLong.empty();
      return new Step.Command(
          argv,
          inputs,
          stringMap(e.get("outputs"), "outputs"),
          stringMap(e.get("env"), "env"),
          seed);
    }

    private Map<String, String> stringMap(Node node, String what) {
      Map<String, String> result = new LinkedHashMap<>();
      if (node != null) {
        for (var entry : yaml.mapping(node, what).entrySet()) {
          result.put(entry.getKey(), yaml.string(entry.getValue(), what + " " + entry.getKey()));
        }
      }
      return result;
    }

    /**
     * A value that must be exactly one reference to an output of an upstream step of one of the
     * given kinds; returns that step.
     */
    private Header requireStepOutput(Header h, Node node, String text, Set<StepKind> kinds) {
      Matcher matcher = REFERENCE.matcher(text.trim());
      Matcher step = matcher.matches() ? STEP_REFERENCE.matcher(matcher.group(1).trim()) : null;
      if (step == null || !step.matches()) {
        throw yaml.error(
            node,
            "'"
                + text
                + "' must refer to an earlier step's output, such as ${steps."
                + upstreamExample(h, kinds)
                + ".outputs."
                + exampleOutput(kinds)
                + "}");
      }
      Header target = headers.get(step.group(1));
      if (!kinds.contains(target.kind())) {
        throw yaml.error(
            node,
            "'"
                + text
                + "' refers to a "
                + target.kind().label()
                + " step; expected a "
                + String.join(" or ", kinds.stream().map(StepKind::label).sorted().toList())
                + " step");
      }
      return target;
    }

    private String upstreamExample(Header h, Set<StepKind> kinds) {
      return upstream.get(h.id()).stream()
          .filter(id -> kinds.contains(headers.get(id).kind()))
          .findFirst()
          .orElse("<id>");
    }

    private static String exampleOutput(Set<StepKind> kinds) {
      return kinds.contains(StepKind.EVALUATE) ? "metrics" : "model";
    }

    /** Every {@code ${...}} in the scalars under {@code node} must name an upstream output. */
    private void checkReferences(Header h, Node node) {
      switch (node) {
        case ScalarNode scalar -> checkReferences(h, scalar);
        case MappingNode mapping -> {
          for (NodeTuple tuple : mapping.getValue()) {
            checkReferences(h, tuple.getValueNode());
          }
        }
        case org.snakeyaml.engine.v2.nodes.SequenceNode sequence -> {
          for (Node item : sequence.getValue()) {
            checkReferences(h, item);
          }
        }
        default -> {}
      }
    }

    private void checkReferences(Header h, ScalarNode scalar) {
      Matcher matcher = REFERENCE.matcher(scalar.getValue());
      while (matcher.find()) {
        String reference = matcher.group(1).trim();
        Matcher param = PARAM_REFERENCE.matcher(reference);
        if (param.matches()) {
          if (!params.contains(param.group(1))) {
            throw yaml.error(
                scalar,
                "unknown param '"
                    + param.group(1)
                    + "'"
                    + Names.closest(param.group(1), params)
                        .map(c -> "; did you mean '" + c + "'?")
                        .orElse(""));
          }
          continue;
        }
        Matcher step = STEP_REFERENCE.matcher(reference);
        if (!step.matches()) {
          throw yaml.error(
              scalar,
              "reference '${"
                  + reference
                  + "}' must be ${steps.<id>.outputs.<name>} or ${params.<name>}");
        }
        String id = step.group(1);
        String output = step.group(2);
        Header target = headers.get(id);
        if (target == null) {
          throw yaml.error(
              scalar,
              "reference to unknown step '"
                  + id
                  + "'"
                  + Names.closest(id, headers.keySet())
                      .map(c -> "; did you mean '" + c + "'?")
                      .orElse(""));
        }
        if (id.equals(h.id())) {
          throw yaml.error(scalar, "step '" + id + "' cannot use its own outputs");
        }
        if (!upstream.get(h.id()).contains(id)) {
          throw yaml.error(
              scalar,
              "step '"
                  + h.id()
                  + "' uses an output of '"
                  + id
                  + "' but does not need it; add '"
                  + id
                  + "' to its needs");
        }
        List<String> outputs = outputs(target);
        if (!outputs.contains(output)) {
          throw yaml.error(
              scalar,
              "step '"
                  + id
                  + "' has no output '"
                  + output
                  + "'; its outputs: "
                  + (outputs.isEmpty() ? "none" : String.join(", ", outputs)));
        }
      }
    }

    private List<String> outputs(Header target) {
      if (target.kind() != StepKind.COMMAND) {
        return target.kind().outputs();
      }
      Node outputs = target.entries().get("outputs");
      return outputs == null ? List.of() : List.copyOf(yaml.mapping(outputs, "outputs").keySet());
    }
  }
}
