package dev.tend.yaml;

import static java.util.Objects.requireNonNull;

import dev.tend.checks.SourceLocation;
import dev.tend.schema.Names;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Typed reading of YAML nodes with errors that name the file, line and column, shared by the strict
 * parsers of suite and pipeline files. Each parser passes its own located exception type. Reads
 * node trees only; loading the text is the caller's business. Instances are immutable and
 * thread-safe.
 *
 * @param <E> the exception thrown for a bad value, built from its location and message
 */
public final class YamlNodes<E extends RuntimeException> {
  private final String file;
  private final BiFunction<SourceLocation, String, E> errors;

  public YamlNodes(String file, BiFunction<SourceLocation, String, E> errors) {
    this.file = requireNonNull(file, "file is null");
    this.errors = requireNonNull(errors, "errors is null");
  }

  public SourceLocation at(Node node) {
    return node.getStartMark()
        .map(m -> new SourceLocation(file, m.getLine() + 1, m.getColumn() + 1))
        .orElse(new SourceLocation(file, 0, 0));
  }

  public E error(Node node, String message) {
    return errors.apply(at(node), message);
  }

  /** A mapping's entries in order; keys must be plain scalars and unique. */
  public Map<String, Node> mapping(Node node, String what) {
    if (!(node instanceof MappingNode mapping)) {
      throw error(node, what + " must be a mapping (key: value), found " + describe(node));
    }
    Map<String, Node> entries = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
        throw error(tuple.getKeyNode(), "keys of " + what + " must be plain names");
      }
      if (entries.put(key.getValue(), tuple.getValueNode()) != null) {
        throw error(key, "duplicate key '" + key.getValue() + "' in " + what);
      }
    }
    return entries;
  }

  public Map<String, Node> keyNodes(Node node) {
    Map<String, Node> keys = new LinkedHashMap<>();
    if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode key) {
          keys.put(key.getValue(), key);
        }
      }
    }
    return keys;
  }

  public void allowOnly(
      Node node, Map<String, Node> entries, Collection<String> allowed, String what) {
    Map<String, Node> keys = keyNodes(node);
    for (String key : entries.keySet()) {
      if (!allowed.contains(key)) {
        String hint =
            Names.closest(key, allowed)
                .map(c -> "; did you mean '" + c + "'?")
                .orElse("; allowed: " + String.join(", ", allowed.stream().sorted().toList()));
        throw error(keys.getOrDefault(key, node), "unknown key '" + key + "' in " + what + hint);
      }
    }
  }

  public List<Node> sequence(Node node, String what) {
    if (!(node instanceof SequenceNode sequence)) {
      throw error(node, what + " must be a list, found " + describe(node));
    }
    return sequence.getValue();
  }

  public String string(Node node, String what) {
    if (!(node instanceof ScalarNode scalar) || isNull(scalar)) {
      throw error(node, what + " must be a text value, found " + describe(node));
    }
    return scalar.getValue();
  }

  public Optional<String> optionalString(Map<String, Node> entries, String key) {
    Node node = entries.get(key);
    return node == null ? Optional.empty() : Optional.of(string(node, key));
  }

  public String requiredString(Node parent, Map<String, Node> entries, String key, String what) {
    Node node = entries.get(key);
    if (node == null) {
      throw error(parent, what + " needs '" + key + "'");
    }
    return string(node, key);
  }

  public double number(Node node, String what) {
    String text = string(node, what).trim();
    try {
      return Double.parseDouble(text.replace("_", ""));
    } catch (NumberFormatException e) {
      throw error(node, what + " must be a number, found '" + text + "'");
    }
  }

  public long integer(Node node, String what) {
    String text = string(node, what).trim();
    double value;
    try {
      value = Double.parseDouble(text.replace("_", ""));
    } catch (NumberFormatException e) {
      throw error(node, what + " must be a whole number, found '" + text + "'");
    }
    if (value != Math.rint(value) || Math.abs(value) > 9e15) {
      throw error(node, what + " must be a whole number, found '" + string(node, what) + "'");
    }
    return (long) value;
  }

  public boolean bool(Node node, String what) {
    String text = string(node, what).trim().toLowerCase(Locale.ROOT);
    return switch (text) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw error(node, what + " must be true or false, found '" + text + "'");
    };
  }

  /** A fraction in [0, 1], written as {@code 0.05} or {@code 5%}. */
  public double fraction(Node node, String what) {
    String text = string(node, what).trim();
    double value;
    if (text.endsWith("%")) {
      value = percentValue(node, text, what) / 100;
    } else {
      value = number(node, what);
      if (value > 1) {
        throw error(
            node, what + " is a fraction from 0 to 1 or a percentage such as 5%; found " + text);
      }
    }
    if (!(value >= 0 && value <= 1)) {
      throw error(node, what + " must be between 0 and 1 (0% and 100%), found " + text);
    }
    return value;
  }

  /** A percentage in [0, 100], written as {@code 95%} or {@code 95}. */
  public double percent(Node node, String what) {
    String text = string(node, what).trim();
    double value = text.endsWith("%") ? percentValue(node, text, what) : number(node, what);
    if (!(value >= 0 && value <= 100)) {
      throw error(node, what + " must be a percentage from 0 to 100, found " + text);
    }
    return value;
  }

  /** A percentage that may exceed 100, such as a relative change of 150%. */
  public double percentOrMore(Node node, String what) {
    return percentValue(node, string(node, what).trim(), what);
  }

  private double percentValue(Node node, String text, String what) {
    try {
      return Double.parseDouble(text.substring(0, text.length() - 1).trim());
    } catch (NumberFormatException e) {
      throw error(node, what + " must be a percentage such as 95%, found '" + text + "'");
    }
  }

  /**
   * A scalar as a typed value: quoted scalars are text; plain ones are null, booleans, integers,
   * decimals or text by their spelling.
   */
  public Object scalarValue(Node node, String what) {
    if (!(node instanceof ScalarNode scalar)) {
      throw error(node, what + " must be a single value, found " + describe(node));
    }
    if (scalar.getScalarStyle() != ScalarStyle.PLAIN) {
      return scalar.getValue();
    }
    String text = scalar.getValue();
    if (isNull(scalar)) {
      return null;
    }
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.equals("true") || lower.equals("false")) {
      return Boolean.valueOf(lower);
    }
    if (text.matches("[-+]?\\d+")) {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        return text;
      }
    }
    if (text.matches("[-+]?(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][-+]?\\d+)?")) {
      return Double.parseDouble(text);
    }
    return text;
  }

  public static boolean isNull(ScalarNode scalar) {
    if (scalar.getScalarStyle() != ScalarStyle.PLAIN) {
      return false;
    }
    String text = scalar.getValue();
    return text.isEmpty() || text.equals("~") || text.equalsIgnoreCase("null");
  }

  /** Start of the scalar's text, after an opening quote, for positions inside expressions. */
  public SourceLocation textStart(Node node) {
    SourceLocation at = at(node);
    boolean quoted =
        node instanceof ScalarNode scalar
            && (scalar.getScalarStyle() == ScalarStyle.SINGLE_QUOTED
                || scalar.getScalarStyle() == ScalarStyle.DOUBLE_QUOTED);
    return quoted ? new SourceLocation(at.file(), at.line(), at.column() + 1) : at;
  }

  public static String describe(Node node) {
    return switch (node) {
      case MappingNode m -> "a mapping";
      case SequenceNode s -> "a list";
      case ScalarNode s -> isNull(s) ? "nothing" : "'" + s.getValue() + "'";
      default -> "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }

  /** The text values of a list's items. */
  public List<String> names(List<Node> nodes, String what) {
    List<String> names = new ArrayList<>();
    for (Node node : nodes) {
      names.add(string(node, what));
    }
    return names;
  }
}
