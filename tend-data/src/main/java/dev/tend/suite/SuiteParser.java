package dev.tend.suite;

import dev.tend.checks.AnomalyRule;
import dev.tend.checks.Check;
import dev.tend.checks.CheckHeader;
import dev.tend.checks.Dimension;
import dev.tend.checks.MetricRef;
import dev.tend.checks.Severity;
import dev.tend.checks.SourceLocation;
import dev.tend.checks.Suite;
import dev.tend.checks.Threshold;
import dev.tend.checks.ValidityRule;
import dev.tend.expr.Expr;
import dev.tend.expr.ExpressionException;
import dev.tend.expr.Expressions;
import dev.tend.metric.Stat;
import dev.tend.schema.DataType;
import dev.tend.yaml.YamlNodes;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.PatternSyntaxException;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads suite files (YAML, described by {@code schemas/suite.schema.json}). Strict: unknown keys,
 * wrong types and bad expressions are errors that point at the file, line and column.
 */
public final class SuiteParser {
  private static final Set<String> COMMON_KEYS = Set.of("name", "severity", "where", "description");
  private static final Set<String> TOP_KEYS =
      Set.of("version", "name", "description", "thresholds", "checks");

  private SuiteParser() {}

  /** Reads and parses a suite file. */
  public static Suite read(Path file) {
    String label = file.toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new SuiteException(new SourceLocation(label, 0, 0), "suite file not found");
    } catch (MalformedInputException e) {
      throw new SuiteException(new SourceLocation(label, 0, 0), "suite file is not UTF-8 text");
    } catch (IOException e) {
      throw new SuiteException(
          new SourceLocation(label, 0, 0), "cannot read suite file: " + e.getMessage());
    }
    String defaultName = file.getFileName().toString().replaceFirst("\\.(ya?ml)$", "");
    return parse(text, label, defaultName);
  }

  /** Parses suite text; {@code file} names it in messages. */
  public static Suite parse(String text, String file, String defaultName) {
    YamlNodes<SuiteException> yaml = new YamlNodes<>(file, SuiteException::new);
    Node root;
    try {
      LoadSettings settings =
          LoadSettings.builder().setLabel(file).setAllowDuplicateKeys(false).build();
      root =
          new Compose(settings)
              .composeString(text)
              .orElseThrow(
                  () -> new SuiteException(new SourceLocation(file, 1, 1), "suite file is empty"));
    } catch (MarkedYamlEngineException e) {
      SourceLocation at =
          e.getProblemMark()
              .map(m -> new SourceLocation(file, m.getLine() + 1, m.getColumn() + 1))
              .orElse(new SourceLocation(file, 0, 0));
      throw new SuiteException(at, "invalid YAML: " + firstLine(e.getProblem()));
    } catch (YamlEngineException e) {
      throw new SuiteException(
          new SourceLocation(file, 0, 0), "invalid YAML: " + firstLine(e.getMessage()));
    }
    return new SuiteParser.Reader(yaml).suite(root, defaultName);
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "unreadable";
    }
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  /** Holds the state of one parse. */
  private static final class Reader {
    private final YamlNodes<SuiteException> yaml;
    private final Set<String> names = new HashSet<>();

    Reader(YamlNodes<SuiteException> yaml) {
      this.yaml = yaml;
    }

    Suite suite(Node root, String defaultName) {
      Map<String, Node> top = yaml.mapping(root, "a suite");
      yaml.allowOnly(root, top, TOP_KEYS, "the suite");
      int version = Suite.FORMAT_VERSION;
      if (top.containsKey("version")) {
        long v = yaml.integer(top.get("version"), "version");
        if (v != Suite.FORMAT_VERSION) {
          throw yaml.error(
              top.get("version"),
              "suite format version "
                  + v
                  + " is not supported; this Tend reads version "
                  + Suite.FORMAT_VERSION);
        }
        version = (int) v;
      }
      String name = yaml.optionalString(top, "name").orElse(defaultName);
      Optional<String> description = yaml.optionalString(top, "description");
      List<Threshold> thresholds = new ArrayList<>();
      if (top.containsKey("thresholds")) {
        Node node = top.get("thresholds");
        Map<String, Node> entries = yaml.mapping(node, "thresholds");
        Map<String, Node> keys = yaml.keyNodes(node);
        for (Map.Entry<String, Node> entry : entries.entrySet()) {
          Optional<Dimension> dimension = Optional.empty();
          if (!entry.getKey().equals("overall")) {
            dimension = Dimension.parse(entry.getKey());
            if (dimension.isEmpty()) {
              throw yaml.error(
                  keys.get(entry.getKey()),
                  "unknown quality dimension '"
                      + entry.getKey()
                      + "'; use overall, completeness, validity, consistency, uniqueness or"
                      + " timeliness");
            }
          }
          thresholds.add(
              new Threshold(
                  dimension,
                  yaml.percent(entry.getValue(), "threshold " + entry.getKey()),
                  yaml.at(keys.get(entry.getKey()))));
        }
      }
      Node checksNode = top.get("checks");
      if (checksNode == null) {
        throw yaml.error(root, "a suite needs a 'checks' list");
      }
      List<Check> checks = new ArrayList<>();
      for (Node node : yaml.sequence(checksNode, "checks")) {
        checks.add(check(node));
      }
      Set<Dimension> present = new HashSet<>();
      checks.forEach(c -> present.add(c.dimension()));
      for (Threshold threshold : thresholds) {
        if (threshold.dimension().isPresent() && !present.contains(threshold.dimension().get())) {
          throw new SuiteException(
              threshold.location(),
              "threshold on "
                  + threshold.label()
                  + " but no check of the suite measures "
                  + threshold.label());
        }
      }
      return new Suite(version, name, description, checks, thresholds, yaml.at(root).file());
    }

    Check check(Node node) {
      Map<String, Node> entries = yaml.mapping(node, "a check");
      List<String> kinds = entries.keySet().stream().filter(k -> !COMMON_KEYS.contains(k)).toList();
      if (kinds.size() != 1) {
        throw yaml.error(
            node,
            kinds.isEmpty()
                ? "a check needs a kind, one of: " + String.join(", ", CheckKinds.ALL)
                : "a check has exactly one kind, found " + String.join(", ", kinds));
      }
      String kind = kinds.get(0);
      Node kindKey = yaml.keyNodes(node).get(kind);
      if (!CheckKinds.ALL.contains(kind)) {
        throw yaml.error(
            kindKey,
            "unknown check kind '"
                + kind
                + "'"
                + CheckKinds.closest(kind).map(k -> "; did you mean '" + k + "'?").orElse("")
                + " (kinds: "
                + String.join(", ", CheckKinds.ALL)
                + ")");
      }
      Node argsNode = entries.get(kind);
      Map<String, Node> args = yaml.mapping(argsNode, "the arguments of " + kind);
      yaml.allowOnly(argsNode, args, CheckKinds.keys(kind), kind);
      CheckHeader header = header(node, entries, kind, args);
      try {
        return build(kind, header, argsNode, args);
      } catch (IllegalArgumentException e) {
        throw yaml.error(argsNode, kind + ": " + e.getMessage());
      }
    }

    private CheckHeader header(
        Node node, Map<String, Node> entries, String kind, Map<String, Node> args) {
      String base =
          entries.containsKey("name")
              ? yaml.string(entries.get("name"), "name")
              : defaultName(kind, args);
      String name = base;
      if (entries.containsKey("name") && names.contains(name)) {
        throw yaml.error(entries.get("name"), "two checks are named '" + name + "'");
      }
      for (int i = 2; names.contains(name); i++) {
        name = base + " #" + i;
      }
      names.add(name);
      Severity severity = Severity.ERROR;
      if (entries.containsKey("severity")) {
        String text =
            yaml.string(entries.get("severity"), "severity").trim().toLowerCase(Locale.ROOT);
        severity =
            switch (text) {
              case "error" -> Severity.ERROR;
              case "warn", "warning" -> Severity.WARN;
              default ->
                  throw yaml.error(
                      entries.get("severity"), "severity is error or warn, found '" + text + "'");
            };
      }
      Optional<Expr> where = Optional.empty();
      Optional<String> whereText = Optional.empty();
      if (entries.containsKey("where")) {
        String text = yaml.string(entries.get("where"), "where");
        where = Optional.of(expression(entries.get("where"), text));
        whereText = Optional.of(text);
      }
      Optional<String> description =
          entries.containsKey("description")
              ? Optional.of(yaml.string(entries.get("description"), "description"))
              : Optional.empty();
      return new CheckHeader(name, severity, where, whereText, description, yaml.at(node));
    }

    private String defaultName(String kind, Map<String, Node> args) {
      Optional<String> column = plain(args.get("column"));
      return switch (kind) {
        case "schema", "row_count" -> kind;
        case "statistic" -> {
          String stat = plain(args.get("stat")).orElse("statistic");
          yield stat.equals("quantile")
              ? "quantile("
                  + column.orElse("?")
                  + ", "
                  + plain(args.get("quantile")).orElse("?")
                  + ")"
              : stat + "(" + column.orElse("?") + ")";
        }
        case "anomaly" -> "anomaly(" + plain(args.get("metric")).orElse("?") + ")";
        case "unique" ->
            args.get("columns") instanceof SequenceNode seq
                ? "unique("
                    + String.join(
                        ", ", seq.getValue().stream().map(n -> plain(n).orElse("?")).toList())
                    + ")"
                : "unique(" + column.orElse("?") + ")";
        default -> column.map(c -> kind + "(" + c + ")").orElse(kind);
      };
    }

    private static Optional<String> plain(Node node) {
      return node instanceof ScalarNode scalar ? Optional.of(scalar.getValue()) : Optional.empty();
    }

    Expr expression(Node node, String text) {
      try {
        return Expressions.parse(text);
      } catch (ExpressionException e) {
        throw new SuiteException(locate(node, e.position()), "expression: " + e.getMessage());
      }
    }

    /** Maps a position inside an expression to the file, for one-line scalars. */
    SourceLocation locate(Node node, Expr.Position position) {
      SourceLocation start = yaml.textStart(node);
      if (!position.isKnown()) {
        return start;
      }
      if (position.line() == 1) {
        return new SourceLocation(
            start.file(), start.line(), start.column() + position.column() - 1);
      }
      return new SourceLocation(
          start.file(), start.line() + position.line() - 1, position.column());
    }

    private Check build(String kind, CheckHeader header, Node argsNode, Map<String, Node> args) {
      return switch (kind) {
        case "schema" -> schema(header, argsNode, args);
        case "row_count" ->
            new Check.RowCountCheck(header, optionalLong(args, "min"), optionalLong(args, "max"));
        case "completeness" ->
            new Check.CompletenessCheck(
                header, column(argsNode, args), fraction(args, "max_missing", 0));
        case "between" ->
            validity(
                header,
                argsNode,
                args,
                new ValidityRule.Between(literal(args, "min"), literal(args, "max")));
        case "in_set" -> {
          Node values = required(argsNode, args, "values", kind);
          List<Expr.Literal> literals = new ArrayList<>();
          for (Node value : yaml.sequence(values, "values")) {
            literals.add(toLiteral(yaml.scalarValue(value, "a value")));
          }
          yield validity(header, argsNode, args, new ValidityRule.InSet(literals));
        }
        case "regex" -> {
          Node patternNode = required(argsNode, args, "pattern", kind);
          String pattern = yaml.string(patternNode, "pattern");
          try {
            java.util.regex.Pattern.compile(pattern);
          } catch (PatternSyntaxException e) {
            throw yaml.error(patternNode, "invalid regular expression: " + e.getDescription());
          }
          yield validity(header, argsNode, args, new ValidityRule.Pattern(pattern));
        }
        case "conforms" -> {
          Node typeNode = required(argsNode, args, "type", kind);
          yield validity(header, argsNode, args, new ValidityRule.Conforms(type(typeNode)));
        }
        case "non_negative" -> validity(header, argsNode, args, new ValidityRule.NonNegative());
        case "length" ->
            validity(
                header,
                argsNode,
                args,
                new ValidityRule.Length(optionalLong(args, "min"), optionalLong(args, "max")));
        case "unique" -> {
          List<String> columns;
          if (args.containsKey("columns")) {
            columns = yaml.names(yaml.sequence(args.get("columns"), "columns"), "a column");
          } else {
            columns = List.of(column(argsNode, args));
          }
          long maxDuplicates =
              args.containsKey("max_duplicates")
                  ? yaml.integer(args.get("max_duplicates"), "max_duplicates")
                  : 0;
          yield new Check.UniquenessCheck(header, columns, maxDuplicates);
        }
        case "rule" -> {
          Node exprNode = required(argsNode, args, "expression", kind);
          String text = yaml.string(exprNode, "expression");
          Expr rule = expression(exprNode, text);
          yield new Check.RuleCheck(
              header, text, rule, List.copyOf(columnsOf(rule)), fraction(args, "max_failing", 0));
        }
        case "freshness" ->
            new Check.FreshnessCheck(
                header,
                column(argsNode, args),
                duration(required(argsNode, args, "max_age", kind)));
        case "statistic" -> {
          Node statNode = required(argsNode, args, "stat", kind);
          String statText = yaml.string(statNode, "stat");
          Stat stat =
              Stat.parse(statText)
                  .orElseThrow(
                      () ->
                          yaml.error(
                              statNode,
                              "unknown statistic '"
                                  + statText
                                  + "'; use min, max, mean, stddev, sum, distinct, quantile,"
                                  + " null_count, min_length, max_length or mean_length"));
          double quantile = 0;
          if (stat == Stat.QUANTILE) {
            quantile = yaml.number(required(argsNode, args, "quantile", kind), "quantile");
            if (!(quantile >= 0 && quantile <= 1)) {
              throw yaml.error(args.get("quantile"), "quantile must be between 0 and 1");
            }
          }
          yield new Check.StatisticCheck(
              header,
              column(argsNode, args),
              stat,
              quantile,
              optionalDouble(args, "min"),
              optionalDouble(args, "max"));
        }
        case "distribution" -> {
          OptionalDouble threshold = optionalDouble(args, "threshold");
          Optional<String> method =
              yaml.optionalString(args, "method").map(m -> m.trim().toLowerCase(Locale.ROOT));
          if (method.isPresent() && !CheckKinds.DRIFT_METHODS.contains(method.get())) {
            throw yaml.error(
                args.get("method"),
                "unknown method '"
                    + method.get()
                    + "'; use "
                    + String.join(", ", CheckKinds.DRIFT_METHODS));
          }
          yield new Check.DistributionCheck(
              header,
              column(argsNode, args),
              yaml.string(required(argsNode, args, "reference", kind), "reference"),
              method,
              threshold);
        }
        case "anomaly" -> anomaly(header, argsNode, args);
        default -> throw yaml.error(argsNode, "unknown check kind '" + kind + "'");
      };
    }

    private Check schema(CheckHeader header, Node argsNode, Map<String, Node> args) {
      Node columnsNode = required(argsNode, args, "columns", "schema");
      List<Check.ExpectedColumn> expected = new ArrayList<>();
      if (columnsNode instanceof org.snakeyaml.engine.v2.nodes.MappingNode) {
        for (Map.Entry<String, Node> entry : yaml.mapping(columnsNode, "columns").entrySet()) {
          expected.add(
              new Check.ExpectedColumn(entry.getKey(), Optional.of(type(entry.getValue())), true));
        }
      } else {
        for (Node item : yaml.sequence(columnsNode, "columns")) {
          if (item instanceof ScalarNode) {
            expected.add(
                new Check.ExpectedColumn(yaml.string(item, "a column"), Optional.empty(), true));
            continue;
          }
          Map<String, Node> column = yaml.mapping(item, "a column");
          yaml.allowOnly(item, column, Set.of("name", "type", "required"), "a schema column");
          expected.add(
              new Check.ExpectedColumn(
                  yaml.requiredString(item, column, "name", "a schema column"),
                  column.containsKey("type")
                      ? Optional.of(type(column.get("type")))
                      : Optional.empty(),
                  !column.containsKey("required")
                      || yaml.bool(column.get("required"), "required")));
        }
      }
      Set<String> seen = new LinkedHashSet<>();
      for (Check.ExpectedColumn column : expected) {
        if (!seen.add(column.name())) {
          throw yaml.error(columnsNode, "column '" + column.name() + "' is listed twice");
        }
      }
      boolean allowExtra =
          !args.containsKey("allow_extra") || yaml.bool(args.get("allow_extra"), "allow_extra");
      return new Check.SchemaCheck(header, expected, allowExtra);
    }

    private Check anomaly(CheckHeader header, Node argsNode, Map<String, Node> args) {
      Node metricNode = required(argsNode, args, "metric", "anomaly");
      MetricRef metric;
      try {
        metric = MetricRef.parse(yaml.string(metricNode, "metric"));
      } catch (IllegalArgumentException e) {
        throw yaml.error(metricNode, e.getMessage());
      }
      boolean change =
          args.containsKey("max_decrease")
              || args.containsKey("max_increase")
              || args.containsKey("max_change");
      boolean sigma = args.containsKey("sigma");
      if (change == sigma) {
        throw yaml.error(
            argsNode,
            "anomaly needs either a change limit (max_decrease, max_increase or max_change, as a"
                + " percentage or with absolute: true) or sigma (with lookback and min_history)");
      }
      if (sigma) {
        int lookback =
            args.containsKey("lookback")
                ? (int) yaml.integer(args.get("lookback"), "lookback")
                : 20;
        int minHistory =
            args.containsKey("min_history")
                ? (int) yaml.integer(args.get("min_history"), "min_history")
                : Math.min(5, lookback);
        return new Check.AnomalyCheck(
            header,
            metric,
            new AnomalyRule.Deviation(
                yaml.number(args.get("sigma"), "sigma"), lookback, minHistory));
      }
      String key =
          args.containsKey("max_decrease")
              ? "max_decrease"
              : args.containsKey("max_increase") ? "max_increase" : "max_change";
      if (args.keySet().stream().filter(k -> k.startsWith("max_")).count() > 1) {
        throw yaml.error(argsNode, "anomaly takes one of max_decrease, max_increase or max_change");
      }
      AnomalyRule.Direction direction =
          switch (key) {
            case "max_decrease" -> AnomalyRule.Direction.DECREASE;
            case "max_increase" -> AnomalyRule.Direction.INCREASE;
            default -> AnomalyRule.Direction.ANY;
          };
      boolean absolute =
          args.containsKey("absolute") && yaml.bool(args.get("absolute"), "absolute");
      Node limit = args.get(key);
      return new Check.AnomalyCheck(
          header,
          metric,
          absolute
              ? new AnomalyRule.Change(
                  direction, OptionalDouble.empty(), OptionalDouble.of(yaml.number(limit, key)))
              : new AnomalyRule.Change(
                  direction, OptionalDouble.of(relative(limit, key)), OptionalDouble.empty()));
    }

    /** A relative change: {@code 50%} or {@code 0.5}; may exceed 100%. */
    private double relative(Node node, String what) {
      String text = yaml.string(node, what).trim();
      double value =
          text.endsWith("%") ? yaml.percentOrMore(node, what) / 100 : yaml.number(node, what);
      if (value < 0) {
        throw yaml.error(node, what + " must not be negative");
      }
      return value;
    }

    private Check validity(
        CheckHeader header, Node argsNode, Map<String, Node> args, ValidityRule rule) {
      return new Check.ValidityCheck(
          header, column(argsNode, args), rule, fraction(args, "max_invalid", 0));
    }

    private String column(Node argsNode, Map<String, Node> args) {
      return yaml.string(required(argsNode, args, "column", "this check"), "column");
    }

    private Node required(Node parent, Map<String, Node> args, String key, String what) {
      Node node = args.get(key);
      if (node == null) {
        throw yaml.error(parent, what + " needs '" + key + "'");
      }
      return node;
    }

    private double fraction(Map<String, Node> args, String key, double fallback) {
      return args.containsKey(key) ? yaml.fraction(args.get(key), key) : fallback;
    }

    private OptionalLong optionalLong(Map<String, Node> args, String key) {
      return args.containsKey(key)
          ? OptionalLong.of(yaml.integer(args.get(key), key))
          : OptionalLong.empty();
    }

    private OptionalDouble optionalDouble(Map<String, Node> args, String key) {
      return args.containsKey(key)
          ? OptionalDouble.of(yaml.number(args.get(key), key))
          : OptionalDouble.empty();
    }

    private Optional<Expr.Literal> literal(Map<String, Node> args, String key) {
      if (!args.containsKey(key)) {
        return Optional.empty();
      }
      Object value = yaml.scalarValue(args.get(key), key);
      if (value == null || value instanceof Boolean) {
        throw yaml.error(args.get(key), key + " must be a number, a date or a timestamp");
      }
      return Optional.of(toLiteral(value));
    }

    private static Expr.Literal toLiteral(Object value) {
      return Expr.literal(value);
    }

    private DataType type(Node node) {
      String text = yaml.string(node, "type");
      return DataType.parse(text)
          .orElseThrow(
              () ->
                  yaml.error(
                      node,
                      "unknown type '"
                          + text
                          + "'; use boolean, integer, double, string, date or timestamp"));
    }

    private Duration duration(Node node) {
      String text = yaml.string(node, "max_age").trim();
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(s|m|h|d|w)")
              .matcher(text.toLowerCase(Locale.ROOT));
      if (m.matches()) {
        double amount = Double.parseDouble(m.group(1));
        long seconds =
            switch (m.group(2)) {
              case "s" -> 1;
              case "m" -> 60;
              case "h" -> 3_600;
              case "d" -> 86_400;
              default -> 604_800;
            };
        return Duration.ofMillis(Math.round(amount * seconds * 1000));
      }
      try {
        return Duration.parse(text);
      } catch (DateTimeParseException e) {
        throw yaml.error(
            node, "max_age is a duration such as 30m, 36h, 2d, 1w or PT6H; found '" + text + "'");
      }
    }
  }

  /** The columns an expression reads, in order of appearance. */
  public static Set<String> columnsOf(Expr expr) {
    Set<String> columns = new LinkedHashSet<>();
    collect(expr, columns);
    return columns;
  }

  private static void collect(Expr expr, Set<String> columns) {
    switch (expr) {
      case Expr.ColumnRef c -> columns.add(c.name());
      case Expr.Literal l -> {}
      case Expr.Not n -> collect(n.operand(), columns);
      case Expr.Negate n -> collect(n.operand(), columns);
      case Expr.IsNull n -> collect(n.operand(), columns);
      case Expr.Binary b -> {
        collect(b.left(), columns);
        collect(b.right(), columns);
      }
      case Expr.Between b -> {
        collect(b.operand(), columns);
        collect(b.low(), columns);
        collect(b.high(), columns);
      }
      case Expr.InList in -> {
        collect(in.operand(), columns);
        in.values().forEach(v -> collect(v, columns));
      }
      case Expr.Like l -> {
        collect(l.operand(), columns);
        collect(l.pattern(), columns);
      }
      case Expr.Call c -> c.args().forEach(a -> collect(a, columns));
    }
  }
}
