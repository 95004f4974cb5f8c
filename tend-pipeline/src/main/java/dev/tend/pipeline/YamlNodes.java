package dev.tend.pipeline;

import dev.tend.checks.SourceLocation;
import dev.tend.schema.Names;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** Typed reading of YAML nodes with errors that name the file, line and column. */
final class YamlNodes {
  private final String file;

  YamlNodes(String file) {
    this.file = file;
  }

  SourceLocation at(Node node) {
    return node.getStartMark()
        .map(m -> new SourceLocation(file, m.getLine() + 1, m.getColumn() + 1))
        .orElse(new SourceLocation(file, 0, 0));
  }

  PipelineException error(Node node, String message) {
    return new PipelineException(at(node), message);
  }

  /** A mapping's entries in order; keys must be plain scalars and unique. */
  Map<String, Node> mapping(Node node, String what) {
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

  Map<String, Node> keyNodes(Node node) {
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

  void allowOnly(Node node, Map<String, Node> entries, Collection<String> allowed, String what) {
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

  List<Node> sequence(Node node, String what) {
    if (!(node instanceof SequenceNode sequence)) {
      throw error(node, what + " must be a list, found " + describe(node));
    }
    return sequence.getValue();
  }

  String string(Node node, String what) {
    if (!(node instanceof ScalarNode scalar) || isNull(scalar)) {
      throw error(node, what + " must be a text value, found " + describe(node));
    }
    return scalar.getValue();
  }

  Optional<String> optionalString(Map<String, Node> entries, String key) {
    Node node = entries.get(key);
    return node == null ? Optional.empty() : Optional.of(string(node, key));
  }

  String requiredString(Node parent, Map<String, Node> entries, String key, String what) {
    Node node = entries.get(key);
    if (node == null) {
      throw error(parent, what + " needs '" + key + "'");
    }
    return string(node, key);
  }

  double number(Node node, String what) {
    String text = string(node, what).trim();
    try {
      return Double.parseDouble(text.replace("_", ""));
    } catch (NumberFormatException e) {
      throw error(node, what + " must be a number, found '" + text + "'");
    }
  }

  long integer(Node node, String what) {
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

  boolean bool(Node node, String what) {
    String text = string(node, what).trim().toLowerCase(Locale.ROOT);
    return switch (text) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw error(node, what + " must be true or false, found '" + text + "'");
    };
  }

  /**
   * A scalar as a typed value: quoted scalars are text; plain ones are null, booleans, integers,
   * decimals or text by their spelling.
   */
  Object scalarValue(Node node, String what) {
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

  static boolean isNull(ScalarNode scalar) {
    if (scalar.getScalarStyle() != ScalarStyle.PLAIN) {
      return false;
    }
    String text = scalar.getValue();
    return text.isEmpty() || text.equals("~") || text.equalsIgnoreCase("null");
  }

  /** Start of the scalar's text, after an opening quote, for positions inside expressions. */
  SourceLocation textStart(Node node) {
    SourceLocation at = at(node);
    boolean quoted =
        node instanceof ScalarNode scalar
            && (scalar.getScalarStyle() == ScalarStyle.SINGLE_QUOTED
                || scalar.getScalarStyle() == ScalarStyle.DOUBLE_QUOTED);
    return quoted ? new SourceLocation(at.file(), at.line(), at.column() + 1) : at;
  }

  static String describe(Node node) {
    return switch (node) {
      case MappingNode m -> "a mapping";
      case SequenceNode s -> "a list";
      case ScalarNode s -> isNull(s) ? "nothing" : "'" + s.getValue() + "'";
      default -> "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }

  static List<String> names(List<Node> nodes, YamlNodes yaml, String what) {
    List<String> names = new ArrayList<>();
    for (Node node : nodes) {
      names.add(yaml.string(node, what));
    }
    return names;
  }
}
